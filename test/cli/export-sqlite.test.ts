// `binfo export --format sqlite`: a research snapshot of a small test graph on 127.0.0.1 (four councils that
// answer, one whose endpoint is down, one not connected, one in Northern Ireland), checked against what the
// graph itself says, including the README's four example SQL questions.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayClient, type Execute } from '../../cli/export/gateway-client.js';
import { postcodeSampler, spreadSample } from '../../cli/export/postcode-sample.js';
import { councilServiceIds, exportSnapshot, postcodesPerRequest, snapshotProgress, SnapshotMismatchError, type SnapshotOptions } from '../../cli/export/sqlite-snapshot.js';
import { listen } from '../../lib/http/listen.js';
import { projectPath } from '../../lib/project-path.js';
import type { PostcodeIndex } from '../../subgraphs/directory/postcode-index.js';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { runScript } from '../support/script-bundle.js';

const ANSWERING = ['E06000038', 'E06000023', 'S12000036', 'W06000011']; // Reading, Bristol, Edinburgh, Swansea
const BELFAST = 'N09000003'; // connected, but no open postcode data
const GEDLING = 'E07000173'; // its endpoint is down
const OXFORD = 'E07000178'; // not connected at all
const COUNCILS = [...ANSWERING, BELFAST, GEDLING, OXFORD];
const FROM = '2026-12-01';
const TO = '2027-01-31';
const PER_COUNCIL = 2;

let stack: LocalStack;
let execute: Execute;
const postcodesOf = postcodeSampler(PER_COUNCIL);
const dir = mkdtempSync(join(tmpdir(), 'binfo-snapshot-'));

beforeAll(async () => {
  const connected = new Set([...ANSWERING, BELFAST, GEDLING]);
  stack = await startLocalStack({
    port: 0,
    councilTimeoutMs: 15_000,
    sources: (defaults) => defaults.filter((source) => connected.has(source.councilCode)),
    endpoints: (endpoints) => {
      const kept = new Map([...endpoints].filter(([code]) => connected.has(code)));
      kept.set(GEDLING, { ...kept.get(GEDLING)!, url: 'http://127.0.0.1:9/down', timeoutMs: 1_000 });
      return kept;
    },
  });
  execute = gatewayClient(stack.gateway.graphqlUrl);
}, 120_000);
afterAll(async () => stack?.close());

const snapshot = (out: string, extra: Partial<SnapshotOptions> = {}) =>
  exportSnapshot({ execute, out, councils: COUNCILS, concurrency: 2, collections: { from: FROM, to: TO, postcodesOf, postcodesPerCouncil: PER_COUNCIL }, ...extra });

/** The README's example SQL, in order. */
function readmeQuestions(): string[] {
  const readme = readFileSync(projectPath('README.md'), 'utf8');
  return [...readme.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => match[1]);
}

/** Every row of every data table, without the times of writing, in a stable order. */
function contents(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return {
      councils: db.prepare('SELECT * FROM councils ORDER BY code').all().map((row: any) => ({ ...row, exported_at: undefined })),
      services: db.prepare('SELECT * FROM services ORDER BY council_code, id').all(),
      properties: db.prepare('SELECT * FROM properties ORDER BY council_code, uprn').all(),
      collections: db.prepare('SELECT * FROM collections ORDER BY council_code, uprn, date, service_id').all(),
      failures: db.prepare('SELECT * FROM failures ORDER BY council_code, code').all().map((row: any) => ({ ...row, at: undefined })),
    };
  } finally {
    db.close();
  }
}

