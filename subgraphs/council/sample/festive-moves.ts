// Scottish councils mostly work through public holidays (sample councils do too), but none collects on
// Christmas Day, Boxing Day, New Year's Day or 2 January, the holidays Scotland observes at the turn of
// the year. The sample's Scottish councils therefore publish a festive table, as real ones do: a
// collection due on one of those days (or on its substitute day) goes to the next day that is none of
// them and not a Sunday.
import type { BankHolidayCalendar } from '../../../domain/bank-holidays/calendar.js';
import type { ExplicitMove, ExplicitMoves } from '../../../domain/bank-holidays/policy.js';
import { addDays, isoWeekday, MONTH_NAMES, WEEKDAY_NAMES } from '../../../domain/dates.js';
import type { BankHolidayDivision, IsoDate } from '../../../domain/types.js';

const FESTIVE_DAYS = ['12-25', '12-26', '01-01', '01-02'];
const SUNDAY = 7;

/** The festive moves for every year the calendar covers. */
export function festiveMoves(calendar: BankHolidayCalendar, division: BankHolidayDivision): ExplicitMoves {
  const { firstYear, lastYear } = calendar.coverage(division);
  const moves: ExplicitMove[] = [];
  for (let year = firstYear - 1; year <= lastYear; year++) {
    const holidays = calendar.holidays(division, `${year}-12-24`, `${year + 1}-01-05`);
    const titleOn = new Map(holidays.map((h) => [h.date, h.title]));
    const isFestive = (date: IsoDate) => FESTIVE_DAYS.includes(date.slice(5)) || titleOn.has(date);
    const festive = [`${year}-12-25`, `${year}-12-26`, `${year + 1}-01-01`, `${year + 1}-01-02`, ...titleOn.keys()];
    for (const date of [...new Set(festive)].sort()) {
      if (isoWeekday(date) >= 6) continue; // sample rounds collect Monday to Friday
      let to = addDays(date, 1);
      while (isFestive(to) || isoWeekday(to) === SUNDAY) to = addDays(to, 1);
      moves.push({ from: date, to, note: `Because of ${titleOn.get(date) ?? festiveName(date)} (${describe(date)})` });
    }
  }
  return { moves };
}

function festiveName(date: IsoDate): string {
  return { '12-25': 'Christmas Day', '12-26': 'Boxing Day', '01-01': 'New Year’s Day', '01-02': '2nd January' }[date.slice(5)]!;
}

/** "Friday 25 December", as the engine's own holiday notes read. */
function describe(date: IsoDate): string {
  return `${WEEKDAY_NAMES[isoWeekday(date) - 1]} ${Number(date.slice(8, 10))} ${MONTH_NAMES[Number(date.slice(5, 7)) - 1]}`;
}
