// One change measured on its own: this checkout ("after") against a copy of it in which only the given
// paths are as they were at BENCH_BASELINE ("before"; default HEAD, so an uncommitted change is measured,
// whatever else others are changing in the tree). Both run the production topology with caches off, sides
// alternating in one run, CPU per request of each process read from /proc (as bench/compare.ts does).
//   npx tsx bench/ab.ts national|binday [path ...]   (BENCH_BASELINE, BENCH_SECONDS=16, BENCH_ROUNDS=8,
//   BENCH_CONCURRENCY: 1 for national, 16 for binday)
// Paths default to the router, resilience, council kit and host batch code. BENCH_BEFORE_FILES="path=file,..."
// puts a given file at a path of "before" (a file someone else is also changing: only your change reverted).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { projectPath } from '../lib/project-path.js';
import { closePools, interleaved, postJson } from './lib/load.js';
import { binDayViaGateway, checkNational, NATIONAL_QUERY, spreadPostcodes } from './lib/queries.js';
import { startSplitStack, type SplitStack } from './lib/topology.js';

const workload = process.argv[2] ?? 'national';
const paths = process.argv.length > 3 ? process.argv.slice(3) : ['gateway/council-router', 'gateway/resilience', 'subgraphs/council/subgraph.ts', 'subgraphs/council/host-batch.ts', 'subgraphs/council/schedule-memo.ts'];
const BASELINE = process.env.BENCH_BASELINE ?? 'HEAD';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const work = mkdtempSync(join(tmpdir(), 'binfo-ab-'));
const dir = join(work, 'before');
const stacks: SplitStack[] = [];
try {
  const root = projectPath();
  cpSync(root, dir, { recursive: true, filter: (source) => !/\/(node_modules|\.git|dist)(\/|$)/.test(source.slice(root.length)) });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  const changed = git('diff', '--name-only', BASELINE, '--', ...paths).split('\n').filter(Boolean);
  const added = new Set(git('ls-files', '--others', '--exclude-standard', '--', ...paths).split('\n').filter(Boolean));
  for (const path of [...changed, ...added]) {
    const target = join(dir, path);
    let old: string | undefined;
    try {
      old = git('show', `${BASELINE}:${path}`);
    } catch {
      old = undefined; // new since the baseline
    }
    if (old === undefined) rmSync(target, { force: true });
    else {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, old);
    }
  }
  const overrides = (process.env.BENCH_BEFORE_FILES ?? '').split(',').filter(Boolean).map((pair) => pair.split('='));
  for (const [path, file] of overrides) cpSync(file, join(dir, path));
  process.stderr.write(`bench:ab: before = (${overrides.map(([path]) => path).join(', ')} given) and this tree with ${[...changed, ...added].join(', ') || 'nothing'} as at ${BASELINE}\n`);
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(projectPath('node_modules'), join(dir, 'node_modules'));
  const topology = (await import(join(dir, 'bench', 'lib', 'topology.ts'))) as typeof import('./lib/topology.js');
  const before = await topology.startSplitStack({ work, gatewayEnv: { BINFO_CACHE: 'off' } });
  stacks.push(before);
  const after = await startSplitStack({ work, gatewayEnv: { BINFO_CACHE: 'off' } });
  stacks.push(after);
  const sides = { before, after };
  const postcodes = spreadPostcodes(50);
  const nationalBody = JSON.stringify({ query: NATIONAL_QUERY });
  const call = (stack: SplitStack) => {
    if (workload === 'national') {
      return async () => {
        const { status, text } = await postJson(stack.gatewayUrl, nationalBody);
        return checkNational(status, text);
      };
    }
    let i = 0;
    return async () => (await binDayViaGateway(stack.gatewayUrl, postcodes[i++ % postcodes.length])).error;
  };
  const result = await interleaved({
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? (workload === 'national' ? 1 : 16)),
    totalMs: SECONDS * 1000,
    rounds: ROUNDS,
    sides: { before: call(before), after: call(after) },
    cpu: () => Object.fromEntries(Object.entries(sides).flatMap(([n, s]) => [[`${n}.gateway`, s.gateway.cpuMs()], [`${n}.host`, s.parts.get('councils')!.cpuMs()]])),
  });
  const own = (n: 'before' | 'after') => ({ gateway: result[n].cpuMsPerRequest![`${n}.gateway`], host: result[n].cpuMsPerRequest![`${n}.host`] });
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  const [b, a] = [own('before'), own('after')];
  console.log(
    JSON.stringify(
      {
        workload,
        baseline: BASELINE,
        before: { rps: result.before.rps, p50Ms: result.before.p50Ms, failures: result.before.failures, firstFailure: result.before.firstFailure, cpuMsPerRequest: b },
        after: { rps: result.after.rps, p50Ms: result.after.p50Ms, failures: result.after.failures, firstFailure: result.after.firstFailure, cpuMsPerRequest: a },
        afterOverBefore: { gatewayCpu: ratio(a.gateway, b.gateway), hostCpu: ratio(a.host, b.host), rps: ratio(result.after.rps, result.before.rps), p50: ratio(result.after.p50Ms, result.before.p50Ms) },
      },
      null,
      2,
    ),
  );
} finally {
  await Promise.all(stacks.map((s) => s.stop()));
  await closePools();
  rmSync(work, { recursive: true, force: true });
}
