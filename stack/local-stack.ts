// The whole national graph on loopback: directory, council host (embedded sample data) and gateway.
// `npm start` and the end-to-end tests both use this, so what is tested is what runs.
import '../gateway/disable-telemetry.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BankHolidayCalendar } from '../domain/bank-holidays/calendar.js';
import { councilDirectoryOf, readCouncilRegistryConfig, resolveCouncilEndpoints, type CouncilEndpoint } from '../gateway/council-registry.js';
import { LiveCouncilRegistry } from '../gateway/live-council-registry.js';
import { startGateway, type GatewayOptions, type RunningGateway } from '../gateway/server.js';
import { createLogger } from '../gateway/observability/logger.js';
import { loadSupergraph } from '../gateway/supergraph.js';
import { PROJECT_ROOT } from '../lib/project-path.js';
import type { ServedSchema } from '../lib/http/serve-schema.js';
import { loadShippedBankHolidays } from '../subgraphs/calendar/load-bank-holidays.js';
import { startCalendar } from '../subgraphs/calendar/server.js';
import type { CouncilDataSource } from '../subgraphs/council/data-source.js';
import type { CouncilTokens } from '../subgraphs/council/disruptions/council-tokens.js';
import type { DisruptionStore } from '../subgraphs/council/disruptions/disruption-store.js';
import { startCouncilHostWithDisruptions } from '../subgraphs/council/disruptions/run-council-host.js';
import type { CouncilHost } from '../subgraphs/council/host.js';
import { loadCouncilHostConfig } from '../subgraphs/council/host-config/index.js';
import { SampleCouncilSource } from '../subgraphs/council/sample/sample-source.js';
import { loadDirectoryData, startDirectory } from '../subgraphs/directory/server.js';
import type { DirectoryData } from '../subgraphs/directory/subgraph.js';

/** The project's councils.yaml (npm start passes BINFO_COUNCIL_REGISTRY's file). */
export const DEFAULT_COUNCIL_REGISTRY = resolve(PROJECT_ROOT, 'councils.yaml');

export interface LocalStackOptions {
  port?: number;
  host?: string;
  councilRegistryPath?: string;
  /** Replace the sample source of some councils (tests, adapters). */
  sources?: (defaults: CouncilDataSource[]) => CouncilDataSource[];
  /** Point some councils elsewhere after the registry is read (tests of failing councils). */
  endpoints?: (endpoints: Map<string, CouncilEndpoint>) => Map<string, CouncilEndpoint>;
  gateway?: Partial<GatewayOptions>;
  /**
   * Overrides every council's timeout. The embedded host answers all ~361 councils from one process, so a
   * national fan-out in a test on a busy 2-core machine can need more than the 2 s a real council gets.
   */
  councilTimeoutMs?: number;
  /** The council host's configuration file (adapters per council); all-sample without one. */
  councilHostConfig?: string;
  /** Values for ${NAME} in the council host's configuration (npm start passes the environment); none when absent. */
  councilHostEnv?: Record<string, string | undefined>;
  /** Port for the council host (its disruptions API is documented at 4002); a free one if taken or absent. */
  councilHostPort?: number;
  /** The SQLite file of posted disruptions; a fresh temporary one when absent. */
  disruptionsDb?: string;
  /** The gateway's national event log (gateway/events/); a fresh temporary one when absent, unless `gateway.events` says otherwise. */
  eventsDb?: string;
  /** The gateway's national webhook subscriptions (gateway/webhooks/); a fresh temporary file when absent, unless `gateway.webhooks` says otherwise. */
  nationalWebhooksDb?: string;
  /** The council host's webhook deliverer settings (npm start passes the transport BINFO_WEBHOOK_TARGETS chooses). */
  councilHostWebhooks?: Parameters<typeof startCouncilHostWithDisruptions>[0]['webhooks'];
  /** Re-read the council registry file when it changes (npm start does). */
  watchRegistry?: boolean;
  log?: (entry: Record<string, unknown>) => void;
  /**
   * The gateway's log level when `gateway.logger` is absent: `warn` by default, so a test's output shows
   * only what went wrong; npm start passes its own logger at LOG_LEVEL.
   */
  logLevel?: string;
}

