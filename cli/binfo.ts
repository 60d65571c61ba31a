// The binfo command: check a council's subgraph, compose the national graph, export the country as data.
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { readCouncilRegistryConfig, resolveCouncilEndpoints } from '../gateway/council-registry.js';
import { COMPOSED_SUPERGRAPH, DEFAULT_SUPERGRAPH_CONFIG, writeComposedSupergraph } from '../gateway/supergraph.js';
import { projectPath } from '../lib/project-path.js';
import { loadCouncilRegistry } from '../subgraphs/directory/council-registry.js';
import { PostcodeIndex } from '../subgraphs/directory/postcode-index.js';
import { httpPost } from './check/behaviour-probes.js';
import { checkCouncil, formatCheckReport } from './check/check-council.js';
import { addDays, daysBetween, isIsoDate, todayInLondon } from '../domain/dates.js';
import { exportCouncils, progressBar, type ExportFormat } from './export/export-councils.js';
import { gatewayClient, unreachableError } from './export/gateway-client.js';
import { postcodeSampler } from './export/postcode-sample.js';
import { exportSnapshot, snapshotProgress, SnapshotMismatchError } from './export/sqlite-snapshot.js';

/** Where `npm start` serves the national graph; both export formats ask it unless --url says otherwise. */
const DEFAULT_GRAPH_URL = 'http://localhost:4000/graphql';

const CHECK_USAGE = `Usage: binfo check <url> --council <GSS code> [--postcode <postcode>] [--json]

Check a council subgraph against the standard: its SDL (types, fields, keys, nullability, enums) and its
behaviour (entities in order and only for that council, asked for every other council in the registry;
Council, Property and Disruption entities; ids unique across the national graph; valid ISO dates, MOVED
collections with originalDate, unknown UPRNs as null). Exits 1 when it does not conform.

Options:
  --council <code>     the council the subgraph serves, a GSS code (required)
  --postcode <code>    a postcode the council collects from (default: one from the shipped ONS index)
  --json               print the findings as JSON instead of a report
  --help, -h           print this help

Example:
  binfo check http://127.0.0.1:4002/councils/E06000038/graphql --council E06000038
`;

const COMPOSE_USAGE = `Usage: binfo compose [--config supergraph.yaml] [--registry councils.yaml]

Validate supergraph.yaml and the council registry and write supergraph.graphql.

Options:
  --config <file>      the supergraph config (default: supergraph.yaml)
  --registry <file>    the council registry (default: councils.yaml)
  --help, -h           print this help

Example:
  binfo compose --config supergraph.yaml --registry councils.yaml
`;

const EXPORT_USAGE = `Usage: binfo export [--url http://localhost:4000/graphql] [--format csv|ndjson] [--out file]
       binfo export --format sqlite --out national.sqlite [--collections --from 2026-12-01 --to 2027-01-31]
                    [--postcodes-per-council 3] [--councils E06000038,E06000023] [--url ...]

csv or ndjson: one row per waste-collecting council (services, types, frequencies, subscriptions, data age),
streamed to stdout or --out, with a progress bar on a terminal.
sqlite: a research snapshot in one SQLite file: councils, services and, with --collections, sampled
properties and every collection in the range (status, original date, reason), plus a failures table naming
each council that could not answer and why. Progress on stderr. Interrupted (Ctrl-C), it keeps every council
finished; rerun the same command to continue. README "Research snapshot" has example SQL.

Options:
  --url <url>                   the national graph (default: http://localhost:4000/graphql; --gateway is the same)
  --format <csv|ndjson|sqlite>  the output format (default: csv)
  --out <file>                  write to this file (needed for sqlite; otherwise stdout)
  --collections                 sqlite only: sample properties and store their collections in the range
  --from <YYYY-MM-DD>           the collections' first day (default: today)
  --to <YYYY-MM-DD>             the collections' last day (default: 13 days after --from; at most 366 days)
  --postcodes-per-council <n>   postcodes asked per council, spread through its postcodes (default 3)
  --councils <codes>            only these councils, comma-separated GSS codes (default: all)
  --help, -h                    print this help

Examples:
  binfo export --format ndjson --out councils.ndjson
  binfo export --format sqlite --out national.sqlite --collections --from 2026-12-01 --to 2027-01-31
`;