describe('a research snapshot in SQLite', () => {
  const out = join(dir, 'national.sqlite');
  let db: Database.Database;
  beforeAll(async () => {
    const result = await snapshot(out);
    expect(result).toMatchObject({ total: COUNCILS.length, answered: ANSWERING.length, failed: 3, alreadyDone: 0, interrupted: false });
    db = new Database(out, { readonly: true });
  }, 120_000);
  afterAll(() => db?.close());

  it('has collections from exactly the councils that answered', () => {
    const answered = db.prepare(`SELECT code FROM councils WHERE status = 'answered' ORDER BY code`).pluck().all();
    expect(answered).toEqual([...ANSWERING].sort());
    expect(db.prepare('SELECT count(DISTINCT council_code) FROM collections').pluck().get()).toBe(answered.length);
  });

  it('records every council that could not answer, and why, with its own link', () => {
    const failures = db.prepare('SELECT council_code, stage, code, message, fallback_url FROM failures ORDER BY council_code').all() as any[];
    expect(failures.map((f) => [f.council_code, f.code])).toEqual([
      [GEDLING, 'COUNCIL_UNAVAILABLE'],
      [OXFORD, 'COUNCIL_NOT_CONNECTED'],
      [BELFAST, 'NO_POSTCODES'],
    ].sort());
    const gedling = failures.find((f) => f.council_code === GEDLING);
    expect(gedling.message).toMatch(/Gedling/);
    expect(gedling.fallback_url).toMatch(/^https?:\/\//);
    expect(db.prepare(`SELECT status FROM councils WHERE code = ?`).pluck().get(OXFORD)).toBe('failed');
  });

  it('stores each collection as the graph gives it: status, original date and reason of moved ones', async () => {
    const properties = db.prepare('SELECT council_code, uprn FROM properties ORDER BY council_code, uprn').all() as Array<{ council_code: string; uprn: string }>;
    // The sample: what the graph lists in each answered council's sampled postcodes, nothing more.
    for (const code of ANSWERING) {
      const listed = await execute(`query($c: ID!, $p: String!, $q: String!) { council(code: $c) { a: properties(postcode: $p) { uprn } b: properties(postcode: $q) { uprn } } }`, {
        c: code, p: postcodesOf(code)[0], q: postcodesOf(code)[1],
      });
      const uprns = [...listed.data.council.a, ...listed.data.council.b].map((p: any) => p.uprn).sort();
      expect(properties.filter((p) => p.council_code === code).map((p) => p.uprn)).toEqual(uprns);
    }
    const fromGraph = await execute(
      `query($refs: [PropertyRef!]!, $from: Date, $to: Date) { properties(refs: $refs) { councilCode uprn collections(from: $from, to: $to) { date status originalDate changeReason note service { id type name } } } }`,
      { refs: properties.map((p) => ({ councilCode: p.council_code, uprn: p.uprn })), from: FROM, to: TO },
    );
    expect(fromGraph.errors).toBeUndefined();
    const expected = fromGraph.data.properties.flatMap((p: any) =>
      p.collections.map((c: any) => [p.councilCode, p.uprn, c.date, c.service.id, c.service.type, c.service.name, c.status, c.originalDate, c.changeReason, c.note]),
    );
    // The graph's own service id is property_service_id; service_id (the council's service) is checked below.
    const stored = db
      .prepare('SELECT council_code, uprn, date, property_service_id, service_type, service_name, status, original_date, change_reason, note FROM collections ORDER BY rowid')
      .raw()
      .all();
    expect(new Set(stored.map((row) => JSON.stringify(row)))).toEqual(new Set(expected.map((row: unknown) => JSON.stringify(row))));
    expect(stored).toHaveLength(expected.length);

    const moved = db.prepare(`SELECT date, original_date, change_reason FROM collections WHERE status = 'MOVED'`).all() as any[];
    expect(moved.length).toBeGreaterThan(0);
    for (const row of moved) {
      expect(row.original_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(row.original_date).not.toBe(row.date);
      expect(row.change_reason).toBeTruthy();
    }
  });

  it("joins every collection to its council's service, including a property's own variant of it", () => {
    const unjoined = db.prepare(`SELECT c.council_code, c.service_id, c.property_service_id FROM collections c
      LEFT JOIN services s ON s.council_code = c.council_code AND s.id = c.service_id WHERE s.id IS NULL`).all();
    expect(unjoined).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM collections').pluck().get()).toBeGreaterThan(0);
    // A joined service is the same kind of service as the collection's own.
    expect(db.prepare(`SELECT count(*) FROM collections c JOIN services s ON s.council_code = c.council_code AND s.id = c.service_id
      WHERE s.type <> c.service_type`).pluck().get()).toBe(0);
    // Properties on a round of their own carry the variant's id (schema rule 9), which extends the council's.
    const variants = db.prepare(`SELECT DISTINCT service_id, property_service_id FROM collections WHERE property_service_id <> service_id`).all() as any[];
    expect(variants.length).toBeGreaterThan(0);
    for (const { service_id, property_service_id } of variants) expect(property_service_id.startsWith(`${service_id}:`)).toBe(true);
  });

  it("answers the README's four SQL questions as the graph would", async () => {
    const [charging, moved, lessThanFortnightly, byService] = readmeQuestions();
    const graph = await execute(`query($codes: [ID!]!) { councils(codes: $codes) { code name services { type frequency { rrule } subscription { required } } } }`, { codes: COUNCILS });
    const withServices = (graph.data.councils as any[]).filter((c) => c.services !== null).sort((a, b) => (a.code < b.code ? -1 : 1));

    expect(db.prepare(charging).all()).toEqual(
      withServices.filter((c) => c.services.some((s: any) => s.type === 'GARDEN_WASTE' && s.subscription?.required)).map((c) => ({ code: c.code, name: c.name })),
    );
    expect((db.prepare(charging).all() as unknown[]).length).toBe(ANSWERING.length); // every GB sample council charges; Belfast runs none

    const weeks = (s: any) => Number(/INTERVAL=(\d+)/.exec(s.frequency.rrule)![1]);
    const expectedSlow = withServices.flatMap((c) =>
      c.services.filter((s: any) => s.type === 'GENERAL_WASTE' && weeks(s) > 2).map((s: any) => ({ code: c.code, name: c.name, every_weeks: weeks(s) })),
    );
    expect(db.prepare(lessThanFortnightly).all()).toEqual(expectedSlow);
    expect(expectedSlow.map((c) => c.code)).toContain('W06000011'); // Wales: general waste every three weeks

    // Moved collections by council and reason, counted from the graph's own answers for the same properties.
    const properties = db.prepare('SELECT council_code AS councilCode, uprn FROM properties').all();
    const answer = await execute(`query($refs: [PropertyRef!]!) { properties(refs: $refs) { councilCode collections(from: "${FROM}", to: "${TO}") { date status originalDate changeReason } } }`, { refs: properties });
    const groups = new Map<string, { council_code: string; change_reason: string; days: number[] }>();
    for (const property of answer.data.properties)
      for (const c of property.collections.filter((c: any) => c.status === 'MOVED')) {
        const key = `${property.councilCode}|${c.changeReason}`;
        const group = groups.get(key) ?? { council_code: property.councilCode, change_reason: c.changeReason, days: [] as number[] };
        group.days.push((Date.parse(c.date) - Date.parse(c.originalDate)) / 86_400_000);
        groups.set(key, group);
      }
    const expectedMoved = [...groups.values()]
      .sort((a, b) => (a.council_code + a.change_reason < b.council_code + b.change_reason ? -1 : 1))
      .map((g) => ({ council_code: g.council_code, change_reason: g.change_reason, moved: g.days.length, average_days_moved: Math.round((g.days.reduce((a, b) => a + b, 0) / g.days.length) * 100) / 100 }));
    expect(expectedMoved.length).toBeGreaterThan(0);
    expect(db.prepare(moved).all()).toEqual(expectedMoved);

    // Collections per council service, joined to services: every collection is counted once, under its own
    // council's service of the same type.
    const perService = db.prepare(byService).all() as Array<{ council_code: string; name: string; type: string; every_weeks: number | null; collections: number }>;
    expect(perService.reduce((sum, row) => sum + row.collections, 0)).toBe(db.prepare('SELECT count(*) FROM collections').pluck().get());
    const counted = db.prepare('SELECT council_code, service_type AS type, count(*) AS collections FROM collections GROUP BY council_code, service_type ORDER BY council_code, service_type').all();
    const summed = new Map<string, number>();
    for (const row of perService) summed.set(`${row.council_code}|${row.type}`, (summed.get(`${row.council_code}|${row.type}`) ?? 0) + row.collections);
    const joinedCounts = [...summed].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, collections]) => ({ council_code: key.split('|')[0], type: key.split('|')[1], collections }));
    expect(counted).toEqual(joinedCounts);
  });
});

