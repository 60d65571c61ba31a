// npm run bench: every figure of the benchmark suite in one JSON document. Each comparison runs side by
// side in this one run (the machine is shared and noisy: compare ratios, not absolute numbers).
// The servers run in their own processes on 127.0.0.1; this process only drives load and checks answers.
//   BENCH_SECONDS (default 10) per measurement, BENCH_CONCURRENCY (default 8).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostcodeIndex } from '../subgraphs/directory/postcode-index.js';
import { closedLoop, closePools, postJson, summarise } from './lib/load.js';
import { freePort, startService, type Service } from './lib/processes.js';
import { measureStartup } from './startup.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const START = 'scripts/start.ts';
const work = mkdtempSync(join(tmpdir(), 'binfo-bench-'));
const running: Service[] = [];

const BIN_DAY_QUERY = `query BinDay($p: String!) { postcode(code: $p) { postcode councils { code name
  properties(postcode: $p) { uprn address { singleLine } nextCollections { date status service { name type } } } } } }`;
const DIRECTORY_QUERY = `query($p: String!) { postcode(code: $p) { postcode councils { code name } } }`;
const COUNCIL_QUERY = `query($r: [_Any!]!, $p: String!) { _entities(representations: $r) { ... on Council {
  properties(postcode: $p) { uprn address { singleLine } nextCollections { date status service { name type } } } } } }`;