const HELP = `binfo: tools for the Binfo national graph of UK bin collections

Usage:
  binfo check <url> --council <GSS code> [--postcode <postcode>] [--json]
      Check a council subgraph against the standard (SDL and behaviour). Exits 1 when it does not conform.

  binfo compose [--config supergraph.yaml] [--registry councils.yaml]
      Validate supergraph.yaml and the council registry and write supergraph.graphql.

  binfo export [--url http://localhost:4000/graphql] [--format csv|ndjson|sqlite] [--out file]
      One row per waste-collecting council, or (--format sqlite) a research snapshot with collections.

  binfo <command> --help   that command's options, one line each, with an example
  binfo --help
`;

/** Whether a subcommand was asked for its usage; checked before parsing, so --help works beside any other option. */
const wantsHelp = (args: string[]) => args.includes('--help') || args.includes('-h');

function usage(text: string): number {
  process.stdout.write(text);
  return 0;
}

function fail(message: string): never {
  console.error(`binfo: ${message}`);
  process.exit(2);
}

/** The first postcode in the shipped index that belongs to the council, to find properties to probe. */
function postcodeOf(councilCode: string): string | undefined {
  for (const [postcode, code] of PostcodeIndex.load().entries()) if (code === councilCode) return postcode;
  return undefined;
}

async function check(args: string[]): Promise<number> {
  if (wantsHelp(args)) return usage(CHECK_USAGE);
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { council: { type: 'string' }, postcode: { type: 'string' }, json: { type: 'boolean' } } });
  const url = positionals[0];
  if (!url) fail('check needs the URL of a council subgraph, e.g. binfo check http://127.0.0.1:4002/councils/E06000038/graphql --council E06000038');
  if (!values.council || !/^[A-Z]\d{8}$/.test(values.council)) fail('check needs --council <GSS code>, e.g. --council E06000038');
  const postcode = values.postcode ?? postcodeOf(values.council);
  // Every other real council: a subgraph serving several councils at one endpoint must still answer only for its own.
  const otherCouncils = loadCouncilRegistry().all().filter((c) => c.code !== values.council).map((c) => ({ code: c.code, name: c.name }));
  const result = await checkCouncil(httpPost(url), { url, councilCode: values.council, postcode, otherCouncils });
  console.log(values.json ? JSON.stringify(result, null, 2) : formatCheckReport(result));
  return result.ok ? 0 : 1;
}

async function compose(args: string[]): Promise<number> {
  if (wantsHelp(args)) return usage(COMPOSE_USAGE);
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, registry: { type: 'string' } } });
  const registryPath = values.registry ?? projectPath('councils.yaml');
  try {
    const registry = readCouncilRegistryConfig(registryPath);
    const endpoints = resolveCouncilEndpoints(registry, loadCouncilRegistry().all(), { councilHost: 'http://127.0.0.1:4002' }, registryPath);
    console.log(`${registryPath}: ${endpoints.size} council endpoints`);
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  const result = await writeComposedSupergraph(values.config ?? DEFAULT_SUPERGRAPH_CONFIG);
  if (result.errors) {
    for (const error of result.errors) console.error(error);
    return 1;
  }
  console.log(`Composed ${result.subgraphs.map((s) => s.name).join(', ')} into ${COMPOSED_SUPERGRAPH}`);
  return 0;
}