describe('an interrupted snapshot', () => {
  it('keeps the councils finished, and a rerun asks only the rest and ends with the same file as one run', async () => {
    const out = join(dir, 'interrupted.sqlite');
    const stop = new AbortController();
    const first = await snapshot(out, { concurrency: 1, signal: stop.signal, onProgress: ({ done }) => done === 2 && stop.abort() });
    expect(first).toMatchObject({ answered: 2, interrupted: true });
    const kept = new Database(out, { readonly: true });
    expect(kept.prepare(`SELECT code FROM councils ORDER BY code`).pluck().all()).toEqual(COUNCILS.slice(0, 2).sort());
    kept.close();

    const asked: string[] = [];
    const counting: Execute = (query, variables) => {
      if (typeof variables?.code === 'string') asked.push(variables.code);
      return execute(query, variables);
    };
    const second = await snapshot(out, { execute: counting });
    expect(second).toMatchObject({ total: COUNCILS.length, alreadyDone: 2, answered: ANSWERING.length - 2, failed: 3, interrupted: false });
    expect([...new Set(asked)].sort()).toEqual(COUNCILS.slice(2).sort());

    const whole = join(dir, 'whole.sqlite');
    await snapshot(whole);
    expect(contents(out)).toEqual(contents(whole));
  }, 120_000);

  it('refuses to continue a file holding another snapshot, naming the difference', async () => {
    const out = join(dir, 'other-range.sqlite');
    await snapshot(out, { councils: [ANSWERING[0]] });
    await expect(snapshot(out, { collections: { from: FROM, to: '2027-02-28', postcodesOf, postcodesPerCouncil: PER_COUNCIL } })).rejects.toThrow(SnapshotMismatchError);
    await expect(snapshot(out, { collections: { from: FROM, to: '2027-02-28', postcodesOf, postcodesPerCouncil: PER_COUNCIL } })).rejects.toThrow(/to 2027-01-31 there, 2027-02-28 now/);
  }, 60_000);
});

