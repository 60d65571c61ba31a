// npm run bench:curve: the cost curve of the national fan-out, as the number of councils grows. The council
// router runs in this process over simulated council endpoints (a transport that answers from memory, so
// what is measured is the router's own work: planning, breakers, deadlines, checks against the standard,
// merging), once with every council at its own endpoint and once with all of them on one shared host
// (one request per fetch). Printed as JSON: per fan-out latency, router CPU, CPU per council and heap.
//
//   BENCH_CURVE_SIZES   council counts (default 50,200,361,1000)
//   BENCH_CURVE_RUNS    fan-outs measured per size and mode (default 40, after 10 unrecorded)
import { councilAnswerFrom, type CouncilAnswer, type CouncilRequest, type CouncilTransport } from '../gateway/council-router/council-http.js';
import { CouncilRouterDataSource } from '../gateway/council-router/council-router-data-source.js';
import { markersFor } from '../gateway/council-router/entity-selection.js';
import type { CouncilEndpoint } from '../gateway/council-registry.js';

const SIZES = (process.env.BENCH_CURVE_SIZES ?? '50,200,361,1000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_CURVE_RUNS ?? 40);
// The query the gateway sends councils for `{ councils(collectsWaste: true) { code services { type } } }`.
const QUERY = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Council{services{type}}}}';
const markers = markersFor(QUERY);
const SERVICES = [{ type: 'GENERAL_WASTE' }, { type: 'RECYCLING' }, { type: 'FOOD_WASTE' }, { type: 'GARDEN_WASTE' }];

const codeOf = (i: number) => `E${String(7_000_000 + i).padStart(8, '0')}`;

/** Answers every council as the standard says, from memory: the council's part of a batch, or its own request. */
const replaying: CouncilTransport = {
  async send(_endpoint: CouncilEndpoint, request: CouncilRequest): Promise<CouncilAnswer> {
    const reps = (request.payload as { variables: { representations: Array<{ code: string }> } }).variables.representations;
    const entities = reps.map((rep) => ({ [markers.typename]: 'Council', [markers.council]: rep.code, services: SERVICES }));
    return councilAnswerFrom(200, JSON.stringify({ data: { _entities: entities } }), undefined);
  },
  async close() {},
};

async function measure(size: number, shared: boolean) {
  const endpoints = new Map<string, CouncilEndpoint>();
  for (let i = 0; i < size; i++) {
    const code = codeOf(i);
    const url = `http://council-${i}.invalid/graphql`;
    endpoints.set(code, { code, name: `Council ${i}`, url, fallbackUrl: `https://council-${i}.invalid/`, timeoutMs: 5000, ...(shared ? { sharedHost: { batchUrl: 'http://host.invalid/graphql', councilUrl: url } } : {}) });
  }
  const router = new CouncilRouterDataSource(
    { endpoint: (code) => endpoints.get(code), describe: (code) => endpoints.get(code) && { ...endpoints.get(code)!, collectsWaste: true } },
    { cache: false, retry: false, transport: replaying },
  );
  const representations = [...endpoints.keys()].map((code) => ({ __typename: 'Council', code }));
  const once = async () => {
    const result = await router.fetchEntities({ query: QUERY, representations });
    if ('refusal' in result || result.errors.length || result.entities.some((e) => e === null)) throw new Error(`a fan-out over ${size} councils was not whole`);
  };
  for (let i = 0; i < 10; i++) await once();
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await once();
    latencies.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  await router.close();
  latencies.sort((a, b) => a - b);
  const cpuMsPerFanOut = (cpu.user + cpu.system) / 1000 / RUNS;
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    councils: size,
    p50Ms: round(latencies[Math.floor(RUNS / 2)]),
    routerCpuMsPerFanOut: round(cpuMsPerFanOut),
    routerCpuMsPerCouncil: round(cpuMsPerFanOut / size),
    heapGrowthMb: round((process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024),
  };
}

const report: Record<string, unknown> = { benchmark: 'binfo national fan-out cost curve (router in process, simulated councils)', node: process.version, runs: RUNS };
for (const shared of [false, true]) {
  const rows = [];
  for (const size of SIZES) rows.push(await measure(size, shared));
  const first = rows[0];
  const last = rows[rows.length - 1];
  report[shared ? 'oneSharedHost' : 'ownEndpoints'] = {
    rows,
    // Flat or falling means the router's work per council does not grow with the number of councils.
    cpuPerCouncilLastOverFirst: Math.round((last.routerCpuMsPerCouncil / first.routerCpuMsPerCouncil) * 100) / 100,
  };
}
console.log(JSON.stringify(report, null, 2));
