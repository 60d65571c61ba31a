// Why a collection that a feed shows on another day moved. Feeds say only that it moved (an ICS
// "(Changed Collection)", an Echo task whose current date differs from its original date), so a bank
// holiday is taken as the reason, the commonest one by far, when one falls in the week of either date
// or in the week before: Christmas and New Year slips run on into the next week (Bristol's 2019
// calendars move the second week of January by a day).
// Christmas and New Year reach further: councils also move collections in the week BEFORE the holiday
// week (catching up early, or the Saturday before), in either direction, so a Christmas or New Year
// holiday in the week after either date counts too. Otherwise the reason is OTHER.
import type { BankHoliday, BankHolidayCalendar } from '../../../../domain/bank-holidays/calendar.js';
import { addDays, daysBetween, startOfIsoWeek } from '../../../../domain/dates.js';
import type { BankHolidayDivision, ChangeReason, IsoDate } from '../../../../domain/types.js';

export interface MoveExplanation {
  reason: ChangeReason;
  note: string | null;
}

export type ExplainMove = (from: IsoDate, to: IsoDate, feedText: string | null) => MoveExplanation;

/** Christmas Day to 4 January: the holidays whose moves run on either side of their week. */
function isChristmasOrNewYear(date: IsoDate): boolean {
  const monthDay = date.slice(5);
  return monthDay >= '12-24' || monthDay <= '01-04';
}

/** The holidays that can explain moving a collection from `from` to `to`, nearest to `from` first. */
export function holidaysBehindMove(calendar: BankHolidayCalendar, division: BankHolidayDivision, from: IsoDate, to: IsoDate): BankHoliday[] {
  const [early, late] = from <= to ? [from, to] : [to, from];
  const weekBefore = addDays(startOfIsoWeek(early), -7);
  const endOfLateWeek = addDays(startOfIsoWeek(late), 6);
  const holidays = calendar
    .holidays(division, weekBefore, addDays(endOfLateWeek, 7))
    .filter((holiday) => holiday.date <= endOfLateWeek || isChristmasOrNewYear(holiday.date));
  return holidays.sort((a, b) => Math.abs(daysBetween(from, a.date)) - Math.abs(daysBetween(from, b.date)) || (a.date < b.date ? -1 : 1));
}

export function bankHolidayExplainer(calendar: BankHolidayCalendar, division: BankHolidayDivision): ExplainMove {
  return (from, to, feedText) => {
    const [nearest] = holidaysBehindMove(calendar, division, from, to);
    if (!nearest) return { reason: 'OTHER', note: feedText || null };
    return { reason: 'BANK_HOLIDAY', note: `Because of ${nearest.title} (${nearest.date})` };
  };
}

/**
 * For choosing between cycles that explain a feed equally well: a move is likely when a bank holiday
 * falls in the week of its regular date (a slip, or the Saturday before), or it is a Christmas or
 * New Year move (either direction, the week before or after).
 */
export function likelyHolidayMove(calendar: BankHolidayCalendar, division: BankHolidayDivision): (from: IsoDate, to: IsoDate) => boolean {
  return (from, to) => {
    const monday = startOfIsoWeek(from);
    if (calendar.holidays(division, monday, addDays(monday, 6)).length > 0) return true;
    return holidaysBehindMove(calendar, division, from, to).some((holiday) => isChristmasOrNewYear(holiday.date));
  };
}