describe('the binfo command', () => {
  it('writes a snapshot from --url with a progress line per 25 councils (and at the end) when stderr is not a terminal', async () => {
    const out = join(dir, 'cli.sqlite');
    const args = ['export', '--format', 'sqlite', '--collections', '--from', FROM, '--to', TO, '--postcodes-per-council', '1', '--councils', `${ANSWERING[0]},${GEDLING}`, '--url', stack.gateway.graphqlUrl, '--out', out];
    const { code, stderr } = await runScript('cli/binfo.ts', args);
    expect(stderr).toMatch(/binfo export: 2\/2 councils, 1 could not answer\n/);
    expect(stderr).toMatch(/1 of 2 councils answered; 1 could not answer \(see the failures table\)/);
    expect(code).toBe(0);
    const db = new Database(out, { readonly: true });
    expect(db.prepare('SELECT DISTINCT council_code FROM collections').pluck().all()).toEqual([ANSWERING[0]]);
    expect(db.prepare('SELECT council_code FROM failures').pluck().all()).toEqual([GEDLING]);
    db.close();
  }, 120_000);

  it('refuses --collections without --format sqlite, and a bad date, with a sentence', async () => {
    for (const [args, message] of [
      [['--collections'], /--collections needs --format sqlite/],
      [['--format', 'sqlite', '--out', join(dir, 'x.sqlite'), '--from', '2026-02-30'], /--from must be a date written YYYY-MM-DD/],
    ] as const) {
      const { code, stderr } = await runScript('cli/binfo.ts', ['export', ...args]);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
    }
  }, 120_000);
});

