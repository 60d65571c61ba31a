// npm run bench:compare: the figures of issue 13 in one JSON document, each a ratio measured in this one run,
// side by side (the machine is shared and noisy: compare ratios, not absolute numbers):
//   - baseline: the project as it was before this work (BENCH_BASELINE, default the commit b3510a9), built
//     from a git worktree in a temporary folder with this checkout's node_modules;
//   - current: this checkout;
//   - hive: Hive Gateway's runtime (a dev dependency) over the current subgraphs; its `councils` subgraph is the
//     councils proxy, since a federation router routes by field, not by council (bench/servers/hive-gateway.ts).
// Every side runs the production topology, each part in its own process, caches off (BINFO_CACHE=off), and
// every answer is checked, so a fast wrong answer counts as a failure. CPU is read per process from /proc.
//
//   BENCH_BASELINE       the commit to compare with (default b3510a9, main before this work)
//   BENCH_NATIONAL_RUNS  national queries per side at concurrency 1 (default 12)
//   BENCH_SECONDS        per side of each loaded comparison (default 8), in BENCH_ROUNDS slices (default 4)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectPath } from '../lib/project-path.js';
import { closePools, interleaved, postJson, summarise } from './lib/load.js';
import { freePort, startService, type Service } from './lib/processes.js';
import { binDayViaGateway, checkNational, NATIONAL_QUERY, spreadPostcodes } from './lib/queries.js';
import { startSplitStack, type SplitStack } from './lib/topology.js';

const BASELINE = process.env.BENCH_BASELINE ?? 'b3510a9';
const NATIONAL_RUNS = Number(process.env.BENCH_NATIONAL_RUNS ?? 12);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const work = mkdtempSync(join(tmpdir(), 'binfo-compare-'));
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

interface Side {
  url: string;
  /** The processes that route: the gateway (and, for Hive, the councils proxy it needs). */
  routers: Service[];
  /** The council host that computes the answers. */
  host: Service;
}

/** The baseline's own topology module, from a worktree of the baseline commit sharing this node_modules. */
async function baselineStack(): Promise<SplitStack> {
  const dir = join(work, 'baseline');
  execFileSync('git', ['worktree', 'add', '--detach', dir, BASELINE], { cwd: projectPath(), stdio: 'ignore' });
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(projectPath('node_modules'), join(dir, 'node_modules'));
  const topology = (await import(join(dir, 'bench', 'lib', 'topology.ts'))) as typeof import('./lib/topology.js');
  return topology.startSplitStack({ work, gatewayEnv: { BINFO_CACHE: 'off' } });
}

const cpuOf = (services: Service[]) => services.reduce((sum, s) => sum + s.cpuMs(), 0);

async function nationalOneAtATime(sides: Record<string, Side>) {
  const body = JSON.stringify({ query: NATIONAL_QUERY });
  const names = Object.keys(sides);
  const figures = Object.fromEntries(names.map((n) => [n, { latencies: [] as number[], failures: 0, firstFailure: null as string | null, routerCpuMs: 0, hostCpuMs: 0, firstMs: 0, firstProblem: null as string | null }]));
  const once = async (name: string) => {
    const side = sides[name];
    const [router0, host0] = [cpuOf(side.routers), side.host.cpuMs()];
    const t0 = performance.now();
    const { status, text } = await postJson(side.url, body);
    return { ms: performance.now() - t0, problem: checkNational(status, text), routerCpuMs: cpuOf(side.routers) - router0, hostCpuMs: side.host.cpuMs() - host0 };
  };
  // The first query of each side (cold connections, cold JIT) is reported apart: the cold ratio.
  // A cold side may time councils out on its first query (that is part of what the cold ratio shows).
  for (const name of names) {
    const first = await once(name);
    figures[name].firstMs = Math.round(first.ms);
    figures[name].firstProblem = first.problem?.slice(0, 200) ?? null;
    await once(name);
  }
  const started = performance.now();
  for (let k = 0; k < NATIONAL_RUNS; k++) {
    for (const name of k % 2 ? [...names].reverse() : names) {
      const run = await once(name);
      const f = figures[name];
      f.routerCpuMs += run.routerCpuMs;
      f.hostCpuMs += run.hostCpuMs;
      if (run.problem) {
        f.failures++;
        f.firstFailure ??= run.problem;
      } else f.latencies.push(run.ms);
    }
  }
  const elapsed = performance.now() - started;
  return Object.fromEntries(
    names.map((name) => {
      const f = figures[name];
      const { rps: _rps, durationS: _d, ...summary } = summarise(f.latencies, f.failures, f.firstFailure, elapsed);
      return [name, { firstRequestMs: f.firstMs, firstRequestProblem: f.firstProblem, ...summary, cpuMsPerRequest: { routing: Math.round(f.routerCpuMs / NATIONAL_RUNS), councilHost: Math.round(f.hostCpuMs / NATIONAL_RUNS) } }];
    }),
  ) as Record<string, { firstRequestMs: number; p50Ms: number; failures: number; cpuMsPerRequest: { routing: number; councilHost: number } }>;
}

