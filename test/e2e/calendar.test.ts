// The calendar subgraph through the gateway: bank holidays and each council's division.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { gql } from '../support/graphql-client.js';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ port: 0 });
});
afterAll(async () => stack?.close());

describe('bank holidays in the national graph', () => {
  it('lists Easter 2026 for England and Wales', async () => {
    const result = await gql(stack.gateway.graphqlUrl, `{ bankHolidays(division: ENGLAND_AND_WALES, from: "2026-04-01", to: "2026-04-30") { date title division } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data.bankHolidays).toEqual([
      { date: '2026-04-03', title: 'Good Friday', division: 'ENGLAND_AND_WALES' },
      { date: '2026-04-06', title: 'Easter Monday', division: 'ENGLAND_AND_WALES' },
    ]);
  });

  it('gives a Scottish council Scotland\'s holidays, with 2 January and without Easter Monday', async () => {
    const result = await gql(stack.gateway.graphqlUrl, `{
      edinburgh: council(code: "S12000036") { name bankHolidayDivision upcomingBankHolidays(from: "2026-12-20", days: 20) { date title notes } }
      reading: council(code: "E06000038") { bankHolidayDivision upcomingBankHolidays(from: "2026-04-01", days: 30) { date } }
    }`);
    expect(result.errors).toBeUndefined();
    expect(result.data.edinburgh.bankHolidayDivision).toBe('SCOTLAND');
    expect(result.data.edinburgh.upcomingBankHolidays.map((h: any) => h.date)).toEqual(['2026-12-25', '2026-12-28', '2027-01-01', '2027-01-04']);
    expect(result.data.edinburgh.upcomingBankHolidays[1].notes).toBe('Substitute day');
    expect(result.data.reading.bankHolidayDivision).toBe('ENGLAND_AND_WALES');
    expect(result.data.reading.upcomingBankHolidays.map((h: any) => h.date)).toEqual(['2026-04-03', '2026-04-06']);
  });

  it('refuses a range that ends before it starts', async () => {
    const result = await gql(stack.gateway.graphqlUrl, `{ bankHolidays(division: SCOTLAND, from: "2026-05-01", to: "2026-04-01") { date } }`);
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
