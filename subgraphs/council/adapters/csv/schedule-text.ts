// The free-text `schedule` column of the DCLG round_plan table ("For example, alternate weekly on
// Monday"), read only far enough to cross-check it against the rounds file: a round plan that says
// "Monday" for a round the rounds file puts on Tuesday is a mistake worth stopping for.
import type { IsoWeekday } from '../../../../domain/dates.js';

export interface ScheduleReading {
  weekday: IsoWeekday | null;
  everyWeeks: number | null;
}

const DAYS: Array<[RegExp, IsoWeekday]> = [
  [/\bmon(day)?s?\b/i, 1],
  [/\btue(s|sday)?s?\b/i, 2],
  [/\bwed(nesday)?s?\b/i, 3],
  [/\bthu(r|rs|rsday)?s?\b/i, 4],
  [/\bfri(day)?s?\b/i, 5],
  [/\bsat(urday)?s?\b/i, 6],
  [/\bsun(day)?s?\b/i, 7],
];

const WORD_NUMBERS: Record<string, number> = { two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8 };

/** What the text says, where it says it clearly; null parts where it does not. */
export function readScheduleText(text: string): ScheduleReading {
  const days = DAYS.filter(([pattern]) => pattern.test(text)).map(([, day]) => day);
  const weekday = days.length === 1 ? days[0] : null;
  return { weekday, everyWeeks: everyWeeksIn(text) };
}

function everyWeeksIn(text: string): number | null {
  if (/alternate|fortnight|every other|bi-?weekly/i.test(text)) return 2;
  const counted = /(?:every\s+)?\b(\d+|two|three|four|five|six|seven|eight)[\s-]*week(?:s|ly)?\b/i.exec(text);
  if (counted) return Number(counted[1]) || WORD_NUMBERS[counted[1].toLowerCase()] || null;
  if (/\bweekly\b|every\s+week|every\s+(mon|tue|wed|thu|fri|sat|sun)/i.test(text)) return 1;
  return null;
}