function loaded(sides: Record<string, Side>, call: (side: Side) => () => Promise<string | null>, concurrency: number) {
  const names = Object.keys(sides);
  return interleaved({
    concurrency,
    totalMs: SECONDS * 1000,
    rounds: ROUNDS,
    sides: Object.fromEntries(names.map((n) => [n, call(sides[n])])),
    cpu: () => Object.fromEntries(names.flatMap((n) => [[`${n}.routing`, cpuOf(sides[n].routers)], [`${n}.councilHost`, sides[n].host.cpuMs()]])),
  });
}

/** Per side, only the CPU of its own processes (interleaved reports every process for every side). */
function ownCpu(result: Record<string, { cpuMsPerRequest?: Record<string, number> }>, name: string) {
  const all = result[name].cpuMsPerRequest ?? {};
  return { routing: all[`${name}.routing`], councilHost: all[`${name}.councilHost`] };
}

const stacks: SplitStack[] = [];
const others: Service[] = [];
try {
  const [baseline, current] = [await baselineStack(), await startSplitStack({ work, gatewayEnv: { BINFO_CACHE: 'off' } })];
  stacks.push(baseline, current);
  const proxy = await current.addCouncilsProxy({ BINFO_CACHE: 'off' });
  const hivePort = await freePort();
  const hive = await startService('bench/servers/hive-gateway.ts', ['--port', String(hivePort), '--directory', current.directoryUrl, '--calendar', current.calendarUrl, '--councils', proxy.url], {}, /READY/, 90_000);
  others.push(hive);
  const sides: Record<string, Side> = {
    baseline: { url: baseline.gatewayUrl, routers: [baseline.gateway], host: baseline.parts.get('councils')! },
    current: { url: current.gatewayUrl, routers: [current.gateway], host: current.parts.get('councils')! },
    hive: { url: `http://127.0.0.1:${hivePort}/graphql`, routers: [hive, proxy.service], host: current.parts.get('councils')! },
  };

  process.stderr.write('bench:compare: national query, one at a time...\n');
  const national = await nationalOneAtATime(sides);
  process.stderr.write('bench:compare: national query, 16 at once...\n');
  const nationalBody = JSON.stringify({ query: NATIONAL_QUERY });
  const nationalLoaded = await loaded(sides, (side) => async () => {
    const { status, text } = await postJson(side.url, nationalBody);
    return checkNational(status, text);
  }, 16);
  process.stderr.write('bench:compare: bin-day query over 50 postcodes, 16 at once...\n');
  const postcodes = spreadPostcodes(50);
  const binDay = await loaded(sides, (side) => {
    let i = 0;
    return async () => (await binDayViaGateway(side.url, postcodes[i++ % postcodes.length])).error;
  }, 16);

  const r = {
    national: {
      routingCpu: ratio(national.current.cpuMsPerRequest.routing, national.baseline.cpuMsPerRequest.routing),
      p50: ratio(national.current.p50Ms, national.baseline.p50Ms),
      hostCpu: ratio(national.current.cpuMsPerRequest.councilHost, national.baseline.cpuMsPerRequest.councilHost),
      overHive: ratio(nationalLoaded.current.rps, nationalLoaded.hive.rps),
    },
    binDay: {
      hostCpu: ratio(ownCpu(binDay, 'current').councilHost, ownCpu(binDay, 'baseline').councilHost),
      throughput: ratio(binDay.current.rps, binDay.baseline.rps),
      overHive: ratio(binDay.current.rps, binDay.hive.rps),
    },
  };
  /** Each target with the measured ratio and whether it is met: a shortfall is stated, not hidden. */
  const judged = (measured: number, target: number, atMost: boolean) => ({ measured, target: `${atMost ? '<=' : '>='} ${target}`, met: atMost ? measured <= target : measured >= target });
  const verdict = {
    nationalRoutingCpuOverBaseline: judged(r.national.routingCpu, 0.25, true),
    nationalP50OverBaseline: judged(r.national.p50, 0.33, true),
    nationalCouncilHostCpuOverBaseline: judged(r.national.hostCpu, 0.25, true),
    nationalThroughputOverHive: judged(r.national.overHive, 1.3, false),
    nationalFailedAnswersAtSixteenAtOnce: { measured: nationalLoaded.current.failures, target: '0', met: nationalLoaded.current.failures === 0 },
    binDayCouncilHostCpuOverBaseline: judged(r.binDay.hostCpu, 0.5, true),
    binDayThroughputOverBaseline: judged(r.binDay.throughput, 1.5, false),
    binDayThroughputOverHive: judged(r.binDay.overHive, 1.3, false),
  };
  const report = {
    benchmark: 'binfo issue 13: baseline vs current vs Hive Gateway, caches off',
    node: process.version,
    baselineCommit: BASELINE,
    startedAt: new Date().toISOString(),
    nationalQuery: {
      query: NATIONAL_QUERY,
      oneAtATime: national,
      sixteenAtOnce: Object.fromEntries(Object.keys(sides).map((n) => [n, { ...nationalLoaded[n], cpuMsPerRequest: ownCpu(nationalLoaded, n) }])),
    },
    binDayQuery: { postcodes: 50, concurrency: 16, ...Object.fromEntries(Object.keys(sides).map((n) => [n, { ...binDay[n], cpuMsPerRequest: ownCpu(binDay, n) }])) },
    ratios: {
      national: {
        routingCpuCurrentOverBaseline: ratio(national.current.cpuMsPerRequest.routing, national.baseline.cpuMsPerRequest.routing),
        p50CurrentOverBaseline: ratio(national.current.p50Ms, national.baseline.p50Ms),
        councilHostCpuCurrentOverBaseline: ratio(national.current.cpuMsPerRequest.councilHost, national.baseline.cpuMsPerRequest.councilHost),
        coldFirstRequestCurrentOverBaseline: ratio(national.current.firstRequestMs, national.baseline.firstRequestMs),
        throughputCurrentOverHive: ratio(nationalLoaded.current.rps, nationalLoaded.hive.rps),
        routingCpuCurrentOverHive: ratio(national.current.cpuMsPerRequest.routing, national.hive.cpuMsPerRequest.routing),
        failedAnswersUnderLoad: { baseline: nationalLoaded.baseline.failures, current: nationalLoaded.current.failures, hive: nationalLoaded.hive.failures },
      },
      binDay: {
        councilHostCpuCurrentOverBaseline: ratio(ownCpu(binDay, 'current').councilHost, ownCpu(binDay, 'baseline').councilHost),
        throughputCurrentOverBaseline: ratio(binDay.current.rps, binDay.baseline.rps),
        throughputCurrentOverHive: ratio(binDay.current.rps, binDay.hive.rps),
      },
    },
    verdict,
    shortfalls: Object.entries(verdict).filter(([, v]) => !v.met).map(([name, v]) => `${name}: ${v.measured} (target ${v.target})`),
  };
  const text = JSON.stringify(report, null, 2);
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, `${text}\n`);
  console.log(text);
} finally {
  await Promise.all([...stacks.map((s) => s.stop()), ...others.map((s) => s.stop())]);
  await closePools();
  try {
    execFileSync('git', ['worktree', 'remove', '--force', join(work, 'baseline')], { cwd: projectPath(), stdio: 'ignore' });
  } catch {
    // already gone
  }
}
