// National webhooks from the gateway's event log: the real NationalEventLog and subscriptions database, the
// shared deliverer with a fake transport and fake timers (backoff is driven by the clock, no sleeps), and
// the durability promises tested by closing and reopening the files as a crashed gateway would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NationalEventLog, type NationalEventInput } from '../../gateway/events/national-event-log.js';
import { nationalWebhooks, type NationalWebhooks } from '../../gateway/webhooks/national-webhooks.js';
import { NationalSubscriptions } from '../../gateway/webhooks/national-subscriptions.js';
import { verifyWebhookSignature } from '../../lib/webhooks/signing.js';
import type { WebhookRequest } from '../../lib/webhooks/transport.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const APP = 'reading-my-area';

let counter = 0;
function event(councilCode: string, title: string, type: NationalEventInput['type'] = 'disruption.published'): NationalEventInput {
  counter++;
  return { id: `evt-${counter}`, councilCode, type, disruption: { id: `d-${counter}`, title, area: 'council', effect: 'cancelled' }, occurredAt: new Date().toISOString() };
}

let dir: string;
let log: NationalEventLog;
let webhooks: NationalWebhooks;
let sent: WebhookRequest[];
let answer: (request: WebhookRequest) => Promise<{ status: number }>;

function open(): NationalWebhooks {
  return nationalWebhooks(
    {
      dbPath: join(dir, 'national-webhooks.sqlite'),
      deliverer: {
        transport: (request) => {
          sent.push(request);
          return answer(request);
        },
        random: () => 0.999999, // the top of the jitter: the schedule is the plain doubling
        pollIntervalMs: HOUR,
        pauseAfterFailures: 1000,
      },
    },
    log,
  );
}

const delivered = (requests: WebhookRequest[]) => requests.map((r) => JSON.parse(r.body) as { id: string; councilCode: string; disruption: { title: string } });

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-12-01T07:00:00Z') });
  counter = 0;
  dir = mkdtempSync(join(tmpdir(), 'binfo-national-webhooks-'));
  log = NationalEventLog.open(join(dir, 'national-events.sqlite'));
  sent = [];
  answer = async () => ({ status: 204 });
  webhooks = open();
});

