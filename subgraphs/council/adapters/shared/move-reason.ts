// Why a collection that a feed shows on another day moved. Feeds say only that it moved (an ICS
// "(Changed Collection)", an Echo task whose current date differs from its original date), so a bank
// holiday is taken as the reason, the commonest one by far, when one falls in the week of either date
// or in the week before: Christmas and New Year slips run on into the next week (Bristol's 2019
// calendars move the second week of January by a day). Otherwise the reason is OTHER.
import type { BankHolidayCalendar } from '../../../../domain/bank-holidays/calendar.js';
import { addDays, daysBetween, startOfIsoWeek } from '../../../../domain/dates.js';
import type { BankHolidayDivision, ChangeReason, IsoDate } from '../../../../domain/types.js';

export interface MoveExplanation {
  reason: ChangeReason;
  note: string | null;
}

export type ExplainMove = (from: IsoDate, to: IsoDate, feedText: string | null) => MoveExplanation;

export function bankHolidayExplainer(calendar: BankHolidayCalendar, division: BankHolidayDivision): ExplainMove {
  return (from, to, feedText) => {
    const [early, late] = from <= to ? [from, to] : [to, from];
    const holidays = calendar.holidays(division, addDays(startOfIsoWeek(early), -7), addDays(startOfIsoWeek(late), 6));
    if (holidays.length === 0) return { reason: 'OTHER', note: feedText || null };
    const nearest = [...holidays].sort((a, b) => Math.abs(daysBetween(from, a.date)) - Math.abs(daysBetween(from, b.date)))[0];
    return { reason: 'BANK_HOLIDAY', note: `Because of ${nearest.title} (${nearest.date})` };
  };
}