async function exportCommand(args: string[]): Promise<number> {
  if (wantsHelp(args)) return usage(EXPORT_USAGE);
  const { values } = parseArgs({
    args,
    options: {
      gateway: { type: 'string' },
      url: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      collections: { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
      'postcodes-per-council': { type: 'string' },
      councils: { type: 'string' },
    },
  });
  if (values.format === 'sqlite') return snapshotCommand(values);
  const format = (values.format ?? 'csv') as ExportFormat;
  if (format !== 'csv' && format !== 'ndjson') fail(`--format must be csv, ndjson or sqlite, not ${values.format}`);
  if (values.collections) fail('--collections needs --format sqlite (one row per collection does not fit a row per council)');
  const url = values.url ?? values.gateway ?? DEFAULT_GRAPH_URL;
  const out = values.out ? createWriteStream(values.out) : process.stdout;
  const post = httpPost(url, 60_000);
  const execute: typeof post = (query, variables) => post(query, variables).catch((error: unknown) => {
    throw unreachableError(url, error);
  });
  const result = await exportCouncils(execute, { format, out, onProgress: process.stderr.isTTY ? progressBar(process.stderr) : undefined });
  if (values.out) await new Promise<void>((resolve) => (out as ReturnType<typeof createWriteStream>).end(resolve));
  console.error(`Exported ${result.rows} councils${result.errors ? ` (${result.errors} could not answer; see the error column)` : ''}`);
  return 0;
}

async function snapshotCommand(values: Record<string, string | boolean | undefined>): Promise<number> {
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const out = text('out');
  if (!out) fail('--format sqlite needs --out <file>, e.g. --out national.sqlite');
  const url = text('url') ?? text('gateway') ?? DEFAULT_GRAPH_URL;
  const from = text('from') ?? todayInLondon(new Date());
  if (!isIsoDate(from)) fail(`--from must be a date written YYYY-MM-DD, not "${from}"`);
  const to = text('to') ?? addDays(from, 13);
  if (!isIsoDate(to)) fail(`--to must be a date written YYYY-MM-DD, not "${to}"`);
  if (daysBetween(from, to) < 0 || daysBetween(from, to) > 365) fail(`--from ${from} --to ${to}: the range must run forwards and span at most 366 days`);
  const perCouncil = Number(text('postcodes-per-council') ?? 3);
  if (!Number.isInteger(perCouncil) || perCouncil < 1 || perCouncil > 50) fail('--postcodes-per-council must be a whole number from 1 to 50');
  const councils = text('councils')?.split(',').map((code) => code.trim()).filter(Boolean);
  const stop = new AbortController();
  // The first Ctrl-C finishes the councils in flight and keeps them; a second one stops at once.
  process.once('SIGINT', () => {
    process.stderr.write('\nbinfo export: stopping after the councils in flight (Ctrl-C again to stop now)...\n');
    stop.abort();
  });
  try {
    const result = await exportSnapshot({
      execute: gatewayClient(url),
      out,
      councils,
      collections: values.collections ? { from, to, postcodesPerCouncil: perCouncil, postcodesOf: postcodeSampler(perCouncil) } : undefined,
      signal: stop.signal,
      onProgress: snapshotProgress(process.stderr),
    });
    const failed = result.failed ? `; ${result.failed} could not answer (see the failures table)` : '';
    const resumed = result.alreadyDone ? ` (${result.alreadyDone} already done by an earlier run)` : '';
    if (result.interrupted) {
      console.error(`binfo export: interrupted with ${result.alreadyDone + result.answered + result.failed} of ${result.total} councils written to ${out}; run the same command again to continue.`);
      return 130;
    }
    console.error(`binfo export: ${result.alreadyDone + result.answered} of ${result.total} councils answered${resumed}${failed}; written to ${out}`);
    return 0;
  } catch (error) {
    if (error instanceof SnapshotMismatchError) fail(error.message);
    throw error;
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check':
      return check(rest);
    case 'compose':
      return compose(rest);
    case 'export':
      return exportCommand(rest);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      console.log(HELP);
      return 0;
    default:
      console.error(`binfo: unknown command "${command}"\n\n${HELP}`);
      return 2;
  }
}

process.exitCode = await main(process.argv.slice(2)).catch((error) => {
  console.error(`binfo: ${(error as Error).message}`);
  return 1;
});
