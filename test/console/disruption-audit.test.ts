// The audit trail and drafts in DisruptionStore: every write names its actor, commits with its audit line,
// and publishing a draft deletes it in the same transaction. The token API and the CLI are audited too.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CouncilTokens } from '../../subgraphs/council/disruptions/council-tokens.js';
import { disruptionRoutes } from '../../subgraphs/council/disruptions/disruption-api.js';
import {
  DisruptionStore,
  DisruptionValidationError,
  DraftNotFoundError,
  openDisruptionsDatabase,
  type DisruptionActor,
  type DisruptionInput,
} from '../../subgraphs/council/disruptions/disruption-store.js';

const COUNCIL = 'E06000038';
const PAT: DisruptionActor & { kind: 'person' } = { kind: 'person', accountId: 'acc-1', name: 'Pat Publisher' };
const SNOW: DisruptionInput = { title: 'Snow', reason: 'SEVERE_WEATHER', area: { kind: 'council' }, effect: { kind: 'cancelled' }, startsOn: '2026-12-01', endsOn: '2026-12-01' };

let store: DisruptionStore;
beforeEach(() => {
  store = new DisruptionStore(openDisruptionsDatabase(':memory:'), true);
});
afterEach(() => store.close());

const count = (table: string) => store.database.prepare(`SELECT count(*) FROM ${table}`).pluck().get();

describe('the audit trail', () => {
  it("lists one disruption's lines alone, newest first, and never another council's", () => {
    const snow = store.create(COUNCIL, SNOW, PAT);
    const other = store.create(COUNCIL, { ...SNOW, title: 'Strike' }, PAT);
    store.update(COUNCIL, snow.id, { endsOn: '2026-12-02' }, PAT);
    store.create('E06000023', SNOW, PAT);
    expect(store.auditTrailOf(COUNCIL, snow.id).map((e) => [e.action, e.disruptionId])).toEqual([
      ['changed', snow.id],
      ['published', snow.id],
    ]);
    expect(store.auditTrailOf(COUNCIL, other.id)).toHaveLength(1);
    expect(store.auditTrailOf('E06000023', snow.id)).toEqual([]);
  });

  it('records who published, changed, confirmed and withdrew, newest first, with what changed', () => {
    const d = store.create(COUNCIL, SNOW, PAT);
    store.update(COUNCIL, d.id, { endsOn: '2026-12-03' }, { kind: 'cli' });
    store.markReviewed(COUNCIL, d.id, PAT, new Date('2026-12-01T12:00:00Z'));
    store.withdraw(COUNCIL, d.id);
    const trail = store.auditTrail(COUNCIL);
    expect(trail.map((e) => [e.action, e.actor, e.actorName])).toEqual([
      ['withdrawn', 'token', "The council's systems (API token)"],
      ['reviewed', 'person:acc-1', 'Pat Publisher'],
      ['changed', 'cli', 'An administrator (command line)'],
      ['published', 'person:acc-1', 'Pat Publisher'],
    ]);
    expect(trail[2].detail).toEqual({ endsOn: { from: '2026-12-01', to: '2026-12-03' } });
    expect(store.auditTrail('E06000039')).toEqual([]);
  });

  it('writes nothing, not even an audit line, when a change is refused', () => {
    const d = store.create(COUNCIL, SNOW, PAT);
    expect(() => store.update(COUNCIL, d.id, { endsOn: '2026-11-01' }, PAT)).toThrow(DisruptionValidationError);
    expect(count('disruption_audit')).toBe(1);
    expect(count('webhook_events')).toBe(1);
  });
});

describe('drafts', () => {
  it('publishing a draft deletes it with the same commit as the disruption, its event and its audit line', () => {
    const draft = store.createDraft(COUNCIL, SNOW, PAT);
    const d = store.create(COUNCIL, SNOW, PAT, { fromDraft: draft.id });
    expect(store.drafts(COUNCIL)).toEqual([]);
    expect(store.auditTrail(COUNCIL)[0]).toMatchObject({ action: 'published', disruptionId: d.id, draftId: draft.id });
    // Twice is refused, and the second attempt writes nothing at all.
    expect(() => store.create(COUNCIL, SNOW, PAT, { fromDraft: draft.id })).toThrow(DraftNotFoundError);
    expect([count('disruptions'), count('webhook_events'), count('disruption_audit')]).toEqual([1, 1, 2]);
  });

  it('keeps a draft whose publishing is refused, and another council cannot see or publish it', () => {
    const draft = store.createDraft(COUNCIL, { ...SNOW, title: '' }, PAT);
    expect(() => store.create(COUNCIL, { ...SNOW, title: '' }, PAT, { fromDraft: draft.id })).toThrow(DisruptionValidationError);
    expect(store.draft(COUNCIL, draft.id)).not.toBeNull();
    expect(store.draft('E06000039', draft.id)).toBeNull();
    expect(() => store.create('E06000039', SNOW, PAT, { fromDraft: draft.id })).toThrow(DraftNotFoundError);
    expect(() => store.saveDraft('E06000039', draft.id, SNOW)).toThrow(DraftNotFoundError);
    expect(count('disruptions')).toBe(0);
  });

  it('says when an open-ended disruption was last confirmed: its review or its last change, whichever is later', () => {
    const d = store.create(COUNCIL, { ...SNOW, endsOn: null }, PAT);
    expect(store.lastConfirmed(COUNCIL).get(d.id)).toBe(d.updatedAt);
    store.markReviewed(COUNCIL, d.id, PAT, new Date('2099-01-01T00:00:00Z'));
    expect(store.lastConfirmed(COUNCIL).get(d.id)).toBe('2099-01-01T00:00:00.000Z');
    store.create(COUNCIL, SNOW, PAT);
    expect(store.lastConfirmed(COUNCIL).size).toBe(1);
  });
});

describe('the token API and the CLI', () => {
  it('are audited as `token`, or `cli` when the CLI says so', async () => {
    const tokens = new CouncilTokens(store.database);
    const token = tokens.issueToken(COUNCIL);
    const routes = disruptionRoutes(store, tokens, { isServed: (code) => code === COUNCIL });
    const server = createServer((req, res) => void routes(req, res, new URL(req.url ?? '/', 'http://localhost')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/councils/${COUNCIL}/disruptions`;
      const post = (extra: Record<string, string>) =>
        fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...extra }, body: JSON.stringify({ ...SNOW, area: 'council', effect: 'cancelled' }) });
      expect((await post({})).status).toBe(201);
      expect((await post({ 'binfo-client': 'cli' })).status).toBe(201);
      expect(store.auditTrail(COUNCIL).map((e) => e.actor)).toEqual(['cli', 'token']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
