// Every setting (PORT, BINFO_CACHE, LOG_LEVEL, ...) is declared, with its default, in config/config.ts;
// the environment is read and validated here, once, before anything starts.
// npm start                  -> the whole national graph (gateway on PORT, default 4000)
// npm start -- directory     -> only the directory subgraph (DIRECTORY_PORT, default 4001)
// npm start -- councils      -> only the council host with sample data (COUNCIL_HOST_PORT, default 4002)
// npm start -- calendar      -> only the calendar subgraph (CALENDAR_PORT, default 4003)
// npm start -- gateway       -> only the gateway, routing to DIRECTORY_URL, CALENDAR_URL and COUNCIL_HOST_URL
//                               (or to the councils proxy at BINFO_COUNCILS_URL); BINFO_WORKERS=2|auto uses
//                               that many processes (node:cluster), as `npm run start:production` does
// npm start -- councils-proxy -> only the councils proxy subgraph (COUNCILS_PROXY_PORT, default 4004), routing
//                               to the councils of councils.yaml (COUNCIL_HOST_URL); BINFO_WORKERS as above
import '../gateway/disable-telemetry.js';
import { ConfigError, loadConfig, unknownBinfoVariables, type Config } from '../config/config.js';
import { councilHostWebhooksFrom, councilsProxyOptionsFrom, gatewayOptionsFrom, workerCountFrom } from '../config/runtime-options.js';
import { isClusterWorker, reportWorkerReady, startCluster } from '../gateway/cluster/cluster.js';
import { councilDirectoryOf, readCouncilRegistryConfig, resolveCouncilEndpoints } from '../gateway/council-registry.js';
import { startCouncilsProxy } from '../gateway/councils-proxy/server.js';
import { ApiKeyStore } from '../gateway/limits/api-keys.js';
import { LiveCouncilRegistry } from '../gateway/live-council-registry.js';
import { createLogger } from '../gateway/observability/logger.js';
import { startGateway, type GatewayOptions } from '../gateway/server.js';
import { loadSupergraph } from '../gateway/supergraph.js';
import { loadShippedBankHolidays } from '../subgraphs/calendar/load-bank-holidays.js';
import { startCalendar } from '../subgraphs/calendar/server.js';
import { startCouncilHostWithDisruptions } from '../subgraphs/council/disruptions/run-council-host.js';
import { loadCouncilHostConfig } from '../subgraphs/council/host-config/index.js';
import { loadCouncilRegistry } from '../subgraphs/directory/council-registry.js';
import { PostcodeIndex } from '../subgraphs/directory/postcode-index.js';
import { startDirectory } from '../subgraphs/directory/server.js';
import { startLocalStack } from '../stack/local-stack.js';

const EXAMPLE_QUERY = `{
  postcode(code: "RG1 1AA") {
    postcode
    councils {
      code name
      properties(postcode: "RG1 1AA") {
        uprn address { singleLine }
        nextCollections { date status originalDate changeReason service { name type } }
      }
    }
  }
}`;

const config = readConfig();
const host = config.host;
const mode = process.argv[2] ?? 'all';
const closers: Array<() => Promise<void>> = [];
// process.uptime counts from the process start, so module loading is included in the figure.
const ms = () => `${Math.round(process.uptime() * 1000)} ms`;

