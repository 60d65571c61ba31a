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

/** One "request" may be several HTTP calls (the direct client makes two); `call` returns an error text or null. */
export async function closedLoop(options: { concurrency: number; durationMs: number; call: () => Promise<string | null> }): Promise<LoadResult> {
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
  return summarise(latencies, failures, firstFailure, performance.now() - started);
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
