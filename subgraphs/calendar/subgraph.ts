// The calendar subgraph: GOV.UK bank holidays and each council's division.
import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse, type GraphQLSchema } from 'graphql';
import { divisionForNation, type BankHoliday, type BankHolidayCalendar } from '../../domain/bank-holidays/calendar.js';
import { addDays, daysBetween, todayInLondon } from '../../domain/dates.js';
import type { BankHolidayDivision, IsoDate, Nation } from '../../domain/types.js';
import { ErrorCode } from '../../schema/error-codes.js';
import { DateScalar } from '../../schema/scalars.js';
import { projectPath } from '../../lib/project-path.js';

const CALENDAR_SDL = readFileSync(projectPath('schema', 'calendar.graphql'), 'utf8');
const MAX_DAYS = 400;

const DIVISION_ENUM: Record<BankHolidayDivision, string> = {
  'england-and-wales': 'ENGLAND_AND_WALES',
  scotland: 'SCOTLAND',
  'northern-ireland': 'NORTHERN_IRELAND',
};
const DIVISION_OF_ENUM = Object.fromEntries(Object.entries(DIVISION_ENUM).map(([k, v]) => [v, k])) as Record<string, BankHolidayDivision>;

export interface CalendarData {
  bankHolidays: BankHolidayCalendar;
  /** Nation of each council by GSS code. */
  nationOf(code: string): Nation | undefined;
  now?: () => Date;
}

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT } });
}

const view = (holiday: BankHoliday) => ({
  date: holiday.date,
  title: holiday.title,
  division: DIVISION_ENUM[holiday.division],
  notes: holiday.notes || null,
});

export function calendarSubgraphSchema(data: CalendarData): GraphQLSchema {
  const today = () => todayInLondon(data.now?.() ?? new Date());
  const divisionOfCouncil = (code: string) => {
    const nation = data.nationOf(code);
    return nation ? divisionForNation(nation) : null;
  };
  const resolvers = {
    Date: DateScalar,
    Query: {
      bankHolidays: (_: unknown, args: { division: string; from?: IsoDate | null; to?: IsoDate | null }) => {
        const from = args.from ?? today();
        const to = args.to ?? addDays(from, 365);
        if (to < from) throw badInput(`The range ends (${to}) before it starts (${from}).`);
        if (daysBetween(from, to) > 366 * 5) throw badInput('Ask for at most five years of bank holidays at once.');
        return data.bankHolidays.holidays(DIVISION_OF_ENUM[args.division], from, to).map(view);
      },
      bankHolidayCoverage: () => data.bankHolidays.coverage(),
    },
    Council: {
      __resolveReference: (ref: { code: string }) => ({ code: ref.code }),
      bankHolidayDivision: (council: { code: string }) => {
        const division = divisionOfCouncil(council.code);
        return division ? DIVISION_ENUM[division] : null;
      },
      upcomingBankHolidays: (council: { code: string }, args: { from?: IsoDate | null; days?: number | null }) => {
        const days = args.days ?? 14;
        if (days < 1 || days > MAX_DAYS) throw badInput(`days must be between 1 and ${MAX_DAYS}.`);
        const division = divisionOfCouncil(council.code);
        if (!division) return null;
        const from = args.from ?? today();
        return data.bankHolidays.holidays(division, from, addDays(from, days - 1)).map(view);
      },
    },
  };
  return buildSubgraphSchema({ typeDefs: parse(CALENDAR_SDL), resolvers: resolvers as never });
}
