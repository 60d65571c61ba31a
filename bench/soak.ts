// Soak: sustained load on the whole local stack with one council dead, on demand (`npx tsx bench/soak.ts`).
// Prints one JSON document: answers, failures, latency, memory sampled through the run, cache and breaker.
// `node --expose-gc --import tsx bench/soak.ts` also reports the heap the run retained after a full GC.
//
// The dead council accepts connections and never answers (the worst kind of dead: every request costs its
// timeout until the breaker opens). It must never cost the healthy councils an answer: every answer is
// checked, and any error or missing data for a healthy council counts as a failure (exit code 1).
//
//   SOAK_SECONDS   how long to load (default 60)
//   CONCURRENCY    clients in parallel (default 16)
//   SAMPLE_MS      memory sampling interval (default 2000)
import '../gateway/disable-telemetry.js';
import { pino } from 'pino';
import { listen } from '../lib/http/listen.js';
import { startLocalStack } from '../stack/local-stack.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const SAMPLE_MS = Number(process.env.SAMPLE_MS ?? 2000);

const DEAD = 'E06000052'; // Cornwall
/** Postcodes whose councils stay healthy, and one in the dead council. */
const POSTCODES: Array<[string, string]> = [
  ['RG1 1AA', 'E06000038'],
  ['BS1 5TR', 'E06000023'],
  ['B1 1BB', 'E08000025'],
  ['M1 1AE', 'E08000003'],
  ['NE1 7RU', 'E08000021'],
  ['OX1 1BX', 'E07000178'],
  ['EH1 1YZ', 'S12000036'],
  ['SA1 1NW', 'W06000011'],
  ['TR1 2SB', DEAD],
];

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)];
const isoDay = (offset: number) => new Date(Date.UTC(2026, 11, 1 + offset)).toISOString().slice(0, 10);

interface Check {
  query: string;
  variables: Record<string, unknown>;
  /** Healthy council codes whose data must be present. */
  healthy: string[];
}

/** A mix of what residents and apps ask: postcode lookups, council services, date ranges (many cache misses). */
function nextRequest(codes: readonly string[]): Check {
  const kind = Math.random();
  if (kind < 0.4) {
    const [postcode, code] = pick(POSTCODES);
    const from = isoDay(Math.floor(Math.random() * 20));
    return {
      query: `query($p: String!, $from: Date!) { postcode(code: $p) { councils { code properties(postcode: $p) { uprn collections(from: $from) { date status service { type } } } } } }`,
      variables: { p: postcode, from },
      healthy: code === DEAD ? [] : [code],
    };
  }
  const chosen = new Set<string>([pick(codes), pick(codes), pick(codes)]);
  if (Math.random() < 0.5) chosen.add(DEAD);
  return {
    query: `query($c: [ID!]!) { councils(codes: $c) { code services { name type } } }`,
    variables: { c: [...chosen] },
    healthy: [...chosen].filter((c) => c !== DEAD),
  };
}

/** Problems with one answer, as far as healthy councils are concerned (the dead one may fail: that is expected). */
function problems(status: number, body: any, check: Check): string[] {
  if (status !== 200) return [`HTTP ${status}`];
  const found: string[] = [];
  for (const error of body.errors ?? []) {
    if (error.extensions?.councilCode !== DEAD) found.push(`error not about the dead council: ${error.message}`);
    else if (error.extensions?.code !== 'COUNCIL_UNAVAILABLE' || !error.extensions?.fallbackUrl) found.push(`dead council's error lacks code or fallbackUrl`);
  }
  const councils: any[] = body.data?.councils ?? body.data?.postcode?.councils ?? [];
  for (const code of check.healthy) {
    const council = councils.find((c) => c?.code === code);
    if (!council) found.push(`no entry for ${code}`);
    else if (council.services === null || council.properties === null) found.push(`null data for healthy council ${code}`);
  }
  return found;
}

