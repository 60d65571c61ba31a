// The council's webhook outbox and the shared deliverer (lib/webhooks/) against an in-memory database, a fake transport and fake timers: no
// sockets, no sleeps. Backoff, giving up after a day and pausing are driven by advancing the fake clock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DisruptionStore, openDisruptionsDatabase, type DisruptionInput } from '../../subgraphs/council/disruptions/disruption-store.js';
import { WebhookDeliverer } from '../../lib/webhooks/deliverer.js';
import { verifyWebhookSignature } from '../../lib/webhooks/signing.js';
import type { WebhookRequest } from '../../lib/webhooks/transport.js';
import { WebhookSubscriptions } from '../../subgraphs/council/disruptions/webhooks.js';

const READING = 'E06000038';
const SNOW: DisruptionInput = { title: 'Snow', reason: 'SEVERE_WEATHER', area: { kind: 'council' }, effect: { kind: 'cancelled' }, startsOn: '2026-12-01' };
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('outbox and deliverer', () => {
  let store: DisruptionStore;
  let subscriptions: WebhookSubscriptions;
  let sent: WebhookRequest[];
  let answer: (request: WebhookRequest) => Promise<{ status: number }>;
  let deliverer: WebhookDeliverer;

  beforeEach(() => {
    vi.useFakeTimers({ now: Date.parse('2026-12-01T07:00:00Z') });
    store = new DisruptionStore(openDisruptionsDatabase(':memory:'), true);
    subscriptions = new WebhookSubscriptions(store.database);
    sent = [];
    answer = async () => ({ status: 204 });
    deliverer = new WebhookDeliverer({
      database: store.database,
      transport: (request) => {
        sent.push(request);
        return answer(request);
      },
      random: () => 0.999999, // the top of the jitter, so the schedule is the plain doubling
      pollIntervalMs: 24 * HOUR,
      pauseAfterFailures: 5,
    });
    store.onCommit(() => deliverer.wake());
  });

  afterEach(async () => {
    await deliverer.stop();
    store.close();
    vi.useRealTimers();
  });

  it('writes one event per write in the same transaction, and none for a refused write', () => {
    const created = store.create(READING, SNOW);
    store.update(READING, created.id, { title: 'Snow: all collections cancelled' });
    store.withdraw(READING, created.id);
    store.withdraw(READING, created.id); // already withdrawn: no second event
    expect(() => store.create(READING, { ...SNOW, title: '' })).toThrow();
    const events = store.database.prepare('SELECT type, council_code, payload FROM webhook_events ORDER BY seq').all() as any[];
    expect(events.map((e) => e.type)).toEqual(['disruption.published', 'disruption.changed', 'disruption.withdrawn']);
    expect(events.every((e) => e.council_code === READING && JSON.parse(e.payload).id === created.id)).toBe(true);
    expect(JSON.parse(events[1].payload).title).toBe('Snow: all collections cancelled');
  });

  it('delivers each event once to each subscription of that council, signed with its secret', async () => {
    const { subscription, secret } = subscriptions.add(READING, 'https://app.example/hook');
    subscriptions.add('E06000041', 'https://other.example/hook'); // another council's app hears nothing of Reading
    deliverer.start();
    const created = store.create(READING, SNOW);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request.url).toBe('https://app.example/hook');
    const body = JSON.parse(request.body);
    expect(body).toMatchObject({ type: 'disruption.published', councilCode: READING, disruption: { id: created.id, title: 'Snow', area: 'council' } });
    expect(request.headers['binfo-event-id']).toBe(body.id);
    expect(verifyWebhookSignature({ secret, body: request.body, timestamp: request.headers['binfo-timestamp'], signature: request.headers['binfo-signature'] })).toBe(true);
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(sent).toHaveLength(1);
    expect(subscriptions.log(READING, subscription.id)).toMatchObject([{ eventId: body.id, attempt: 1, status: 204, error: null }]);
  });

  it('retries with doubling delays, the same body each time, and stops once delivered', async () => {
    subscriptions.add(READING, 'https://app.example/hook');
    deliverer.start();
    let failuresLeft = 3;
    answer = async () => (failuresLeft-- > 0 ? { status: 503 } : { status: 200 });
    store.create(READING, SNOW);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10_000 - 1);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(sent).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(40_000);
    expect(sent).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    expect(sent).toHaveLength(4);
    expect(new Set(sent.map((r) => r.body)).size).toBe(1);
    expect(new Set(sent.map((r) => r.headers['binfo-event-id'])).size).toBe(1);
    const state = store.database.prepare('SELECT state, attempts FROM webhook_deliveries').get();
    expect(state).toEqual({ state: 'delivered', attempts: 4 });
  });

  it('keeps retrying a receiver that is down for a whole day, then marks the event failed', async () => {
    const { subscription } = subscriptions.add(READING, 'https://app.example/hook');
    // Pausing is not what this test is about.
    await deliverer.stop();
    deliverer = new WebhookDeliverer({
      database: store.database,
      transport: (request) => {
        sent.push(request);
        return Promise.reject(new Error('connect ECONNREFUSED'));
      },
      random: () => 0.999999,
      pollIntervalMs: 24 * HOUR,
      pauseAfterFailures: 1000,
    });
    deliverer.start();
    store.create(READING, SNOW);
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(24 * HOUR - MINUTE);
    const withinADay = sent.length;
    expect(withinADay).toBeGreaterThan(20);
    expect(store.database.prepare('SELECT state FROM webhook_deliveries').pluck().get()).toBe('pending');
    await vi.advanceTimersByTimeAsync(2 * HOUR);
    expect(store.database.prepare('SELECT state FROM webhook_deliveries').pluck().get()).toBe('failed');
    const attempts = sent.length;
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    expect(sent.length).toBe(attempts);
    expect(subscriptions.log(READING, subscription.id)[0]).toMatchObject({ attempt: attempts, status: null, error: 'connect ECONNREFUSED' });
  });

  it('pauses a subscription after N failures in a row, and resuming delivers what was queued', async () => {
    const { subscription } = subscriptions.add(READING, 'https://app.example/hook');
    deliverer.start();
    answer = async () => ({ status: 500 });
    store.create(READING, SNOW);
    store.create(READING, { ...SNOW, title: 'Snow again' });
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(sent).toHaveLength(5);
    expect(subscriptions.get(READING, subscription.id)).toMatchObject({ consecutiveFailures: 5, pausedAt: expect.any(String) });
    // Paused: new events are queued but nothing is sent.
    store.create(READING, { ...SNOW, title: 'Third' });
    await vi.advanceTimersByTimeAsync(6 * HOUR);
    expect(sent).toHaveLength(5);

    answer = async () => ({ status: 200 });
    expect(subscriptions.resume(READING, subscription.id)).toMatchObject({ pausedAt: null, consecutiveFailures: 0 });
    deliverer.wake();
    await vi.advanceTimersByTimeAsync(0);
    const delivered = store.database.prepare("SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'delivered'").pluck().get();
    expect(delivered).toBe(3);
    expect(sent.slice(5).map((r) => JSON.parse(r.body).disruption.title).sort()).toEqual(['Snow', 'Snow again', 'Third']);
  });

  it('refuses URLs that are not http(s) or carry credentials; a removed subscription gets nothing more', async () => {
    expect(() => subscriptions.add(READING, 'ftp://app.example/hook')).toThrow(/https:\/\/ or http:\/\//);
    expect(() => subscriptions.add(READING, 'https://user:pw@app.example/hook')).toThrow(/user name or password/);
    expect(() => subscriptions.add(READING, 'not a url')).toThrow(/not an address/);
    const { subscription } = subscriptions.add(READING, 'http://127.0.0.1:9/hook');
    expect(subscriptions.list(READING)).toEqual([subscription]);
    expect(JSON.stringify(subscriptions.list(READING))).not.toContain('whsec_');
    subscriptions.remove(READING, subscription.id);
    deliverer.start();
    store.create(READING, SNOW);
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(sent).toHaveLength(0);
    expect(subscriptions.list(READING)).toEqual([]);
  });
});
