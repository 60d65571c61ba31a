// `binfo check` against a conformant council subgraph and against one broken subgraph per class of defect
// the checker knows, including the three that used to pass: a misnamed `Subscription` type with a wrong
// field, disruptions answered for any council, and answers for another real council.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpPost, type OtherCouncil } from '../../cli/check/behaviour-probes.js';
import { checkCouncil } from '../../cli/check/check-council.js';
import type { Disruption } from '../../domain/disruptions/apply.js';
import { readBody } from '../../lib/http/apollo-handler.js';
import { listen, type RunningServer } from '../../lib/http/listen.js';
import { loadShippedBankHolidays } from '../../subgraphs/calendar/load-bank-holidays.js';
import { startCouncilHost, type CouncilHost } from '../../subgraphs/council/host.js';
import { SampleCouncilSource } from '../../subgraphs/council/sample/sample-source.js';
import { loadCouncilRegistry } from '../../subgraphs/directory/council-registry.js';
import { PostcodeIndex } from '../../subgraphs/directory/postcode-index.js';
import { runScript } from '../support/script-bundle.js';

const READING = 'E06000038';
const GEDLING = 'E07000173';
const NOTICE_ID = '6f1c2a34-8d6e-4b1a-9c3f-2e7d5a9b0c11';
let host: CouncilHost;
let otherCouncils: OtherCouncil[];
const proxies: RunningServer[] = [];

const snow: Disruption = {
  id: NOTICE_ID,
  councilCode: READING,
  title: 'Snow: leave your bin out',
  reason: 'SEVERE_WEATHER',
  message: null,
  serviceTypes: null,
  // An area with no properties in it, so the collections probed are unchanged.
  area: { kind: 'postcodes', postcodes: ['ZZ9'] },
  effect: { kind: 'leave-out' },
  startsOn: '2026-01-01',
  endsOn: null,
  url: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  withdrawnAt: null,
};

interface Breakage {
  request?: (body: any) => any;
  response?: (body: any, request: any) => any;
}

/** A council subgraph broken in one way: a proxy in front of the conformant kit. */
async function broken(breakage: Breakage): Promise<string> {
  const target = host.councilUrl(READING);
  const proxy = await listen(async (req, res) => {
    const request = JSON.parse(await readBody(req, 10_000_000));
    const sent = breakage.request ? breakage.request(request) : request;
    const upstream = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sent) });
    const body = await upstream.json();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(breakage.response ? breakage.response(body, request) : body));
  });
  proxies.push(proxy);
  return proxy.url;
}

/** Edits the SDL the subgraph serves; an edit that no longer matches the standard's text fails loudly. */
const withSdl = (edit: (sdl: string) => string): Breakage => ({
  response: (body) => {
    if (!body.data?._service) return body;
    const sdl = edit(body.data._service.sdl);
    if (sdl === body.data._service.sdl) throw new Error('The fixture\'s SDL edit changed nothing: update it to the standard\'s current text');
    return { data: { _service: { sdl } } };
  },
});

const representationsOf = (request: any): any[] => request.variables?.representations ?? request.variables?.r ?? [];

/** Rewrites representations before the kit sees them (and the kit's answers at the same positions after). */
function rewriting(rewriteRepresentation: (r: any) => any, rewriteAnswer: (entity: any, original: any) => any = (e) => e): Breakage {
  return {
    request: (body) => {
      const key = body.variables?.representations ? 'representations' : 'r';
      if (!body.variables?.[key]) return body;
      return { ...body, variables: { ...body.variables, [key]: body.variables[key].map(rewriteRepresentation) } };
    },
    response: (body, request) => {
      const entities = body.data?._entities;
      if (!Array.isArray(entities)) return body;
      const asked = representationsOf(request);
      return { ...body, data: { _entities: entities.map((e: any, i: number) => (e ? rewriteAnswer(e, asked[i]) : e)) } };
    },
  };
}

/** Edits every Service object anywhere in an answer. */
function editServices(edit: (service: any) => void): Breakage {
  const walk = (value: any, parentKey = ''): void => {
    if (Array.isArray(value)) value.forEach((v) => walk(v, parentKey));
    else if (value && typeof value === 'object') {
      if ((parentKey === 'services' || parentKey === 'service') && typeof value.id === 'string') edit(value);
      for (const [key, v] of Object.entries(value)) walk(v, key);
    }
  };
  return { response: (body) => (walk(body.data), body) };
}