export interface LocalStack {
  gateway: RunningGateway;
  directory: ServedSchema;
  calendar: ServedSchema;
  councilHost: CouncilHost;
  disruptions: DisruptionStore;
  councilTokens: CouncilTokens;
  data: DirectoryData;
  bankHolidays: BankHolidayCalendar;
  endpoints: Map<string, CouncilEndpoint>;
  registry: LiveCouncilRegistry;
  close(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const supergraph = await loadSupergraph();
  if (supergraph.composedAtStart) console.warn('supergraph.graphql is out of date with schema/: composed at start. Run `npm run compose` to update it.');
  const registryConfig = readCouncilRegistryConfig(options.councilRegistryPath ?? DEFAULT_COUNCIL_REGISTRY);

  const data = loadDirectoryData();
  const bankHolidays = loadShippedBankHolidays();
  const collecting = data.councils.filter({ collectsWaste: true });
  const hostConfig = options.councilHostConfig
    ? await loadCouncilHostConfig(options.councilHostConfig, { councils: data.councils.all(), postcodes: data.postcodes, bankHolidays, log: options.log, env: options.councilHostEnv })
    : null;
  for (const problem of [...(hostConfig?.errors ?? []), ...(hostConfig?.warnings ?? [])]) {
    if (options.log) options.log({ level: 'warn', msg: problem });
    else console.warn(problem);
  }
  const samples: CouncilDataSource[] = hostConfig?.sources ?? collecting.map((council) => new SampleCouncilSource(council, data.postcodes, bankHolidays));

  const [directory, calendar, councilHostWithDisruptions] = await Promise.all([
    startDirectory({ data }),
    startCalendar({ data: { bankHolidays, nationOf: (code) => data.councils.get(code)?.nation } }),
    startCouncilHostPreferringPort(
      {
        sources: options.sources ? options.sources(samples) : samples,
        // Tests get a fresh database each; npm start passes the persistent one.
        dbPath: options.disruptionsDb ?? join(mkdtempSync(join(tmpdir(), 'binfo-disruptions-')), 'disruptions.sqlite'),
        console: { councilName: (code) => data.councils.get(code)?.name },
        webhooks: options.councilHostWebhooks,
        log: options.log,
      },
      options.councilHostPort,
    ),
  ]);
  const councilHost = councilHostWithDisruptions.host;

  const registryPath = options.councilRegistryPath ?? DEFAULT_COUNCIL_REGISTRY;
  const substitutions = { councilHost: councilHost.url };
  let endpoints = resolveCouncilEndpoints(registryConfig, data.councils.all(), substitutions, registryPath);
  if (options.councilTimeoutMs) for (const [code, endpoint] of endpoints) endpoints.set(code, { ...endpoint, timeoutMs: options.councilTimeoutMs });
  if (options.endpoints) endpoints = options.endpoints(endpoints);
  const registry = new LiveCouncilRegistry({ path: registryPath, councils: data.councils.all(), substitutions, endpoints, log: options.log });
  if (options.watchRegistry) registry.watch();
  const councilDirectory = councilDirectoryOf(data.councils.all());
  const gateway = await startGateway({
    supergraphSdl: supergraph.supergraphSdl,
    subgraphUrls: { directory: directory.graphqlUrl, calendar: calendar.graphqlUrl },
    councilEndpoints: endpoints,
    councilDirectory,
    port: options.port,
    host: options.host,
    // The gateway follows the council host's event stream, so a published disruption shows at once.
    events: { dbPath: options.eventsDb ?? join(mkdtempSync(join(tmpdir(), 'binfo-events-')), 'national-events.sqlite') },
    webhooks: { dbPath: options.nationalWebhooksDb ?? join(mkdtempSync(join(tmpdir(), 'binfo-national-webhooks-')), 'national-webhooks.sqlite') },
    ...options.gateway,
    logger: options.gateway?.logger ?? createLogger(options.logLevel ?? 'warn'),
  });
  return {
    gateway,
    directory,
    calendar,
    councilHost,
    disruptions: councilHostWithDisruptions.store,
    councilTokens: councilHostWithDisruptions.tokens,
    data,
    bankHolidays,
    endpoints,
    registry,
    close: async () => {
      registry.close();
      await slowCloseNamed('the council host configuration', () => hostConfig?.close());
      await slowCloseNamed('the gateway', () => gateway.close());
      await Promise.all([
        slowCloseNamed('the directory', () => directory.close()),
        slowCloseNamed('the calendar', () => calendar.close()),
        slowCloseNamed('the council host', () => councilHostWithDisruptions.close()),
      ]);
    },
  };
}

/** Runs one part's close, and says which part it is when it takes more than a few seconds (a hang on shutdown names itself). */
async function slowCloseNamed(part: string, close: () => Promise<unknown> | undefined): Promise<void> {
  const warning = setTimeout(() => console.warn(`Binfo: closing ${part} is taking more than 5 seconds.`), 5_000);
  warning.unref();
  try {
    await close();
  } finally {
    clearTimeout(warning);
  }
}

async function startCouncilHostPreferringPort(options: Parameters<typeof startCouncilHostWithDisruptions>[0], port: number | undefined) {
  if (!port) return startCouncilHostWithDisruptions(options);
  try {
    return await startCouncilHostWithDisruptions({ ...options, port });
  } catch (error) {
    if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
    console.warn(`Port ${port} is in use: the council host takes a free port instead (see the URL below).`);
    return startCouncilHostWithDisruptions(options);
  }
}
