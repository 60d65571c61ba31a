// npm run bench: every figure of the benchmark suite in one JSON document. Each comparison runs side by
// side in this one run (the machine is shared and noisy: compare ratios, not absolute numbers).
// The servers run in their own processes on 127.0.0.1 (`scripts/start.ts <part>`, the production topology);
// this process only drives load and checks every answer, so a fast wrong answer counts as a failure.
//
// Fairness: the sides of a comparison are measured in alternating slices after an unrecorded warm-up of each
// (bench/lib/load.ts `interleaved`), over the same inputs in the same order, at the same concurrency.
//
//   BENCH_SECONDS      per side of each comparison (default 10), split into BENCH_ROUNDS slices (default 4)
//   BENCH_CONCURRENCY  closed-loop clients (default 8)
//   BENCH_SECTIONS     comma-separated subset of: overhead,warm,fanout,proxy,startup,compare,curve (default: all)
//   BENCH_OUT          also write the JSON document to this file (e.g. bench/results-after.json)
import { execFileSync } from 'node:child_process';
import { projectPath } from '../lib/project-path.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closePools, interleaved, postJson, summarise } from './lib/load.js';
import { startService, type Service } from './lib/processes.js';
import { binDayDirect, binDayViaGateway, BIN_DAY_QUERY, checkNational, NATIONAL_QUERY, spreadPostcodes } from './lib/queries.js';
import { PRODUCTION_NODE_FLAGS, startSplitStack, type SplitStack } from './lib/topology.js';
import { measureStartup } from './startup.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SECTIONS = new Set((process.env.BENCH_SECTIONS ?? 'overhead,warm,fanout,proxy,startup,compare,curve').split(',').map((s) => s.trim()));
const work = mkdtempSync(join(tmpdir(), 'binfo-bench-'));
const stacks: SplitStack[] = [];
const others: Service[] = [];

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

/** CPU used so far by each process of a stack and by this load driver, in ms: where each side's time goes. */
function cpuOf(stack: SplitStack): () => Record<string, number> {
  return () => {
    const usage = process.cpuUsage();
    const figures: Record<string, number> = { loadDriver: (usage.user + usage.system) / 1000 };
    for (const [name, service] of stack.parts) figures[name] = service.cpuMs();
    return figures;
  };
}