/** Edits every collection in an answer. */
function editCollections(edit: (collections: any[]) => void): Breakage {
  return {
    response: (body) => {
      for (const entity of body.data?._entities ?? []) if (Array.isArray(entity?.collections)) edit(entity.collections);
      return body;
    },
  };
}

const check = (url: string) => checkCouncil(httpPost(url), { url, councilCode: READING, postcode: 'RG1 1AA', otherCouncils });
const failures = (result: Awaited<ReturnType<typeof check>>) => result.findings.filter((f) => f.level === 'fail').map((f) => `[${f.check}] ${f.message}`);

/** The command, bundled once (test/support/script-bundle.ts) rather than compiled by tsx on every run. */
async function runCli(args: string[]): Promise<{ code: number | null; stdout: string }> {
  const { code, stdout } = await runScript('cli/binfo.ts', args);
  return { code, stdout };
}

beforeAll(async () => {
  const registry = loadCouncilRegistry();
  const postcodes = PostcodeIndex.load();
  const bankHolidays = loadShippedBankHolidays();
  otherCouncils = registry.all().filter((c) => c.code !== READING).map((c) => ({ code: c.code, name: c.name }));
  // Reading and Gedling on one host, as a supplier hosting several councils would run them.
  host = await startCouncilHost({
    sources: [READING, GEDLING].map((code) => new SampleCouncilSource(registry.get(code)!, postcodes, bankHolidays)),
    disruptions: { forCouncil: (code) => (code === READING ? [snow] : []) },
  });
});
afterAll(async () => {
  await Promise.all([host?.close(), ...proxies.map((p) => p.close())]);
});

interface Defect {
  name: string;
  breakage: () => Breakage | Promise<string>;
  /** Each must match one failure. */
  expected: RegExp[];
  /** None may match any failure. */
  notExpected?: RegExp[];
  /** Also run through the command (a Node process each, so not every one). */
  cli?: true;
}