async function main(): Promise<void> {
  switch (mode) {
    case 'all': {
      const stack = await startLocalStack({
        port: config.port,
        host,
        watchRegistry: true,
        councilRegistryPath: config.councilRegistry,
        disruptionsDb: config.disruptionsDb,
        councilHostConfig: config.councilHostConfig,
        councilHostEnv: process.env,
        councilHostPort: config.councilHostPort,
        councilHostWebhooks: councilHostWebhooksFrom(config),
        gateway: { ...gatewayOptionsFrom(config, createLogger(config.logLevel)), ...edgeOptions() },
      });
      closers.push(stack.close);
      console.log(`Binfo national graph ready in ${ms()}: ${stack.gateway.graphqlUrl}`);
      console.log(`  ${stack.endpoints.size} councils (embedded SAMPLE schedules, labelled as such), ${stack.data.postcodes.size.toLocaleString('en-GB')} postcodes`);
      console.log(`  directory ${stack.directory.graphqlUrl}, council host ${stack.councilHost.url}/councils/<GSS code>/graphql`);
      console.log(`  disruptions API ${stack.councilHost.url}/councils/<GSS code>/disruptions (database ${config.disruptionsDb})`);
      console.log(`  council console ${stack.councilHost.url}/console/ (accounts: npm run console-account -- --help)`);
      console.log(`  live stream of disruption events ${stack.gateway.url}/events (log ${config.eventsDb})`);
      console.log(`\nTry:\n  curl -s ${stack.gateway.graphqlUrl} -H 'content-type: application/json' \\\n    -d '${JSON.stringify({ query: EXAMPLE_QUERY.replace(/\s+/g, ' ') })}'`);
      break;
    }
    case 'directory': {
      const directory = await startDirectory({ port: config.directoryPort, host });
      closers.push(directory.close);
      console.log(`Directory subgraph ready in ${ms()}: ${directory.graphqlUrl}`);
      break;
    }
    case 'calendar': {
      const calendar = await startCalendar({ port: config.calendarPort, host });
      closers.push(calendar.close);
      console.log(`Calendar subgraph ready in ${ms()}: ${calendar.graphqlUrl}`);
      break;
    }
    case 'councils': {
      const councils = loadCouncilRegistry();
      const postcodes = PostcodeIndex.load();
      const bankHolidays = loadShippedBankHolidays();
      const hostConfig = await loadCouncilHostConfig(config.councilHostConfig, { councils: councils.all(), postcodes, bankHolidays, env: process.env });
      for (const problem of [...hostConfig.errors, ...hostConfig.warnings]) console.warn(problem);
      const sources = hostConfig.sources;
      const { host: councilHost, close } = await startCouncilHostWithDisruptions({
        sources,
        port: config.councilHostPort,
        dbPath: config.disruptionsDb,
        console: { councilName: (code) => councils.get(code)?.name },
        webhooks: councilHostWebhooksFrom(config),
      });
      closers.push(close, hostConfig.close);
      console.log(`Council host ready in ${ms()}: ${sources.length} councils at ${councilHost.url}/councils/<GSS code>/graphql`);
      break;
    }
    case 'gateway': {
      if (await startedAsClusterPrimary('Gateway')) break;
      const composed = await loadSupergraph();
      const { councils, endpoints, registry } = liveCouncilRegistry();
      const gateway = await startGateway({
        supergraphSdl: composed.supergraphSdl,
        subgraphUrls: { directory: config.directoryUrl, calendar: config.calendarUrl },
        councilEndpoints: endpoints,
        councilDirectory: councilDirectoryOf(councils.all()),
        port: config.port,
        host,
        ...gatewayOptionsFrom(config, createLogger(config.logLevel)),
        ...edgeOptions(),
      });
      closers.push(async () => registry.close(), gateway.close);
      if (isClusterWorker()) reportWorkerReady(gateway.graphqlUrl);
      else console.log(`Gateway ready in ${ms()}: ${gateway.graphqlUrl}${config.councilsUrl ? ` (councils through ${config.councilsUrl})` : ''}`);
      break;
    }
    case 'councils-proxy': {
      if (await startedAsClusterPrimary('Councils proxy')) break;
      const { councils, endpoints, registry } = liveCouncilRegistry();
      const proxy = await startCouncilsProxy({
        councilEndpoints: endpoints,
        councilDirectory: councilDirectoryOf(councils.all()),
        port: config.councilsProxyPort,
        host,
        ...councilsProxyOptionsFrom(config, createLogger(config.logLevel)),
        // GET /metrics to operators only: with the token (METRICS_PORT is the gateway's).
        metrics: { bearerToken: config.metricsToken },
      });
      closers.push(async () => registry.close(), proxy.close);
      if (isClusterWorker()) reportWorkerReady(proxy.graphqlUrl);
      else console.log(`Councils proxy ready in ${ms()}: ${proxy.graphqlUrl} (${endpoints.size} councils)`);
      break;
    }
    default:
      console.error(`Unknown part "${mode}". Use one of: all, directory, calendar, councils, gateway, councils-proxy.`);
      process.exit(2);
  }
}

/** The issued API keys (BINFO_API_KEYS_DB), opened for this process's gateway. */
function edgeOptions(): Partial<GatewayOptions> {
  const apiKeys = ApiKeyStore.open(config.apiKeysDb);
  closers.push(async () => apiKeys.close());
  return { apiKeys };
}

/** councils.yaml (BINFO_COUNCIL_REGISTRY), with ${councilHost} from COUNCIL_HOST_URL, re-read when it changes. */
function liveCouncilRegistry() {
  const councils = loadCouncilRegistry();
  const substitutions = { councilHost: config.councilHostUrl };
  const endpoints = resolveCouncilEndpoints(readCouncilRegistryConfig(config.councilRegistry), councils.all(), substitutions, config.councilRegistry);
  const registry = new LiveCouncilRegistry({ path: config.councilRegistry, councils: councils.all(), substitutions, endpoints });
  registry.watch();
  return { councils, endpoints, registry };
}

/** With BINFO_WORKERS above 1, this process supervises that many workers (each runs this part) and is done. */
async function startedAsClusterPrimary(name: string): Promise<boolean> {
  const workers = workerCountFrom(config);
  if (workers <= 1 || isClusterWorker()) return false;
  const running = await startCluster({ workers, name: name.toLowerCase() });
  closers.push(running.close);
  console.log(`${name} ready in ${ms()}: ${running.url} (${workers} worker processes)`);
  return true;
}

/** The validated configuration; a bad setting stops the start with every problem named (exit code 2). */
function readConfig(): Config {
  try {
    const loaded = loadConfig(process.env);
    for (const name of unknownBinfoVariables(process.env)) console.warn(`${name} is set but is not a Binfo setting (see config/config.ts); it is ignored.`);
    return loaded;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}

async function shutdown(): Promise<void> {
  await Promise.allSettled(closers.map((close) => close()));
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

main().catch((error) => {
  console.error(`Binfo failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