describe('progress and rate limits', () => {
  const streamOf = (isTTY: boolean) => {
    const written: string[] = [];
    return { stream: { isTTY, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream, written };
  };

  it('draws a bar on a terminal, and writes a line per 25 councils and at the end in a log', () => {
    const tty = streamOf(true);
    snapshotProgress(tty.stream)({ done: 15, total: 30, failed: 1 });
    expect(tty.written).toEqual([`\r[${'#'.repeat(15)}${'.'.repeat(15)}] 15/30 councils, 1 could not answer`]);
    const log = streamOf(false);
    const report = snapshotProgress(log.stream);
    for (let done = 1; done <= 30; done++) report({ done, total: 30, failed: 0 });
    expect(log.written).toEqual(['binfo export: 25/30 councils\n', 'binfo export: 30/30 councils\n']);
  });

  it('waits out a 429 for as long as Retry-After says, then carries on', async () => {
    let calls = 0;
    const server = await listen((_req, res) => {
      if (++calls === 1) {
        res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' });
        res.end('{"errors":[{"message":"slow down"}]}');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"data":{"ok":true}}');
      }
    });
    try {
      const waits: number[] = [];
      const client = gatewayClient(`${server.url}/graphql`, { sleep: async (ms) => void waits.push(ms) });
      expect(await client('{ ok }')).toEqual({ data: { ok: true } });
      expect(waits).toEqual([7_000]);
    } finally {
      await server.close();
    }
  });
});

describe("a collection's council service", () => {
  const services = [
    { id: 'E06000001:food', type: 'FOOD_WASTE' },
    { id: 'E06000001:refuse', type: 'GENERAL_WASTE' },
    { id: 'E06000001:refuse:bags', type: 'GENERAL_WASTE' },
    { id: 'E06000001:garden', type: 'GARDEN_WASTE' },
    { id: 'E06000001:garden-2', type: 'GARDEN_WASTE' },
  ];
  const serviceOf = councilServiceIds(services);

  it("is the service itself, or the longest council service id a variant's id extends", () => {
    expect(serviceOf({ id: 'E06000001:food', type: 'FOOD_WASTE' })).toBe('E06000001:food');
    expect(serviceOf({ id: 'E06000001:food:ff81d227', type: 'FOOD_WASTE' })).toBe('E06000001:food');
    expect(serviceOf({ id: 'E06000001:refuse:bags:3f2a9c1d', type: 'GENERAL_WASTE' })).toBe('E06000001:refuse:bags');
    expect(serviceOf({ id: 'E06000001:refuse:3f2a9c1d', type: 'GENERAL_WASTE' })).toBe('E06000001:refuse');
  });

  it('falls back to the only service of its type, and is null rather than a guess between two', () => {
    expect(serviceOf({ id: 'E06000001:caddy-variant', type: 'FOOD_WASTE' })).toBe('E06000001:food');
    expect(serviceOf({ id: 'E06000001:green', type: 'GARDEN_WASTE' })).toBeNull();
    expect(serviceOf({ id: 'E06000001:glass', type: 'GLASS' })).toBeNull();
  });
});

describe('sampling and request sizes', () => {
  it('samples only postcodes the graph accepts (ONS lists a few non-geographic codes)', () => {
    const index = { *entries() { yield* [['NPT 2FB', 'W06000022'], ['NP20 1AA', 'W06000022'], ['NP20 1AB', 'W06000022']] as Array<[string, string]>; } };
    const sample = postcodeSampler(3, () => index as unknown as PostcodeIndex);
    expect(sample('W06000022')).toEqual(['NP20 1AA', 'NP20 1AB']);
    expect(sample('E06000038')).toEqual([]);
  });

  it('spreads a sample through the list', () => {
    expect(spreadSample(['a', 'b', 'c', 'd', 'e', 'f'], 2)).toEqual(['b', 'e']);
    expect(spreadSample(['a', 'b'], 5)).toEqual(['a', 'b']);
  });

  it('asks about fewer postcodes per request as the range grows, to stay inside the cost limit', () => {
    expect(postcodesPerRequest('2026-12-01', '2026-12-14')).toBe(80);
    expect(postcodesPerRequest('2026-12-01', '2027-01-31')).toBe(16);
    expect(postcodesPerRequest('2026-01-01', '2026-12-31')).toBe(2);
  });
});