const DEFECTS: Defect[] = [
  // The three that passed before.
  {
    name: 'a ServiceSubscription type with a wrong field',
    cli: true,
    breakage: () => withSdl((sdl) => sdl.replace(/(type ServiceSubscription[^{]*\{[^}]*required: )Boolean!/, '$1String!')),
    expected: [/^\[schema\] ServiceSubscription\.required has type String! where the standard says Boolean!$/],
  },
  {
    name: 'the standard\'s sign-up type still named Subscription (a subscription root), with a wrong field',
    cli: true,
    breakage: () => withSdl((sdl) => sdl.replaceAll('ServiceSubscription', 'Subscription').replace(/(type Subscription[^{]*\{[^}]*required: )Boolean!/, '$1String!')),
    expected: [/Type ServiceSubscription is missing: the standard renamed Subscription to ServiceSubscription in 1\.1\.0/, /subscription root \(type Subscription, fields required, description, url\)/],
  },
  {
    name: 'disruptions answered for any council',
    cli: true,
    breakage: () => rewriting((r) => (r.__typename === 'Disruption' ? { ...r, councilCode: READING } : r), (e, asked) => (e.__typename === 'Disruption' ? { ...e, councilCode: asked.councilCode } : e)),
    expected: [/^\[isolation\] _entities answered Disruption for council X99999999/, /^\[isolation\] _entities answered Disruption for council E07000173 \(Gedling Borough Council, a real council from the registry\)/],
  },
  {
    name: 'answers for another real council it hosts (Gedling), but not for a made-up code',
    cli: true,
    breakage: () => gedlingToo(),
    expected: [/^\[isolation\] _entities answered Council.* for council E07000173 \(Gedling Borough Council, a real council from the registry\)/],
    notExpected: [/X99999999/],
  },
  {
    name: 'a Council entity of the wrong council',
    cli: true,
    breakage: () => rewriting((r) => r, (e) => (e.__typename === 'Council' && e.code === READING ? { ...e, code: GEDLING } : e)),
    expected: [/^\[wrong-council\] Asked for Council E06000038 at position 0 of request 1, the subgraph answered a Council of council E07000173: a wrong-council answer/],
    notExpected: [/out of order/],
  },
  // Schema.
  {
    name: 'a missing field',
    cli: true,
    breakage: () => withSdl((sdl) => sdl.replace(/\n\s*nextCollections: \[Collection!\]/, '')),
    expected: [/^\[schema\] Property\.nextCollections is missing \(the standard has Property\.nextCollections: \[Collection!\]\)$/],
  },
  {
    name: 'the wrong nullability',
    breakage: () => withSdl((sdl) => sdl.replace(/services: \[Service!\]\n/, 'services: [Service!]!\n')),
    expected: [/^\[schema\] Council\.services has the wrong nullability: \[Service!\]! where the standard says \[Service!\]$/],
  },
  {
    name: 'a missing enum value',
    breakage: () => withSdl((sdl) => sdl.replace(/\n\s*CHRISTMAS_TREE/, '')),
    expected: [/^\[schema\] ServiceType\.CHRISTMAS_TREE is missing from the enum$/],
  },
  {
    name: 'an enum value the standard does not have',
    breakage: () => withSdl((sdl) => sdl.replace(/\n(\s*)CHRISTMAS_TREE/, '\n$1CHRISTMAS_TREE\n$1NAPPIES')),
    expected: [/^\[schema\] ServiceType\.NAPPIES is not in the standard/],
  },
  {
    name: 'a changed entity key',
    breakage: () => withSdl((sdl) => sdl.replace('@key(fields: "councilCode uprn")', '@key(fields: "uprn")')),
    expected: [/^\[keys\] Property must be an entity with @key\(fields: "councilCode uprn"\)/],
  },
  {
    name: 'a required argument the standard does not have',
    breakage: () => withSdl((sdl) => sdl.replace('nextCollections: [Collection!]', 'nextCollections(limit: Int!): [Collection!]')),
    expected: [/^\[schema\] Property\.nextCollections\(limit:\) is a required argument the standard does not have/],
  },
  {
    name: 'a type of the wrong kind',
    breakage: () => withSdl((sdl) => sdl.replace(/enum ContainerKind \{[^}]*\}/, 'scalar ContainerKind')),
    expected: [/^\[schema\] ContainerKind is a scalar where the standard has a enum$/],
  },
  {
    name: 'an SDL that does not build',
    breakage: () => withSdl(() => 'type Council @key(fields: "code") { code: ID! services: [Nope] }'),
    expected: [/^\[schema\] The subgraph's SDL does not build/],
  },
  {
    name: 'no _service field (not a federation subgraph)',
    breakage: () => ({ response: (body) => (body.data?._service ? { errors: [{ message: 'Cannot query field "_service" on type "Query".' }] } : body) }),
    expected: [/^\[schema\] _service \{ sdl \} did not answer: is this a federation subgraph\?/],
  },
  // Entities.
  {
    name: 'entities out of order',
    breakage: () => ({ response: (body) => (Array.isArray(body.data?._entities) ? { ...body, data: { _entities: [...body.data._entities].reverse() } } : body) }),
    expected: [/^\[order\] .*entities out of order/],
  },
  {
    name: 'one entity too few',
    breakage: () => ({ response: (body) => (Array.isArray(body.data?._entities) && body.data._entities.length > 5 ? { ...body, data: { _entities: body.data._entities.slice(1) } } : body) }),
    expected: [/^\[entities\] _entities returned \d+ items for \d+ representations/],
  },
  {
    name: 'answers for a made-up council code',
    breakage: () => rewriting((r) => JSON.parse(JSON.stringify(r).replaceAll('X99999999', READING))),
    expected: [/^\[isolation\] _entities answered Council, Property.* for council X99999999 \(a code no council has\)/],
  },
  {
    name: 'an unknown UPRN answered as a property',
    breakage: () => ({
      response: (body, request) => {
        const asked = representationsOf(request);
        if (!Array.isArray(body.data?._entities)) return body;
        return { ...body, data: { _entities: body.data._entities.map((e: any, i: number) => (asked[i]?.uprn === '999999999999' && asked[i].councilCode === READING ? { __typename: 'Property', uprn: '999999999999', councilCode: READING } : e)) } };
      },
    }),
    expected: [/^\[unknown-uprn\] An unknown UPRN \(999999999999\) must resolve to null/],
  },
  {
    name: 'an unknown UPRN answered with an error',
    breakage: () => ({
      response: (body, request) => {
        const i = representationsOf(request).findIndex((r: any) => r.uprn === '999999999999' && r.councilCode === READING);
        return i >= 0 && Array.isArray(body.data?._entities) ? { ...body, errors: [{ message: 'No such property', path: ['_entities', i] }] } : body;
      },
    }),
    expected: [/^\[unknown-uprn\] An unknown UPRN or disruption gave an error \("No such property"\)/],
  },
  {
    name: 'an unknown disruption answered as a disruption',
    breakage: () => ({
      response: (body, request) => {
        const asked = representationsOf(request);
        if (!Array.isArray(body.data?._entities)) return body;
        return { ...body, data: { _entities: body.data._entities.map((e: any, i: number) => (asked[i]?.id === 'binfo-check-no-such-disruption' && asked[i].councilCode === READING ? { __typename: 'Disruption', id: asked[i].id, councilCode: READING } : e)) } };
      },
    }),
    expected: [/^\[unknown-disruption\] An unknown disruption id \(binfo-check-no-such-disruption\) must resolve to null/],
  },
  {
    name: 'no services',
    breakage: () => ({ response: (body) => (body.data?._entities?.[0]?.services ? ((body.data._entities[0].services = []), body) : body) }),
    expected: [/^\[services\] Council\.services is empty or missing for E06000038$/],
  },
  {
    name: 'a property listed with another council\'s code',
    breakage: () => ({ response: (body) => { for (const p of body.data?._entities?.[0]?.properties ?? []) p.councilCode = GEDLING; return body; } }),
    expected: [/^\[properties\] A property in RG1 1AA has councilCode other than E06000038$/],
  },
  // Identity.
  {
    name: 'service ids that are not unique across councils',
    cli: true,
    breakage: () => editServices((s) => (s.id = s.id.replace(`${READING}:`, ''))),
    expected: [/^\[identity\] Service\.id "refuse" \(Council E06000038\.services\) is not unique across the national graph/],
  },
  {
    name: 'one service id for a property\'s own frequency and the council-wide one',
    cli: true,
    breakage: () => editServices((s) => (s.id = s.id.split(':').slice(0, 2).join(':'))),
    expected: [/^\[identity\] Service\.id "E06000038:[a-z]+" names two different services .*equal ids must mean equal objects/],
  },
  {
    name: 'disruption ids that are not unique across councils',
    breakage: () => ({ response: (body) => { for (const d of body.data?._entities?.[0]?.disruptions ?? []) d.id = '1'; return body; } }),
    expected: [/^\[identity\] Disruption\.id "1" is not unique across the national graph/],
  },
  // Dates and collections.
  {
    name: 'a date that is not YYYY-MM-DD accepted',
    cli: true,
    breakage: () => ({ request: (body) => (body.variables?.from === '27/11/2026' ? { ...body, variables: { ...body.variables, from: '2026-11-27' } } : body) }),
    expected: [/^\[dates\] A date of "27\/11\/2026" must be refused with extensions\.code BAD_USER_INPUT/],
  },
  {
    name: 'MOVED collections without an originalDate',
    cli: true,
    breakage: () => editCollections((cs) => cs.forEach((c) => Object.assign(c, { status: 'MOVED', originalDate: null }))),
    expected: [/^\[collections\] .* is MOVED without an originalDate$/],
  },
  {
    name: 'a collection date that is not an ISO date',
    breakage: () => editCollections((cs) => cs.length && (cs[0].date = '03/12/2026')),
    expected: [/^\[collections\] .* has a date that is not a valid YYYY-MM-DD date$/],
  },
  {
    name: 'a collection outside the range asked',
    breakage: () => editCollections((cs) => cs.length && (cs[cs.length - 1].date = '2099-01-01')),
    expected: [/^\[collections\] .* is outside the range asked/],
  },
  {
    name: 'collections out of date order',
    breakage: () => editCollections((cs) => cs.reverse()),
    expected: [/^\[collections\] .* is out of date order$/],
  },
  {
    name: 'the same service twice on one day',
    breakage: () => editCollections((cs) => cs.length && cs.splice(1, 0, { ...cs[0] })),
    expected: [/^\[collections\] .* appears twice for the same service on the same day$/],
  },
];

/** A subgraph that answers for Gedling as well: a supplier's endpoint that serves every council it hosts. */
async function gedlingToo(): Promise<string> {
  const proxy = await listen(async (req, res) => {
    const request = JSON.parse(await readBody(req, 10_000_000));
    const asked = representationsOf(request);
    const forward = async (code: string, representations: any[]) => {
      const key = request.variables?.representations ? 'representations' : 'r';
      const body = { ...request, variables: { ...request.variables, [key]: representations } };
      const upstream = await fetch(host.councilUrl(code), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return upstream.json() as Promise<any>;
    };
    if (!asked.length) {
      const body = await forward(READING, []);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
      return;
    }
    const own = await forward(READING, asked);
    const gedling = await forward(GEDLING, asked);
    const entities = own.data?._entities?.map((e: any, i: number) => e ?? gedling.data?._entities?.[i] ?? null);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...own, data: own.data ? { _entities: entities } : own.data }));
  });
  proxies.push(proxy);
  return proxy.url;
}

