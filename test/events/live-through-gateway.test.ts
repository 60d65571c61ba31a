// End to end, on the whole local stack: a bin-day answer is warm in the gateway's caches (entity cache kept
// fresh for 60 s here, the freshness rule's longest, so only the event can explain a quick change); a council
// cancels collections for that postcode's area; within 10 s the graph answers CANCELLED, the resident page
// shows the banner and the calendar feed marks the collections cancelled. GET /events carries the event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayInLondon } from '../../domain/dates.js';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { openStream } from './sse-client.js';

const READING = 'E06000038';
const POSTCODE = 'RG1 1AA';
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    councilTimeoutMs: 15_000,
    gateway: { router: { cache: { defaultFreshSeconds: 60 } }, responseCache: { ttlSeconds: 10 } },
  });
});
afterAll(async () => {
  // The gateway follows the council host's stream: closing must not wait for that stream's next heartbeat
  // (it once did, up to 15 s, through undici's body iterator).
  const started = Date.now();
  await stack?.close();
  expect(Date.now() - started).toBeLessThan(3_000);
});

const COLLECTIONS = `query BinDays($c: ID!, $p: String!, $from: Date!, $to: Date!) { council(code: $c) {
  properties(postcode: $p) { uprn collections(from: $from, to: $to) { date status service { type } disruption { title } } } } }`;

async function binDays(from: string, to: string) {
  const response = await fetch(stack.gateway.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: COLLECTIONS, variables: { c: READING, p: POSTCODE, from, to } }),
  });
  const body = (await response.json()) as any;
  const collections: Array<{ status: string; disruption: { title: string } | null }> = (body.data?.council?.properties ?? []).flatMap((p: any) => p.collections);
  return { cache: response.headers.get('x-binfo-response-cache'), collections, uprn: body.data?.council?.properties?.[0]?.uprn as string };
}

const text = async (path: string) => (await fetch(`${stack.gateway.url}${path}`)).text();
const cancelledInFeed = (ics: string) => ics.split('STATUS:CANCELLED').length - 1;

/** Polls (no fixed sleep) until `ok`, for at most `timeoutMs`; returns how long it took. */
async function within(timeoutMs: number, ok: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await ok()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a published disruption reaches the gateway at once', () => {
  it('turns a warm cached answer CANCELLED within 10 s, with the banner on the resident page and in the calendar feed', async () => {
    const today = todayInLondon(new Date());
    const to = addDays(today, 13);
    const title = 'Snow: collections cancelled (live test)';

    // Warm: an answer is kept from the second time its request is seen, so the third is a hit; the pages fill the entity cache.
    const first = await binDays(today, to);
    expect(first.collections.length).toBeGreaterThan(0);
    expect(first.collections.every((c) => c.status === 'SCHEDULED' || c.status === 'MOVED')).toBe(true);
    await binDays(today, to);
    expect((await binDays(today, to)).cache).toBe('hit');
    const page = `/address/${READING}/${first.uprn}`;
    const feed = `/calendar/${READING}/${first.uprn}.ics`;
    expect(await text(page)).not.toContain(title);
    const cancelledBefore = cancelledInFeed(await text(feed));

    const national = await openStream(`${stack.gateway.url}/events`);
    await national.waitForRaw((raw) => raw.includes(': connected'));
    try {
      const posted = stack.disruptions.create(READING, {
        title,
        reason: 'SEVERE_WEATHER',
        area: { kind: 'postcodes', postcodes: ['RG1'] },
        effect: { kind: 'cancelled' },
        startsOn: today,
        endsOn: to,
      });

      const tookMs = await within(10_000, async () => {
        const { collections } = await binDays(today, to);
        return collections.length > 0 && collections.every((c) => c.status === 'CANCELLED' && c.disruption?.title === title);
      });
      // The entity cache would have kept the old answer for up to 60 s: only the event explains this.
      expect(tookMs).toBeLessThan(10_000);
      await within(2_000, async () => {
        const html = await text(page);
        return html.includes('govuk-notification-banner') && html.includes(title);
      });
      await within(2_000, async () => cancelledInFeed(await text(feed)) > cancelledBefore);

      const [event] = await national.waitFor(1, 10_000);
      expect(event.event).toBe('disruption.published');
      expect(JSON.parse(event.data)).toMatchObject({ councilCode: READING, type: 'disruption.published', disruption: { id: posted.id, title } });
      expect(stack.gateway.events?.log.latestSeq()).toBeGreaterThanOrEqual(1);
    } finally {
      national.close();
    }
  });
});
