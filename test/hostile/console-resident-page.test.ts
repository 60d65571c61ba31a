// Markup and calendar-format tricks typed into the console reach residents as text: a disruption posted through
// the console's real sign-in and forms on the local stack, then read where residents read it (the gateway's
// bin-day page and calendar feed, and the GraphQL answer apps use).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInLondon } from '../../domain/dates.js';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { Browser, READING } from './console-host.js';

let stack: LocalStack;
let pat: Browser;
const SCRIPT = '<script>alert(1)</script><img src=x onerror=alert(2)>';
const ICS_INJECTION = 'Bins out\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Injected event\r\nURL:https://evil.example/';

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, host: '127.0.0.1', sources: (defaults) => defaults.filter((s) => s.councilCode === READING), gateway: { rateLimit: false } });
  // The stack's own council host: its console, its store.
  pat = new Browser(stack.councilHost.url);
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

describe('what a council types, as residents see it', () => {
  it('is text on the bin-day page and in the calendar feed, whatever markup or ICS lines it holds', async () => {
    // No CLI here: the account is made as the CLI makes it, in the stack's disruptions database.
    const { ConsoleAccounts } = await import('../../subgraphs/council/console/auth/accounts.js');
    await new ConsoleAccounts(stack.disruptions.database, { passwordCost: { logN: 4, r: 8, p: 1 } }).create({ councilCode: READING, email: 'pat@reading.gov.uk', name: `Pat ${SCRIPT}`.slice(0, 100), roles: ['editor', 'publisher'], password: 'correct horse battery staple' });
    expect((await pat.signIn('pat@reading.gov.uk')).status).toBe(303);
    const what = await pat.post('/console/disruptions/new', { reason: 'SEVERE_WEATHER', title: `Snow ${SCRIPT}`, detail: `${SCRIPT}\n${ICS_INJECTION}` });
    expect(what.status).toBe(303);
    const draft = /\/console\/drafts\/([0-9a-f-]+)\//.exec(what.headers.get('location')!)![1];
    expect((await pat.post(`/console/drafts/${draft}/where`, { area: 'postcodes', postcodes: 'RG1 1AA' })).status).toBe(303);
    const [year, month, day] = todayInLondon(new Date()).split('-');
    expect((await pat.post(`/console/drafts/${draft}/when`, { 'starts-day': day, 'starts-month': month, 'starts-year': year, effect: 'cancelled', services: 'all' })).status).toBe(303);
    const preview = await pat.get(`/console/drafts/${draft}/preview`);
    expect(preview.status).toBe(200);
    expect(preview.html).not.toContain('<script>alert');
    expect((await pat.post(`/console/drafts/${draft}/publish`, {})).status).toBe(303);

    const list = await (await fetch(`${stack.gateway.url}/?postcode=rg1+1aa`)).text();
    const uprn = /\/address\/E06000038\/(\d+)|value="E06000038\/(\d+)"/.exec(list)!.slice(1).find(Boolean)!;
    const deadline = Date.now() + 10_000;
    let page = '';
    while (Date.now() < deadline) {
      page = await (await fetch(`${stack.gateway.url}/address/E06000038/${uprn}`)).text();
      if (page.includes('Snow ')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(page).toContain('Snow &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img src=x');

    const feed = await (await fetch(`${stack.gateway.url}/calendar/E06000038/${uprn}.ics`)).text();
    // Unfolded (RFC 5545 continues a long line on the next one, indented).
    const lines = feed.replace(/\r\n[ \t]/g, '').split(/\r\n/);
    // The detail is there, its line breaks escaped inside one DESCRIPTION.
    expect(lines.some((line) => line.startsWith('DESCRIPTION:') && line.includes('Bins out\\nEND:VEVENT\\nBEGIN:VEVENT\\nSUMMARY:Injected event'))).toBe(true);
    expect(lines.filter((line) => line === 'BEGIN:VEVENT').length).toBe(lines.filter((line) => line === 'END:VEVENT').length);
    expect(lines).not.toContain('SUMMARY:Injected event');
    expect(lines.some((line) => line.startsWith('URL:https://evil.example'))).toBe(false);
  }, 60_000);
});
