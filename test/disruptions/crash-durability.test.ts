// An acknowledged write survives the host being killed outright: the council host runs as a child
// process, answers 201, is sent SIGKILL at once (no shutdown code runs), and is started again on the
// same database. SIGKILL proves we answer only after the commit; synchronous = FULL (checked in
// disruption-store.test.ts) extends that to power loss, which a test cannot simulate.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CouncilTokens } from '../../subgraphs/council/disruptions/council-tokens.js';
import { DisruptionStore } from '../../subgraphs/council/disruptions/disruption-store.js';
import { gql } from '../support/graphql-client.js';
import { killAllHostChildren, killHard, startHostChild } from '../support/council-host-child.js';

const READING = 'E06000038';
async function send(method: string, url: string, token: string, body?: unknown) {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

let dir: string;
let dbPath: string;
let token: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'binfo-crash-'));
  dbPath = join(dir, 'disruptions.sqlite');
  const tokens = CouncilTokens.open(dbPath); // another process issues the token, as scripts/council-token.ts does
  token = tokens.issueToken(READING);
  tokens.close();
});

afterAll(() => {
  killAllHostChildren();
  rmSync(dir, { recursive: true, force: true });
});

describe('a council host killed right after acknowledging writes', () => {
  it('has every acknowledged write when it starts again', async () => {
    const first = await startHostChild(dbPath);
    const disruptions = `${first.url}/councils/${READING}/disruptions`;
    const posted = await send('POST', disruptions, token, {
      title: 'Snow: collections cancelled',
      reason: 'SEVERE_WEATHER',
      area: { postcodes: ['RG1'] },
      effect: 'cancelled',
      startsOn: '2026-12-01',
      endsOn: '2026-12-02',
    });
    expect(posted.status).toBe(201);
    const edited = await send('PATCH', `${disruptions}/${posted.body.disruption.id}`, token, { serviceTypes: ['FOOD_WASTE'] });
    expect(edited.status).toBe(200);
    const strike = await send('POST', disruptions, token, { title: 'Strike', reason: 'INDUSTRIAL_ACTION', area: 'council', effect: 'leave-out', startsOn: '2026-12-08' });
    expect(strike.status).toBe(201);
    // No pause, no graceful shutdown: the process dies the instant the last answer arrived.
    expect(await killHard(first.child)).toBe('SIGKILL');

    // Another process (this one) reads the file the dead host left behind, WAL and all.
    const reader = DisruptionStore.open(dbPath);
    try {
      expect(reader.list(READING).map((d) => d.id)).toEqual([strike.body.disruption.id, posted.body.disruption.id]);
    } finally {
      reader.close();
    }

    const second = await startHostChild(dbPath);
    try {
      const listed = await fetch(`${second.url}/councils/${READING}/disruptions`).then((r) => r.json() as Promise<any>);
      expect(listed.disruptions).toEqual([strike.body.disruption, edited.body.disruption]);

      const result = await gql(
        `${second.url}/councils/${READING}/graphql`,
        `query($representations: [_Any!]!) { _entities(representations: $representations) {
          ... on Property { collections(from: "2026-12-01", to: "2026-12-08") { date status service { type } disruption { id title } } } } }`,
        { representations: [{ __typename: 'Property', councilCode: READING, uprn: '100000000001' }] },
      );
      expect(result.errors).toBeUndefined();
      const collections = result.data._entities[0].collections.map((c: any) => [c.date, c.service.type, c.status, c.disruption?.title ?? null]);
      expect(collections).toEqual([
        ['2026-12-01', 'FOOD_WASTE', 'CANCELLED', 'Snow: collections cancelled'],
        ['2026-12-08', 'FOOD_WASTE', 'DELAYED', 'Strike'],
        ['2026-12-08', 'GENERAL_WASTE', 'DELAYED', 'Strike'],
      ]);
      // The token issued before either start still works after the crash.
      expect((await send('DELETE', `${second.url}/councils/${READING}/disruptions/${strike.body.disruption.id}`, token)).status).toBe(200);
    } finally {
      await killHard(second.child);
    }
  });
});
