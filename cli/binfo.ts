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
import { exportCouncils, progressBar, type ExportFormat } from './export/export-councils.js';

const HELP = `binfo: tools for the Binfo national graph of UK bin collections

Usage:
  binfo check <url> --council <GSS code> [--postcode <postcode>] [--json]
      Check a council subgraph against the standard: its SDL (types, fields, keys, nullability, enums)
      and its behaviour (entities in order and only for that council, asked for every other council in the
      registry; Council, Property and Disruption entities; ids unique across the national graph; valid ISO
      dates, MOVED collections with originalDate, unknown UPRNs as null). Exits 1 when it does not conform.
      --postcode  a postcode the council collects from (default: one from the shipped ONS index)

  binfo compose [--config supergraph.yaml] [--registry councils.yaml]
      Validate supergraph.yaml and the council registry and write supergraph.graphql.

  binfo export [--gateway http://127.0.0.1:4000/graphql] [--format csv|ndjson] [--out file]
      One row per waste-collecting council (services, types, frequencies, subscriptions, data age),
      streamed to stdout or --out, with a progress bar on a terminal.

  binfo --help
`;

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
  const { values } = parseArgs({ args, options: { gateway: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } } });
  const format = (values.format ?? 'csv') as ExportFormat;
  if (format !== 'csv' && format !== 'ndjson') fail(`--format must be csv or ndjson, not ${values.format}`);
  const url = values.gateway ?? 'http://127.0.0.1:4000/graphql';
  const out = values.out ? createWriteStream(values.out) : process.stdout;
  const result = await exportCouncils(httpPost(url, 60_000), { format, out, onProgress: process.stderr.isTTY ? progressBar(process.stderr) : undefined });
  if (values.out) await new Promise<void>((resolve) => (out as ReturnType<typeof createWriteStream>).end(resolve));
  console.error(`Exported ${result.rows} councils${result.errors ? ` (${result.errors} could not answer; see the error column)` : ''}`);
  return 0;
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