afterEach(async () => {
  await webhooks.close();
  log.close();
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

describe('national webhooks', () => {
  it('deliver an event appended to the national log, signed, with the council event id as the idempotency key', async () => {
    const { subscription, secret } = webhooks.subscriptions.add(APP, { url: 'https://app.example/hook' });
    webhooks.start();
    await vi.advanceTimersByTimeAsync(0);
    log.append(event(READING, 'Snow: collections cancelled'));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request.url).toBe('https://app.example/hook');
    expect(JSON.parse(request.body)).toEqual({
      id: 'evt-1',
      type: 'disruption.published',
      councilCode: READING,
      createdAt: expect.any(String),
      disruption: { id: 'd-1', title: 'Snow: collections cancelled', area: 'council', effect: 'cancelled' },
    });
    expect(request.headers['binfo-event-id']).toBe('evt-1');
    const check = { body: request.body, timestamp: request.headers['binfo-timestamp'], signature: request.headers['binfo-signature'] };
    expect(verifyWebhookSignature({ secret, ...check })).toBe(true);
    expect(verifyWebhookSignature({ secret: 'whsec_someone-else', ...check })).toBe(false);
    expect(webhooks.subscriptions.log(APP, subscription.id)).toMatchObject([{ eventId: 'evt-1', attempt: 1, status: 204, error: null }]);
  });

  it('hear only the councils a subscription names; one without a filter hears every council', async () => {
    webhooks.subscriptions.add(APP, { url: 'https://reading.example/hook', councils: [READING] });
    webhooks.subscriptions.add(APP, { url: 'https://everything.example/hook' });
    webhooks.start();
    await vi.advanceTimersByTimeAsync(0);
    log.append(event(READING, 'Reading snow'));
    log.append(event(BRISTOL, 'Bristol strike'));
    await vi.advanceTimersByTimeAsync(0);
    const byUrl = (url: string) => delivered(sent.filter((r) => r.url === url)).map((e) => e.councilCode);
    expect(byUrl('https://reading.example/hook')).toEqual([READING]);
    expect(byUrl('https://everything.example/hook')).toEqual([READING, BRISTOL]);
  });

  it('refuse a council filter that is not GSS codes of known councils, naming each problem', () => {
    const known = (code: string) => code === READING;
    expect(() => webhooks.subscriptions.add(APP, { url: 'https://app.example/hook', councils: ['reading', 'E06000099'] }, known)).toThrow(
      'councils: "reading" is not a GSS council code such as E06000038; E06000099 is not a council Binfo knows.',
    );
    expect(() => webhooks.subscriptions.add(APP, { url: 'https://app.example/hook', councils: [] }, known)).toThrow(/1 to 500 GSS council codes/);
    expect(webhooks.subscriptions.list(APP)).toEqual([]);
  });

  it('give a receiver that is down for hours every event once it is back, retrying with doubling delays', async () => {
    const { subscription } = webhooks.subscriptions.add(APP, { url: 'https://app.example/hook' });
    let up = false;
    answer = async () => (up ? { status: 200 } : Promise.reject(new Error('connect ECONNREFUSED')));
    webhooks.start();
    await vi.advanceTimersByTimeAsync(0);
    log.append(event(READING, 'First'));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(1);
    // Retries at +10 s, +20 s, +40 s… after each failure.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(sent).toHaveLength(3);
    log.append(event(BRISTOL, 'Second'));
    log.append(event(READING, 'Third', 'disruption.changed'));
    await vi.advanceTimersByTimeAsync(3 * HOUR);
    const whileDown = sent.length;
    expect(whileDown).toBeGreaterThan(10);
    expect(whileDown).toBeLessThan(40); // backoff, not a hammering

    up = true;
    await vi.advanceTimersByTimeAsync(HOUR + MINUTE); // the longest delay is an hour
    const succeeded = webhooks.subscriptions
      .log(APP, subscription.id, 1000)
      .filter((entry) => entry.status === 200)
      .map((entry) => entry.eventId)
      .sort();
    expect(succeeded).toEqual(['evt-1', 'evt-2', 'evt-3']);
    const afterRecovery = sent.length;
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    expect(sent.length).toBe(afterRecovery);
  });

  it('after a crash between the append and the delivery, the reopened gateway delivers the event', async () => {
    const { secret } = webhooks.subscriptions.add(APP, { url: 'https://app.example/hook' });
    webhooks.start();
    await vi.advanceTimersByTimeAsync(0);
    // The gateway goes down; meanwhile another process of it appends to the log (or this one did, then died).
    await webhooks.close();
    log.append(event(READING, 'Appended while down'));
    expect(sent).toHaveLength(0);

    webhooks = open();
    webhooks.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(delivered(sent).map((e) => e.disruption.title)).toEqual(['Appended while down']);
    expect(verifyWebhookSignature({ secret, body: sent[0].body, timestamp: sent[0].headers['binfo-timestamp'], signature: sent[0].headers['binfo-signature'] })).toBe(true);
  });

  it('after a crash between queuing and delivering, the reopened gateway delivers what was queued, once', async () => {
    webhooks.subscriptions.add(APP, { url: 'https://app.example/hook' });
    // A receiver that never answers this time: the attempt is under way when the gateway stops.
    answer = () => new Promise(() => {});
    webhooks.start();
    await vi.advanceTimersByTimeAsync(0);
    log.append(event(READING, 'Queued, then crash'));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(1);
    // No clean stop: the process is gone with its attempt unanswered; only the files remain.
    webhooks.subscriptions.database.close();

    answer = async () => ({ status: 204 });
    sent = [];
    webhooks = open();
    webhooks.start();
    // The dead process's claim on it (the 10 s timeout and 5 s) runs out first: no other worker sent it meanwhile.
    await vi.advanceTimersByTimeAsync(15_000 - 1);
    expect(sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(delivered(sent).map((e) => e.disruption.title)).toEqual(['Queued, then crash']);
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(sent).toHaveLength(1);
  });

  it('send each event once when several gateway workers share the database', async () => {
    webhooks.subscriptions.add(APP, { url: 'https://app.example/hook' });
    // A receiver that takes a while, so both workers see the delivery due before either has recorded it.
    answer = () => new Promise((resolve) => setTimeout(() => resolve({ status: 204 }), 200));
    const second = open();
    webhooks.start();
    second.start();
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 5; i++) log.append(event(i % 2 ? READING : BRISTOL, `Event ${i}`));
    await vi.advanceTimersByTimeAsync(HOUR);
    await second.close();
    expect(delivered(sent).map((e) => e.id).sort()).toEqual(['evt-1', 'evt-2', 'evt-3', 'evt-4', 'evt-5']);
  });

  it('reading the log again (a cursor that did not commit) queues nothing twice', async () => {
    const subscriptions = webhooks.subscriptions;
    subscriptions.add(APP, { url: 'https://app.example/hook' });
    subscriptions.collect(log); // the first run starts at the log's end
    log.append(event(READING, 'One'));
    log.append(event(BRISTOL, 'Two'));
    expect(subscriptions.collect(log)).toBe(2);
    subscriptions.database.prepare('UPDATE national_log_cursor SET seq = 0').run();
    expect(subscriptions.collect(log)).toBe(2);
    expect(subscriptions.database.prepare('SELECT COUNT(*) FROM webhook_deliveries').pluck().get()).toBe(2);
    expect(subscriptions.database.prepare('SELECT COUNT(*) FROM webhook_events').pluck().get()).toBe(2);
  });

  it('an app sees, reads the log of and removes only its own subscriptions', () => {
    const subscriptions = webhooks.subscriptions;
    const mine = subscriptions.add(APP, { url: 'https://mine.example/hook' }).subscription;
    const theirs = subscriptions.add('bristol-bins', { url: 'https://theirs.example/hook' }).subscription;
    expect(subscriptions.list(APP)).toEqual([mine]);
    expect(JSON.stringify(subscriptions.list(APP))).not.toContain('whsec_');
    expect(subscriptions.get(APP, theirs.id)).toBeNull();
    expect(() => subscriptions.log(APP, theirs.id)).toThrow(`You have no national webhook subscription ${theirs.id}.`);
    expect(() => subscriptions.remove(APP, theirs.id)).toThrow(/no national webhook subscription/);
    expect(subscriptions.list('bristol-bins')).toEqual([theirs]);
    subscriptions.remove(APP, mine.id);
    expect(subscriptions.list(APP)).toEqual([]);
  });
});

describe('NationalSubscriptions.open', () => {
  it('keeps subscriptions and the cursor in a file of its own, across reopening', () => {
    const path = join(dir, 'again.sqlite');
    const first = NationalSubscriptions.open(path);
    const { subscription } = first.add(APP, { url: 'https://app.example/hook', councils: [BRISTOL, READING, BRISTOL] });
    expect(subscription.councils).toEqual([BRISTOL, READING]);
    first.close();
    const second = NationalSubscriptions.open(path);
    expect(second.list(APP)).toEqual([subscription]);
    second.close();
  });
});