/** Runs another benchmark script (tsx) and returns the JSON document it prints. */
async function jsonOf(script: string, nodeFlags: string[] = []): Promise<unknown> {
  const text = execFileSync(process.execPath, [...nodeFlags, '--import', 'tsx', script], { cwd: projectPath(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(text);
}

async function splitStack(options: Omit<Parameters<typeof startSplitStack>[0], 'work'>): Promise<SplitStack> {
  const stack = await startSplitStack({ work, ...options });
  stacks.push(stack);
  return stack;
}

async function stopAll(): Promise<void> {
  await Promise.all([...stacks.splice(0).map((s) => s.stop()), ...others.splice(0).map((s) => s.stop())]);
}

/** The same postcodes, in the same order, for every side. */
function cycle<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length];
}

async function gatewayOverhead(): Promise<Record<string, unknown>> {
  const stack = await splitStack({ gatewayEnv: { BINFO_CACHE: 'off' } }); // the cold path: no response or entity cache
  const twoWorkers = await stack.addGateway({ BINFO_CACHE: 'off', BINFO_WORKERS: '2' });
  const councilUrl = (code: string) => `${stack.hostUrl}/councils/${code}/graphql`;
  const postcodes = spreadPostcodes(500);

  // The benchmark checks what it measures: every path must give the same answer.
  for (const postcode of postcodes.slice(0, 20)) {
    const [a, b, c] = await Promise.all([binDayViaGateway(stack.gatewayUrl, postcode), binDayDirect(stack.directoryUrl, councilUrl, postcode), binDayViaGateway(twoWorkers.url, postcode)]);
    if (a.error || b.error || c.error) throw new Error(a.error ?? b.error ?? c.error!);
    if (JSON.stringify(a.data) !== JSON.stringify(b.data) || JSON.stringify(c.data) !== JSON.stringify(b.data)) throw new Error(`gateway and direct answers differ for ${postcode}`);
  }
  const next = { direct: cycle(postcodes), gateway: cycle(postcodes), gatewayTwoWorkers: cycle(postcodes) };
  const result = await interleaved({
    cpu: cpuOf(stack),
    concurrency: CONCURRENCY,
    totalMs: SECONDS * 1000,
    rounds: ROUNDS,
    sides: {
      direct: async () => (await binDayDirect(stack.directoryUrl, councilUrl, next.direct())).error,
      gateway: async () => (await binDayViaGateway(stack.gatewayUrl, next.gateway())).error,
      gatewayTwoWorkers: async () => (await binDayViaGateway(twoWorkers.url, next.gatewayTwoWorkers())).error,
    },
  });
  await stopAll();
  const { direct, gateway, gatewayTwoWorkers } = result;
  return {
    query: 'postcode -> councils -> properties -> nextCollections (500 postcodes across GB), BINFO_CACHE=off',
    concurrency: CONCURRENCY,
    direct,
    gateway,
    p50Ratio: ratio(gateway.p50Ms, direct.p50Ms),
    p99Ratio: ratio(gateway.p99Ms, direct.p99Ms),
    throughputRatio: ratio(gateway.rps, direct.rps),
    target: 'p50Ratio <= 1.5',
    gatewayTwoWorkers: {
      ...gatewayTwoWorkers,
      note: 'the same gateway with BINFO_WORKERS=2 (npm run start:production); the subgraphs and this load driver share the same 2 cores',
      p50Ratio: ratio(gatewayTwoWorkers.p50Ms, direct.p50Ms),
      throughputRatio: ratio(gatewayTwoWorkers.rps, direct.rps),
      throughputVsOneWorker: ratio(gatewayTwoWorkers.rps, gateway.rps),
    },
  };
}

async function warmPath(): Promise<Record<string, unknown>> {
  const stack = await splitStack({}); // caches on, as in production
  const twoWorkers = await stack.addGateway({ BINFO_WORKERS: '2' });
  const body = JSON.stringify({ query: BIN_DAY_QUERY, variables: { p: 'RG1 1AA' } });
  const first = await postJson(stack.gatewayUrl, body);
  const expected = first.text;
  if (first.status !== 200 || JSON.parse(expected).errors) throw new Error(`warm path query failed: ${expected.slice(0, 200)}`);
  const bytesFile = join(work, 'answer.json');
  writeFileSync(bytesFile, expected);
  const minimal = await startService('bench/servers/minimal-http.ts', [bytesFile], {}, /READY/);
  others.push(minimal);
  const minimalUrl = minimal.readyLine.split(' ')[1];
  const check = (text: string) => (text === expected ? null : `answer changed: ${text.slice(0, 120)}`);
  stack.parts.set('minimalHttp', minimal);
  const result = await interleaved({
    cpu: cpuOf(stack),
    concurrency: CONCURRENCY,
    totalMs: SECONDS * 1000,
    rounds: ROUNDS,
    warmupMs: 2000, // fills the caches: every answer after the first few comes from the response cache
    sides: {
      minimalHttp: async () => check((await postJson(minimalUrl, body)).text),
      gateway: async () => check((await postJson(stack.gatewayUrl, body)).text),
      gatewayTwoWorkers: async () => check((await postJson(twoWorkers.url, body)).text),
    },
  });
  await stopAll();
  const { minimalHttp, gateway, gatewayTwoWorkers } = result;
  return {
    query: 'the bin-day query for RG1 1AA, caches warm (response cache TTL 5 s, refilled as it expires)',
    concurrency: CONCURRENCY,
    minimalHttp,
    gateway,
    throughputRatio: ratio(gateway.rps, minimalHttp.rps),
    p50Ratio: ratio(gateway.p50Ms, minimalHttp.p50Ms),
    target: 'throughputRatio >= 0.5 (one gateway process against one minimal http process)',
    gatewayTwoWorkers: { ...gatewayTwoWorkers, note: 'BINFO_WORKERS=2, not the target comparison', throughputRatio: ratio(gatewayTwoWorkers.rps, minimalHttp.rps) },
  };
}

/**
 * Three gateways over ~361 councils at 20 ms each, asked in turn, one national query at a time:
 *   - the headline: the production gateway over a farm that replays each council's answer (real councils have
 *     their own CPUs; this farm's ~361 councils otherwise share the gateway's 2 cores);
 *   - the same gateway over a farm computing every answer (the whole simulation on one machine);
 *   - the same gateway without the production heap cap (PRODUCTION_NODE_FLAGS), over the replaying farm.
 */
async function nationalFanOut(): Promise<Record<string, unknown>> {
  const replayRegistry = join(work, 'farm-replay.yaml');
  const computingRegistry = join(work, 'farm-computing.yaml');
  const [replayFarm, computingFarm] = await Promise.all([
    startService('bench/servers/council-farm.ts', ['--latency', '20', '--registry', replayRegistry, '--replay'], {}, /READY/, 180_000),
    startService('bench/servers/council-farm.ts', ['--latency', '20', '--registry', computingRegistry], {}, /READY/, 180_000),
  ]);
  others.push(replayFarm, computingFarm);
  const stack = await splitStack({ registry: replayRegistry, gatewayEnv: { BINFO_CACHE: 'off' } }); // every iteration really asks every council
  const computing = await stack.addGateway({ BINFO_CACHE: 'off', BINFO_COUNCIL_REGISTRY: computingRegistry });
  const defaultHeap = await stack.addGateway({ BINFO_CACHE: 'off' }, [], { defaultHeap: true });
  const sides = {
    replay: { url: stack.gatewayUrl, gateway: stack.gateway, farm: replayFarm },
    computing: { url: computing.url, gateway: computing.service, farm: computingFarm },
    defaultHeap: { url: defaultHeap.url, gateway: defaultHeap.service, farm: replayFarm },
  };
  type Side = keyof typeof sides;
  const body = JSON.stringify({ query: NATIONAL_QUERY });
  const once = async (side: Side) => {
    const { url, gateway, farm } = sides[side];
    const cpu0 = [gateway.cpuMs(), farm.cpuMs()];
    const t0 = performance.now();
    const { status, text } = await postJson(url, body);
    const ms = performance.now() - t0;
    return { problem: checkNational(status, text), ms, gatewayCpuMs: gateway.cpuMs() - cpu0[0], farmCpuMs: farm.cpuMs() - cpu0[1] };
  };
  const names = Object.keys(sides) as Side[];
  const figures = Object.fromEntries(names.map((n) => [n, { latencies: [] as number[], failures: 0, firstFailure: null as string | null, firstMs: 0, gatewayCpuMs: 0, farmCpuMs: 0, rssBeforeMb: 0 }]));
  // The first fan-out opens ~361 connections and warms the JIT: reported, not mixed into the percentiles.
  for (const name of names) {
    const first = await once(name);
    if (first.problem) throw new Error(first.problem);
    figures[name].firstMs = Math.round(first.ms);
    for (let k = 0; k < 2; k++) await once(name);
    figures[name].rssBeforeMb = sides[name].gateway.rssMb();
  }
  const iterations = Number(process.env.BENCH_FANOUT_ITERATIONS ?? 40);
  const started = performance.now();
  for (let k = 0; k < iterations; k++) {
    for (const name of k % 2 ? [...names].reverse() : names) {
      const { problem, ms, gatewayCpuMs, farmCpuMs } = await once(name);
      const f = figures[name];
      f.gatewayCpuMs += gatewayCpuMs;
      f.farmCpuMs += farmCpuMs;
      if (problem) {
        f.failures++;
        f.firstFailure ??= problem;
      } else f.latencies.push(ms);
    }
  }
  const elapsed = performance.now() - started;
  const report = (name: Side) => {
    const f = figures[name];
    const { rps: _rps, durationS: _d, ...summary } = summarise(f.latencies, f.failures, f.firstFailure, elapsed);
    return {
      firstRequestMs: f.firstMs,
      ...summary,
      cpuMsPerFanOut: { gateway: Math.round(f.gatewayCpuMs / iterations), councilFarm: Math.round(f.farmCpuMs / iterations) },
      gatewayPeakRssMb: sides[name].gateway.peakRssMb(),
      gatewayRssBeforeMb: f.rssBeforeMb,
      gatewayRssAfterMb: sides[name].gateway.rssMb(),
    };
  };
  const result = {
    query: `${NATIONAL_QUERY}, one at a time, BINFO_CACHE=off`,
    councils: 361,
    latencyPerCouncilMs: 20,
    councilFarm: 'each council on its own port behind a 20 ms timer, replaying its answer to a request it has answered before (council-farm.ts --replay)',
    ...report('replay'),
    target: 'p50Ms < 150 and gatewayPeakRssMb < 300',
    farmComputingEveryAnswer: { note: 'the same, with the farm computing every answer on the same 2 cores', ...report('computing') },
    withoutHeapCap: { note: `the same gateway without ${PRODUCTION_NODE_FLAGS.join(' ')} (V8 default heap growth)`, ...report('defaultHeap') },
    councilFarmRssMb: { replaying: replayFarm.rssMb(), computing: computingFarm.rssMb() },
  };
  await stopAll();
  return result;
}

async function councilsProxy(): Promise<Record<string, unknown>> {
  const stack = await splitStack({ gatewayEnv: { BINFO_CACHE: 'off' } });
  const proxy = await stack.addCouncilsProxy({ BINFO_CACHE: 'off' });
  const viaProxy = await stack.addGateway({ BINFO_CACHE: 'off', BINFO_COUNCILS_URL: proxy.url });
  const postcodes = spreadPostcodes(500);
  for (const postcode of postcodes.slice(0, 20)) {
    const [a, b] = await Promise.all([binDayViaGateway(stack.gatewayUrl, postcode), binDayViaGateway(viaProxy.url, postcode)]);
    if (a.error || b.error) throw new Error(a.error ?? b.error!);
    if (JSON.stringify(a.data) !== JSON.stringify(b.data)) throw new Error(`proxy and in-gateway answers differ for ${postcode}`);
  }
  const next = { inGateway: cycle(postcodes), viaProxy: cycle(postcodes) };
  const result = await interleaved({
    cpu: cpuOf(stack),
    concurrency: CONCURRENCY,
    totalMs: SECONDS * 1000,
    rounds: ROUNDS,
    sides: {
      inGatewayRouter: async () => (await binDayViaGateway(stack.gatewayUrl, next.inGateway())).error,
      viaCouncilsProxy: async () => (await binDayViaGateway(viaProxy.url, next.viaProxy())).error,
    },
  });
  await stopAll();
  return {
    query: 'the cold bin-day query: council router in the gateway, or in the councils proxy subgraph (BINFO_COUNCILS_URL)',
    concurrency: CONCURRENCY,
    ...result,
    p50Ratio: ratio(result.viaCouncilsProxy.p50Ms, result.inGatewayRouter.p50Ms),
    throughputRatio: ratio(result.viaCouncilsProxy.rps, result.inGatewayRouter.rps),
    note: 'one more process and HTTP hop on the same 2 cores; no target (the proxy is for running beyond one machine)',
  };
}

try {
  const report: Record<string, unknown> = {
    benchmark: 'binfo',
    node: process.version,
    seconds: SECONDS,
    rounds: ROUNDS,
    cpus: (await import('node:os')).availableParallelism(),
    startedAt: new Date().toISOString(),
  };
  const sections: Array<[string, string, () => Promise<unknown>]> = [
    ['overhead', 'gatewayOverhead', gatewayOverhead],
    ['warm', 'warmPath', warmPath],
    ['fanout', 'nationalFanOut', nationalFanOut],
    ['proxy', 'councilsProxy', councilsProxy],
    ['startup', 'startup', () => measureStartup(Number(process.env.BENCH_STARTUP_RUNS ?? 3))],
    // Each in a process of its own (they build their own stacks): their JSON is taken in whole.
    ['compare', 'againstBaselineAndHive', () => jsonOf('bench/compare.ts')],
    ['curve', 'fanOutCostCurve', () => jsonOf('bench/fanout-curve.ts', ['--expose-gc'])],
  ];
  for (const [section, key, run] of sections) {
    if (!SECTIONS.has(section)) continue;
    const started = performance.now();
    process.stderr.write(`bench: ${section}...`);
    report[key] = await run();
    process.stderr.write(` ${Math.round((performance.now() - started) / 1000)} s\n`);
  }
  const text = JSON.stringify(report, null, 2);
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, text + '\n');
  console.log(text);
} finally {
  await stopAll();
  await closePools();
}