async function start(script: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<Service> {
  const service = await startService(script, args, env, ready);
  running.push(service);
  return service;
}

/** Postcodes spread over Great Britain, so the cold path is not one hot key. */
function spreadPostcodes(count: number): string[] {
  const all = [...PostcodeIndex.load().entries()].filter(([, code]) => /^[ESW]\d{8}$/.test(code));
  const step = Math.floor(all.length / count);
  return Array.from({ length: count }, (_, i) => all[i * step][0]);
}

async function viaGateway(url: string, postcode: string): Promise<{ error: string | null; data?: unknown }> {
  const { status, text } = await postJson(url, JSON.stringify({ query: BIN_DAY_QUERY, variables: { p: postcode } }));
  const body = JSON.parse(text);
  if (status !== 200 || body.errors) return { error: `gateway ${status}: ${text.slice(0, 200)}` };
  if (body.data.postcode && !body.data.postcode.councils[0]?.properties?.length) return { error: `no properties for ${postcode}` };
  return { error: null, data: body.data };
}

/** The same answer fetched straight from the directory and the council's subgraph by the same client. */
async function direct(directoryUrl: string, councilHost: string, postcode: string): Promise<{ error: string | null; data?: unknown }> {
  const first = await postJson(directoryUrl, JSON.stringify({ query: DIRECTORY_QUERY, variables: { p: postcode } }));
  const lookup = JSON.parse(first.text);
  if (first.status !== 200 || lookup.errors) return { error: `directory ${first.status}: ${first.text.slice(0, 200)}` };
  if (!lookup.data.postcode) return { error: null, data: lookup.data };
  const councils = [];
  for (const council of lookup.data.postcode.councils) {
    const second = await postJson(`${councilHost}/councils/${council.code}/graphql`, JSON.stringify({ query: COUNCIL_QUERY, variables: { r: [{ __typename: 'Council', code: council.code }], p: postcode } }));
    const answer = JSON.parse(second.text);
    if (second.status !== 200 || answer.errors) return { error: `council ${second.status}: ${second.text.slice(0, 200)}` };
    councils.push({ ...council, properties: answer.data._entities[0].properties });
  }
  return { error: null, data: { postcode: { postcode: lookup.data.postcode.postcode, councils } } };
}

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

async function gatewayOverhead(): Promise<Record<string, unknown>> {
  const [directoryPort, calendarPort, hostPort, gatewayPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const env = { DIRECTORY_PORT: String(directoryPort), CALENDAR_PORT: String(calendarPort), COUNCIL_HOST_PORT: String(hostPort), BINFO_DISRUPTIONS_DB: join(work, 'd1.sqlite') };
  await Promise.all([
    start(START, ['directory'], env, /ready/),
    start(START, ['calendar'], env, /ready/),
    start(START, ['councils'], env, /ready/),
  ]);
  await start(START, ['gateway'], {
    ...env,
    PORT: String(gatewayPort),
    DIRECTORY_URL: `http://127.0.0.1:${directoryPort}/graphql`,
    CALENDAR_URL: `http://127.0.0.1:${calendarPort}/graphql`,
    COUNCIL_HOST_URL: `http://127.0.0.1:${hostPort}`,
    BINFO_CACHE: 'off', // the cold path: no response or entity cache
  }, /ready/);
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;
  const directoryUrl = `http://127.0.0.1:${directoryPort}/graphql`;
  const hostUrl = `http://127.0.0.1:${hostPort}`;
  const postcodes = spreadPostcodes(500);

  // The benchmark checks what it measures: both paths must give the same answer.
  for (const postcode of postcodes.slice(0, 20)) {
    const [a, b] = await Promise.all([viaGateway(gatewayUrl, postcode), direct(directoryUrl, hostUrl, postcode)]);
    if (a.error || b.error) throw new Error(a.error ?? b.error!);
    if (JSON.stringify(a.data) !== JSON.stringify(b.data)) throw new Error(`gateway and direct answers differ for ${postcode}`);
  }
  let i = 0;
  const next = () => postcodes[i++ % postcodes.length];
  const directResult = await closedLoop({ concurrency: CONCURRENCY, durationMs: SECONDS * 1000, call: async () => (await direct(directoryUrl, hostUrl, next())).error });
  const gatewayResult = await closedLoop({ concurrency: CONCURRENCY, durationMs: SECONDS * 1000, call: async () => (await viaGateway(gatewayUrl, next())).error });
  await Promise.all(running.splice(0).map((s) => s.stop()));
  return {
    query: 'postcode -> councils -> properties -> nextCollections (500 postcodes across GB)',
    concurrency: CONCURRENCY,
    direct: directResult,
    gateway: gatewayResult,
    p50Ratio: ratio(gatewayResult.p50Ms, directResult.p50Ms),
    p99Ratio: ratio(gatewayResult.p99Ms, directResult.p99Ms),
    throughputRatio: ratio(gatewayResult.rps, directResult.rps),
    target: 'p50Ratio <= 1.5',
  };
}

async function warmPath(): Promise<Record<string, unknown>> {
  const port = await freePort();
  await start(START, ['all'], { PORT: String(port), COUNCIL_HOST_PORT: '0', BINFO_DISRUPTIONS_DB: join(work, 'd2.sqlite') }, /ready in/);
  const url = `http://127.0.0.1:${port}/graphql`;
  const body = JSON.stringify({ query: BIN_DAY_QUERY, variables: { p: 'RG1 1AA' } });
  const first = await postJson(url, body);
  const expected = first.text;
  if (first.status !== 200 || JSON.parse(expected).errors) throw new Error(`warm path query failed: ${expected.slice(0, 200)}`);
  const bytesFile = join(work, 'answer.json');
  writeFileSync(bytesFile, expected);
  const minimal = await start('bench/servers/minimal-http.ts', [bytesFile], {}, /READY/);
  const minimalUrl = minimal.readyLine.split(' ')[1];
  // Warm every cache, then measure both side by side.
  for (let k = 0; k < 200; k++) await postJson(url, body);
  const check = (text: string) => (text === expected ? null : `answer changed: ${text.slice(0, 120)}`);
  const minimalResult = await closedLoop({ concurrency: CONCURRENCY, durationMs: SECONDS * 1000, call: async () => check((await postJson(minimalUrl, body)).text) });
  const gatewayResult = await closedLoop({ concurrency: CONCURRENCY, durationMs: SECONDS * 1000, call: async () => check((await postJson(url, body)).text) });
  await Promise.all(running.splice(0).map((s) => s.stop()));
  return {
    query: 'the bin-day query for RG1 1AA, caches warm',
    concurrency: CONCURRENCY,
    minimalHttp: minimalResult,
    gateway: gatewayResult,
    throughputRatio: ratio(gatewayResult.rps, minimalResult.rps),
    target: 'throughputRatio >= 0.5',
  };
}

async function nationalFanOut(): Promise<Record<string, unknown>> {
  const registry = join(work, 'farm-councils.yaml');
  const farm = await start('bench/servers/council-farm.ts', ['--latency', '20', '--registry', registry], {}, /READY/);
  const [directoryPort, calendarPort, gatewayPort] = await Promise.all([freePort(), freePort(), freePort()]);
  await Promise.all([
    start(START, ['directory'], { DIRECTORY_PORT: String(directoryPort) }, /ready/),
    start(START, ['calendar'], { CALENDAR_PORT: String(calendarPort) }, /ready/),
  ]);
  const gateway = await start(START, ['gateway'], {
    PORT: String(gatewayPort),
    DIRECTORY_URL: `http://127.0.0.1:${directoryPort}/graphql`,
    CALENDAR_URL: `http://127.0.0.1:${calendarPort}/graphql`,
    BINFO_COUNCIL_REGISTRY: registry,
    BINFO_CACHE: 'off', // every iteration really fans out to every council
  }, /ready/);
  const url = `http://127.0.0.1:${gatewayPort}/graphql`;
  const body = JSON.stringify({ query: '{ councils(collectsWaste: true) { code services { type } } }' });
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | null = null;
  const iterations = Number(process.env.BENCH_FANOUT_ITERATIONS ?? 40);
  const started = performance.now();
  for (let k = 0; k < iterations; k++) {
    const t0 = performance.now();
    const { status, text } = await postJson(url, body);
    const answer = JSON.parse(text);
    const councils = answer.data?.councils ?? [];
    if (status !== 200 || answer.errors || councils.length < 350 || councils.some((c: { services: unknown[] | null }) => !c.services?.length)) {
      failures++;
      firstFailure ??= text.slice(0, 200);
    } else latencies.push(performance.now() - t0);
  }
  const result = { ...summarise(latencies, failures, firstFailure, performance.now() - started), gatewayPeakRssMb: gateway.peakRssMb(), farmRssMb: farm.rssMb() };
  await Promise.all(running.splice(0).map((s) => s.stop()));
  return { query: 'councils(collectsWaste: true) { code services { type } }, one at a time', councils: 361, latencyPerCouncilMs: 20, ...result, target: 'p50Ms < 150 and gatewayPeakRssMb < 300' };
}

try {
  const report: Record<string, unknown> = { benchmark: 'binfo', node: process.version, seconds: SECONDS, startedAt: new Date().toISOString() };
  report.gatewayOverhead = await gatewayOverhead();
  report.warmPath = await warmPath();
  report.nationalFanOut = await nationalFanOut();
  report.startup = await measureStartup(Number(process.env.BENCH_STARTUP_RUNS ?? 3));
  console.log(JSON.stringify(report, null, 2));
} finally {
  await Promise.all(running.map((s) => s.stop()));
  await closePools();
}
