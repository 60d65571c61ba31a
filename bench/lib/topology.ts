// The production topology on loopback, one process per part (`scripts/start.ts <part>`), for the
// benchmarks and the profiler: directory, calendar, a council host (or a council farm's registry), the
// optional councils proxy, and the gateway.
import { join } from 'node:path';
import { build } from 'esbuild';
import { projectPath } from '../../lib/project-path.js';
import { freePort, startService, type Service } from './processes.js';

/**
 * What production runs: scripts/start.ts bundled as `npm run build` bundles it (to dist/bench/, leaving
 * dist/start.js alone). Under tsx the gateway takes ~50 MB more memory and ~1.5 s longer to start (its
 * loader thread and on-the-fly compilation), which is not what is deployed.
 */
export const START = 'dist/bench/start.js';

/**
 * How `npm run start:production` runs the gateway and the councils proxy (package.json; test/performance checks
 * they agree): NODE_ENV=production and an old-generation cap. The cap bounds how far V8 lets the heap grow
 * between full collections (by default it allows about four times the live heap on a machine with this much
 * memory); the gateway's live heap, caches included, stays far below it. The larger young generation (32 MB
 * semi-spaces, V8's default is 16 MB at most) lets the short-lived objects of a national fan-out (361 council
 * answers, checked and merged) die young instead of being scavenged twice and promoted: measured with
 * bench/ab.ts national, gateway CPU per request 0.80x, for up to ~64 MB more memory under load.
 */
export const PRODUCTION_NODE_FLAGS = ['--max-old-space-size=512', '--max-semi-space-size=32'];
export const PRODUCTION_ENV = { NODE_ENV: 'production' };

let bundled: Promise<unknown> | undefined;

export function buildBundle(): Promise<unknown> {
  bundled ??= build({
    entryPoints: [projectPath('scripts/start.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    target: 'node20',
    sourcemap: true,
    outfile: projectPath(START),
    logLevel: 'warning',
  });
  return bundled;
}

export interface SplitStack {
  gatewayUrl: string;
  directoryUrl: string;
  calendarUrl: string;
  /** The council host's origin (its councils answer at /councils/<GSS>/graphql); absent with a registry. */
  hostUrl?: string;
  gateway: Service;
  services: Service[];
  /** Each process by part name (directory, calendar, councils, gateway, councils-proxy, gateway-2, ...). */
  parts: Map<string, Service>;
  /** Another gateway over the same subgraphs and councils, with more environment (e.g. BINFO_WORKERS=2). */
  addGateway(env: Record<string, string>, nodeFlags?: string[], options?: { defaultHeap?: boolean }): Promise<{ url: string; service: Service }>;
  /** A councils proxy subgraph over the same councils; pass its URL to a gateway as BINFO_COUNCILS_URL. */
  addCouncilsProxy(env: Record<string, string>, nodeFlags?: string[]): Promise<{ url: string; service: Service }>;
  stop(): Promise<void>;
}

export interface SplitStackOptions {
  /** A scratch directory for the disruptions database. */
  work: string;
  /** Extra environment for the gateway (BINFO_CACHE, BINFO_WORKERS, ...). */
  gatewayEnv?: Record<string, string>;
  /** A council registry file (e.g. the council farm's); otherwise a council host with sample data is started. */
  registry?: string;
  /** Put the councils proxy subgraph between the gateway and the councils (BINFO_COUNCILS_URL). */
  councilsProxy?: boolean;
  /** Extra node flags per part, e.g. { gateway: ['--cpu-prof', '--cpu-prof-dir=/tmp/p'] }. */
  nodeFlags?: Partial<Record<'gateway' | 'councils' | 'directory' | 'proxy', string[]>>;
  /** Run the gateway and proxy without PRODUCTION_NODE_FLAGS (to show what they change). */
  defaultHeap?: boolean;
}

export async function startSplitStack(options: SplitStackOptions): Promise<SplitStack> {
  await buildBundle();
  const services: Service[] = [];
  const parts = new Map<string, Service>();
  const start = async (part: string, env: Record<string, string>, flags: string[] = []) => {
    const service = await startService(START, [part], env, /ready/i, 90_000, flags);
    services.push(service);
    let name = part;
    for (let n = 2; parts.has(name); n++) name = `${part}-${n}`;
    parts.set(name, service);
    return service;
  };
  try {
    const [directoryPort, calendarPort, hostPort, gatewayPort, proxyPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const directoryUrl = `http://127.0.0.1:${directoryPort}/graphql`;
    const calendarUrl = `http://127.0.0.1:${calendarPort}/graphql`;
    const hostUrl = options.registry ? undefined : `http://127.0.0.1:${hostPort}`;
    const registryEnv: Record<string, string> = options.registry ? { BINFO_COUNCIL_REGISTRY: options.registry } : { COUNCIL_HOST_URL: hostUrl! };
    await Promise.all([
      start('directory', { DIRECTORY_PORT: String(directoryPort) }, options.nodeFlags?.directory),
      start('calendar', { CALENDAR_PORT: String(calendarPort) }),
      options.registry
        ? undefined
        : start('councils', { COUNCIL_HOST_PORT: String(hostPort), BINFO_DISRUPTIONS_DB: join(options.work, `disruptions-${hostPort}.sqlite`) }, options.nodeFlags?.councils),
    ]);
    const production = options.defaultHeap ? [] : PRODUCTION_NODE_FLAGS;
    const addCouncilsProxy = async (env: Record<string, string>, nodeFlags?: string[], port?: number) => {
      port ??= await freePort();
      const service = await start('councils-proxy', { ...PRODUCTION_ENV, ...registryEnv, ...env, COUNCILS_PROXY_PORT: String(port) }, [...production, ...(nodeFlags ?? [])]);
      return { url: `http://127.0.0.1:${port}/graphql`, service };
    };
    const proxyEnv: Record<string, string> = {};
    if (options.councilsProxy) {
      proxyEnv.BINFO_COUNCILS_URL = (await addCouncilsProxy(pick(options.gatewayEnv, 'BINFO_CACHE'), options.nodeFlags?.proxy, proxyPort)).url;
    }
    const gatewayEnv = { ...PRODUCTION_ENV, ...registryEnv, ...proxyEnv, DIRECTORY_URL: directoryUrl, CALENDAR_URL: calendarUrl, ...options.gatewayEnv };
    const gateway = await start('gateway', { ...gatewayEnv, PORT: String(gatewayPort) }, [...production, ...(options.nodeFlags?.gateway ?? [])]);
    return {
      gatewayUrl: `http://127.0.0.1:${gatewayPort}/graphql`,
      directoryUrl,
      calendarUrl,
      hostUrl,
      gateway,
      services,
      parts,
      addGateway: async (env, nodeFlags, more) => {
        const port = await freePort();
        const service = await start('gateway', { ...gatewayEnv, ...env, PORT: String(port) }, [...(more?.defaultHeap ? [] : production), ...(nodeFlags ?? [])]);
        return { url: `http://127.0.0.1:${port}/graphql`, service };
      },
      addCouncilsProxy: (env, nodeFlags) => addCouncilsProxy(env, nodeFlags),
      stop: () => Promise.all(services.map((s) => s.stop())).then(() => undefined),
    };
  } catch (error) {
    await Promise.all(services.map((s) => s.stop()));
    throw error;
  }
}

function pick(env: Record<string, string> | undefined, name: string): Record<string, string> {
  return env?.[name] !== undefined ? { [name]: env[name] } : {};
}
