// The national `disruptions` view answers from one fan-out: each council's active disruptions come back
// whole from the first ask, and the gateway does not ask the councils again for their fields. So a
// disruption withdrawn between two asks can no longer come out as a null item without an error, and a
// national query costs one request per council (one per shared host), not two fan-outs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBody } from '../../lib/http/apollo-handler.js';
import { listen, type RunningServer } from '../../lib/http/listen.js';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { gql } from '../support/graphql-client.js';

const READING = 'E06000038';
const NATIONAL = `query($on: Date) { disruptions(activeOn: $on) { id title reason effect startsOn } }`;

let stack: LocalStack;
let readingToken: string;
let hostRequests = 0;
let recorder: RunningServer;
const councilsAsked: string[] = [];

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    councilTimeoutMs: 15_000,
    gateway: { router: { onCouncilRequest: (event) => void councilsAsked.push(event.councilCode) } },
  });
  readingToken = stack.councilTokens.issueToken(READING);
  // A recording proxy in front of the shared council host's batch URL: every HTTP request a fan-out makes.
  recorder = await listen(async (req, res) => {
    hostRequests += 1;
    const body = await readBody(req, 10_000_000);
    const upstream = await fetch(stack.councilHost.hostUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    res.writeHead(upstream.status, { 'content-type': 'application/json' });
    res.end(await upstream.text());
  });
  for (const [code, endpoint] of stack.endpoints) {
    if (endpoint.sharedHost) stack.endpoints.set(code, { ...endpoint, sharedHost: { ...endpoint.sharedHost, batchUrl: recorder.url } });
  }
});

afterAll(async () => {
  await stack?.close();
  await recorder?.close();
});

const disruptionsUrl = `/councils/${READING}/disruptions`;
const post = async (body: unknown): Promise<{ id: string }> => {
  const response = await fetch(`${stack.councilHost.url}${disruptionsUrl}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${readingToken}` },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return (await response.json()).disruption;
};
const withdraw = async (id: string) => {
  const response = await fetch(`${stack.councilHost.url}${disruptionsUrl}/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${readingToken}` } });
  expect(response.status).toBe(200);
};

interface NationalAnswer {
  data?: { disruptions: Array<{ id: string; title: string } | null> } | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  extensions?: Record<string, unknown>;
}

/** Every null item must be a council that could not answer, carrying its COUNCIL_UNAVAILABLE error. */
function expectNoUnexplainedNull(answer: NationalAnswer) {
  const items = answer.data?.disruptions;
  expect(items, JSON.stringify(answer)).toBeInstanceOf(Array);
  const nulls = items!.filter((item) => item === null).length;
  const councilErrors = (answer.errors ?? []).filter((e) => e.extensions?.code === 'COUNCIL_UNAVAILABLE');
  expect(nulls, JSON.stringify(answer)).toBe(councilErrors.length);
  expect(answer.extensions?.valueCompletion, JSON.stringify(answer)).toBeUndefined();
  for (const item of items!) if (item) expect(typeof item.title, JSON.stringify(item)).toBe('string');
}

/**
 * The national list, asked as a new operation each time: the gateway's whole-response cache keys on the
 * operation's text, so this reaches the councils' (entity-cached) answers, where a hole could appear.
 */
let polls = 0;
const askNational = async (on: string) =>
  (await gql(stack.gateway.graphqlUrl, NATIONAL.replace('query(', `query NationalPoll${++polls}(`), { on })) as NationalAnswer;

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('the national disruptions view', () => {
  it('asks each council once for a whole disruption list: one request per shared host, no second fan-out', async () => {
    const posted = await post({ title: 'Flooding: rounds suspended', reason: 'SEVERE_WEATHER', area: 'council', effect: 'cancelled', startsOn: '2026-12-14', endsOn: '2026-12-15' });
    councilsAsked.length = 0;
    hostRequests = 0;
    // A day no query has asked about yet, so nothing is answered from a cache.
    const answer = (await gql(stack.gateway.graphqlUrl, NATIONAL, { on: '2026-12-14' })) as NationalAnswer;
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.disruptions).toEqual([
      { id: posted.id, title: 'Flooding: rounds suspended', reason: 'SEVERE_WEATHER', effect: 'CANCELLED', startsOn: '2026-12-14' },
    ]);
    const perCouncil = new Map<string, number>();
    for (const code of councilsAsked) perCouncil.set(code, (perCouncil.get(code) ?? 0) + 1);
    expect(perCouncil.size).toBe(stack.endpoints.size);
    expect(perCouncil.get(READING)).toBe(1); // the council with the disruption is not asked again for its fields
    expect([...perCouncil.values()].every((n) => n === 1)).toBe(true);
    expect(hostRequests).toBe(1); // every council is served by the one local host
    await withdraw(posted.id);
  });

  it('never shows a withdrawn disruption as a null item without an error', async () => {
    const posted = await post({ title: 'Snow: collections cancelled', reason: 'SEVERE_WEATHER', area: 'council', effect: 'cancelled', startsOn: '2026-11-30', endsOn: '2026-12-04' });
    const shown = await eventually(
      () => askNational('2026-12-01'),
      (r) => r.data?.disruptions?.some((d) => d?.id === posted.id) ?? false,
    );
    expect(shown.data!.disruptions).toContainEqual({ id: posted.id, title: 'Snow: collections cancelled', reason: 'SEVERE_WEATHER', effect: 'CANCELLED', startsOn: '2026-11-30' });
    expectNoUnexplainedNull(shown);

    await withdraw(posted.id);
    // Within the freshness window the list may still show the disruption (whole) or not at all; never a hole.
    const deadline = Date.now() + 30_000;
    let gone = false;
    while (!gone && Date.now() < deadline) {
      const answer = await askNational('2026-12-01');
      expectNoUnexplainedNull(answer);
      const listed = answer.data!.disruptions.find((d) => d?.id === posted.id);
      if (listed) expect(listed).toMatchObject({ title: 'Snow: collections cancelled' });
      gone = !listed;
      if (!gone) await new Promise((r) => setTimeout(r, 250));
    }
    expect(gone).toBe(true);
  });
});