async function urlOf(defect: Defect): Promise<string> {
  const breakage = await defect.breakage();
  return typeof breakage === 'string' ? breakage : broken(breakage);
}

describe('binfo check', () => {
  it('passes the kit\'s own subgraph, disruptions and identity included', async () => {
    const result = await check(host.councilUrl(READING));
    expect(failures(result)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.findings.map((f) => f.check)).toEqual(expect.arrayContaining(['schema', 'entities', 'dates', 'collections', 'identity']));
    expect(result.findings.find((f) => f.check === 'entities')?.message).toContain(`Council, Property and Disruption asked for ${otherCouncils.length} other real councils from the registry`);
  });

  it.each(DEFECTS)('fails a subgraph with $name, naming the defect', async (defect) => {
    const result = await check(await urlOf(defect));
    const messages = failures(result);
    expect(result.ok).toBe(false);
    for (const pattern of defect.expected) expect(messages.some((m) => pattern.test(m)), `${pattern} in\n${messages.join('\n')}`).toBe(true);
    for (const pattern of defect.notExpected ?? []) expect(messages.some((m) => pattern.test(m)), `${pattern} not in\n${messages.join('\n')}`).toBe(false);
  });

  it('asks about the other councils a hundred at a time: requests near 25 KB, well inside common body limits (100 KB)', async () => {
    const sizes: number[] = [];
    const limited = await listen(async (req, res) => {
      const body = await readBody(req, 10_000_000);
      sizes.push(Buffer.byteLength(body));
      const upstream = await fetch(host.councilUrl(READING), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(await upstream.text());
    });
    proxies.push(limited);
    const result = await check(limited.url);
    expect(failures(result)).toEqual([]);
    // One request for all 382 would be about 85 KB: close enough to a 100 KB limit to fail on a longer query.
    expect(Math.max(...sizes)).toBeLessThan(40_000);
    expect(sizes.length).toBeGreaterThanOrEqual(4 + 3);
  });

  it('fails a subgraph it cannot reach, saying so', async () => {
    const closed = await listen((_req, res) => void res.end());
    await closed.close();
    const result = await check(closed.url);
    expect(failures(result)).toEqual([expect.stringMatching(/^\[connection\] .* could not be checked/)]);
  });

  it('as a command exits 1 on the broken subgraphs with the defect in its report, and 0 with JSON on the kit', async () => {
    const pending = DEFECTS.filter((d) => d.cli);
    const outcomes: Array<{ defect: Defect; code: number | null; stdout: string }> = [];
    // Three at a time: each run is a Node process on a shared 2-core machine.
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        for (let defect = pending.shift(); defect; defect = pending.shift()) {
          const url = await urlOf(defect);
          outcomes.push({ defect, ...(await runCli(['check', url, '--council', READING, '--postcode', 'RG1 1AA'])) });
        }
      }),
    );
    for (const { defect, code, stdout } of outcomes) {
      expect(code, defect.name).toBe(1);
      expect(stdout, defect.name).toMatch(/FAIL: \d+ problems?/);
      for (const pattern of defect.expected) {
        const failedLines = stdout.split('\n').filter((l) => l.trimStart().startsWith('✗')).map((l) => l.trim().slice(2));
        expect(failedLines.some((l) => pattern.test(l)), `${defect.name}: ${pattern}\n${stdout}`).toBe(true);
      }
    }
    const json = await runCli(['check', host.councilUrl(READING), '--council', READING, '--postcode', 'RG1 1AA', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).ok).toBe(true);
  }, 240_000);
});
