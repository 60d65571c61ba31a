// A closed-loop load driver: `concurrency` clients each send the next request as soon as the last one
// answered, for a fixed time, over keep-alive connections. Every answer is checked, so a fast wrong
// answer cannot pass as performance.
import { Pool } from 'undici';

export interface LoadResult {
  requests: number;
  failures: number;
  firstFailure: string | null;
  durationS: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

export function percentile(sortedMs: number[], p: number): number {
  if (!sortedMs.length) return NaN;
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))];
}

export function summarise(latencies: number[], failures: number, firstFailure: string | null, durationMs: number): LoadResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    requests: latencies.length,
    failures,
    firstFailure,
    durationS: round(durationMs / 1000),
    rps: round(latencies.length / (durationMs / 1000)),
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    meanMs: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
  };
}

/** Raw figures of one closed-loop run, to be merged with others (see `interleaved`). */
export interface RawLoad {
  latencies: number[];
  failures: number;
  firstFailure: string | null;
  durationMs: number;
}

/** One "request" may be several HTTP calls (the direct client makes two); `call` returns an error text or null. */
export async function closedLoopRaw(options: { concurrency: number; durationMs: number; call: () => Promise<string | null> }): Promise<RawLoad> {
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | null = null;
  const started = performance.now();
  const end = started + options.durationMs;
  const client = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      let problem: string | null;
      try {
        problem = await options.call();
      } catch (error) {
        problem = String(error);
      }
      if (problem) {
        failures++;
        firstFailure ??= problem;
      } else latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  return { latencies, failures, firstFailure, durationMs: performance.now() - started };
}

export async function closedLoop(options: { concurrency: number; durationMs: number; call: () => Promise<string | null> }): Promise<LoadResult> {
  const raw = await closedLoopRaw(options);
  return summarise(raw.latencies, raw.failures, raw.firstFailure, raw.durationMs);
}

/**
 * Measures several sides of a comparison in alternating slices (A B, B A, A B, ...) after an unrecorded
 * warm-up of each, so drift in the load of a shared machine falls on every side alike rather than on
 * whichever ran second. Each side's figures are the merge of its slices.
 */
export async function interleaved<K extends string>(options: {
  sides: Record<K, () => Promise<string | null>>;
  concurrency: number;
  totalMs: number;
  rounds?: number;
  warmupMs?: number;
  /** CPU used so far by each process of interest (ms); each side then reports its CPU per request. */
  cpu?: () => Record<string, number>;
}): Promise<Record<K, LoadResult & { cpuMsPerRequest?: Record<string, number> }>> {
  const names = Object.keys(options.sides) as K[];
  const rounds = options.rounds ?? 4;
  const sliceMs = options.totalMs / rounds;
  const merged = Object.fromEntries(names.map((n) => [n, { latencies: [] as number[], failures: 0, firstFailure: null as string | null, durationMs: 0 }])) as Record<K, RawLoad>;
  for (const name of names) await closedLoopRaw({ concurrency: options.concurrency, durationMs: options.warmupMs ?? 1000, call: options.sides[name] });
  const cpu = Object.fromEntries(names.map((n) => [n, {} as Record<string, number>])) as Record<K, Record<string, number>>;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const before = options.cpu?.();
      const raw = await closedLoopRaw({ concurrency: options.concurrency, durationMs: sliceMs, call: options.sides[name] });
      if (before) {
        const after = options.cpu!();
        const side: Record<string, number> = cpu[name];
        for (const process of Object.keys(after)) side[process] = (side[process] ?? 0) + after[process] - (before[process] ?? 0);
      }
      const into = merged[name];
      for (const latency of raw.latencies) into.latencies.push(latency);
      into.failures += raw.failures;
      into.firstFailure ??= raw.firstFailure;
      into.durationMs += raw.durationMs;
    }
  }
  return Object.fromEntries(
    names.map((n) => {
      const summary = summarise(merged[n].latencies, merged[n].failures, merged[n].firstFailure, merged[n].durationMs);
      if (!options.cpu) return [n, summary];
      const perRequest = Object.fromEntries(Object.entries(cpu[n]).map(([process, ms]) => [process, Math.round((ms / Math.max(1, summary.requests)) * 100) / 100]));
      return [n, { ...summary, cpuMsPerRequest: perRequest }];
    }),
  ) as Record<K, LoadResult & { cpuMsPerRequest?: Record<string, number> }>;
}

const pools = new Map<string, Pool>();

/** POSTs JSON over a keep-alive pool per origin and returns the body text. */
export async function postJson(url: string, body: string): Promise<{ status: number; text: string }> {
  const { origin, pathname, search } = new URL(url);
  let pool = pools.get(origin);
  if (!pool) pools.set(origin, (pool = new Pool(origin, { connections: 64 })));
  const response = await pool.request({ method: 'POST', path: pathname + search, headers: { 'content-type': 'application/json' }, body });
  return { status: response.statusCode, text: await response.body.text() };
}

export async function closePools(): Promise<void> {
  await Promise.all([...pools.values()].map((p) => p.close()));
  pools.clear();
}