async function main(): Promise<void> {
  let deadCouncilRequests = 0;
  const dead = await listen((_req, res) => {
    deadCouncilRequests++;
    return new Promise<void>((resolve) => res.once('close', resolve));
  });
  const stack = await startLocalStack({ port: 0, gateway: { rateLimit: false, logger: pino({ level: 'error' }) } });
  stack.endpoints.set(DEAD, { ...stack.endpoints.get(DEAD)!, url: dead.url });
  const codes = [...stack.endpoints.keys()].filter((c) => c !== DEAD).slice(0, 40);

  const samples: Array<{ t: number; rssMb: number; heapUsedMb: number }> = [];
  const started = performance.now();
  const sample = () => {
    const m = process.memoryUsage();
    samples.push({ t: Math.round((performance.now() - started) / 1000), rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed) });
  };
  sample();
  const sampler = setInterval(sample, SAMPLE_MS);

  const latencies: number[] = [];
  const failures: string[] = [];
  let answers = 0;
  let deadErrors = 0;
  let staleAnswers = 0;
  const endAt = started + SECONDS * 1000;
  const client = async () => {
    while (performance.now() < endAt) {
      const check = nextRequest(codes);
      const t0 = performance.now();
      try {
        const response = await fetch(stack.gateway.graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: check.query, variables: check.variables }),
        });
        const body = (await response.json()) as any;
        latencies.push(performance.now() - t0);
        answers++;
        if (body.extensions?.binfo?.stale) staleAnswers++;
        deadErrors += (body.errors ?? []).filter((e: any) => e.extensions?.councilCode === DEAD).length;
        for (const problem of problems(response.status, body, check)) failures.push(problem);
      } catch (error) {
        failures.push(`request failed: ${String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  clearInterval(sampler);
  sample();
  // With --expose-gc, the heap after a full collection: what the run retained, as against garbage not yet collected.
  const gc = (globalThis as { gc?: () => void }).gc;
  let retainedHeapMb: number | undefined;
  if (gc) {
    gc();
    retainedHeapMb = mb(process.memoryUsage().heapUsed);
  }

  const metrics = (await stack.gateway.metrics?.registry.getMetricsAsJSON()) ?? [];
  const total = (name: string, filter: (labels: Record<string, unknown>) => boolean = () => true) =>
    (metrics.find((m) => m.name === name)?.values ?? []).filter((v) => filter(v.labels)).reduce((sum, v) => sum + Number(v.value), 0);
  const sorted = [...latencies].sort((a, b) => a - b);
  const percentile = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);
  const peak = samples.reduce((max, s) => (s.rssMb > max.rssMb ? s : max), samples[0]);
  const peakHeap = samples.reduce((max, s) => Math.max(max, s.heapUsedMb), 0);
  const result = {
    benchmark: 'soak',
    seconds: SECONDS,
    concurrency: CONCURRENCY,
    deadCouncil: DEAD,
    answers,
    answersPerSecond: Math.round(answers / SECONDS),
    failedAnswersForHealthyCouncils: failures.length,
    firstFailures: [...new Set(failures)].slice(0, 5),
    deadCouncilErrors: deadErrors,
    /** Requests that reached the dead council: the breaker keeps this far below the answers that involved it. */
    deadCouncilRequests,
    staleAnswers,
    latencyMs: { p50: percentile(50), p95: percentile(95), p99: percentile(99), max: Math.round(sorted.at(-1) ?? 0) },
    memory: {
      note: 'one process: gateway, directory, calendar and council host together',
      start: samples[0],
      peak: { ...peak, heapUsedMb: peakHeap },
      end: samples.at(-1),
      retainedHeapMbAfterGc: retainedHeapMb,
      /** [seconds, RSS MB, heap used MB] every SAMPLE_MS. */
      series: samples.map((s) => [s.t, s.rssMb, s.heapUsedMb]),
    },
    gateway: {
      councilRequests: (metrics.find((m) => m.name === 'binfo_council_request_duration_seconds')?.values ?? [])
        .filter((v) => (v as { metricName?: string }).metricName?.endsWith('_count'))
        .reduce((sum, v) => sum + Number(v.value), 0),
      cacheHits: total('binfo_entity_cache_hits_total'),
      cacheMisses: total('binfo_entity_cache_misses_total'),
      deadCouncilErrorsByReason: Object.fromEntries(
        (metrics.find((m) => m.name === 'binfo_council_errors_total')?.values ?? []).filter((v) => v.labels.council === DEAD).map((v) => [v.labels.reason, v.value]),
      ),
      deadCouncilCircuit: total('binfo_council_circuit_state', (l) => l.council === DEAD),
    },
  };
  await stack.close();
  await dead.close();
  console.log(JSON.stringify(result, null, 2));
  process.exitCode = failures.length ? 1 : 0;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
