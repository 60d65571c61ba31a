// Reads the host configuration: which councils this host serves, each with its adapter and options.
//
// Failure is contained, never fatal:
// - A council whose entry is invalid, or whose data cannot be read (a malformed ICS or CSV, an
//   unreachable URL), is reported in `errors` (file, line, field) and is NOT served: the gateway then
//   answers COUNCIL_UNAVAILABLE for it, with the council's own website as the fallback. Serving the
//   sample instead would put invented bin days where the council has said it publishes real ones.
// - A file that cannot be read or parsed at all names no councils, so the host serves exactly what it
//   would with no configuration: the labelled sample source for every waste-collecting council.
// Either way the other councils keep answering.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import type { BankHolidayCalendar } from '../../../domain/bank-holidays/calendar.js';
import type { CouncilRecord } from '../../../contracts/council.js';
import type { RefreshingSource } from '../adapters/refresh/refreshing-source.js';
import type { Registry } from 'prom-client';
import { problemLines } from '../adapters/shared/data-problem.js';
import { FeedWarningReporter } from '../adapters/shared/feed-warnings.js';
import type { CouncilDataSource } from '../data-source.js';
import { SampleCouncilSource, type PostcodeCouncilLookup } from '../sample/sample-source.js';
import { ADAPTERS, councilSchemas, hostConfigSchema, type CouncilConfig } from './config-schema.js';
import { configuredCouncil } from './council-source.js';
import { parseYamlFile, type FieldPath, type YamlFile } from './yaml-file.js';

export interface HostConfigContext {
  councils: readonly CouncilRecord[];
  postcodes: PostcodeCouncilLookup;
  bankHolidays: BankHolidayCalendar;
  log?: (entry: Record<string, unknown>) => void;
  /** Where the feed-warning counter is registered, for a host's /metrics; a new registry when absent. */
  metrics?: Registry;
  /** For ${NAME} in base URLs and header values (secrets): the start-up code passes the environment; none when absent. */
  env?: Record<string, string | undefined>;
}

export interface HostConfigResult {
  sources: CouncilDataSource[];
  /** One line per problem, each naming the file and line (and the council and field, or the data file). */
  errors: string[];
  /** Data read on an assumption or left out; the councils concerned are served. */
  warnings: string[];
  /** Logs and counts feed warnings; its `registry` holds binfo_council_feed_warnings_total. */
  feedWarnings: FeedWarningReporter;
  /** Stops every refresh timer. */
  close(): Promise<void>;
}

export async function loadCouncilHostConfig(path: string, context: HostConfigContext): Promise<HostConfigResult> {
  const file = resolve(path);
  const log = context.log ?? (() => {});
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return samplesOnly(context, [`${file}: cannot be read: ${(error as Error).message}`]);
  }
  const parsed = parseYamlFile(text, file);
  if (!parsed.ok) return samplesOnly(context, parsed.errors);
  const outline = hostConfigSchema.safeParse(parsed.file.value ?? {});
  if (!outline.success) return samplesOnly(context, outline.error.issues.map((issue) => located(parsed.file, [], issue)));

  const errors: string[] = [];
  const warnings: string[] = [];
  const registry = new Map(context.councils.map((council) => [council.code, council]));
  const configured = new Set<string>();
  const entries: Array<{ config: CouncilConfig; index: number; council: CouncilRecord }> = [];
  (outline.data.councils ?? []).forEach((entry, index) => {
    const checked = checkCouncil(parsed.file, entry, index, registry, configured, context.env ?? {});
    if (typeof (entry as { code?: unknown })?.code === 'string') configured.add((entry as { code: string }).code);
    if ('errors' in checked) errors.push(...checked.errors);
    else entries.push({ ...checked, index });
  });

  const feedWarnings = new FeedWarningReporter({ registry: context.metrics, log });
  const defaults = { refreshEveryMinutes: outline.data.defaults.refresh?.everyMinutes, timeoutMs: outline.data.defaults.timeoutMs };
  const started = await Promise.all(
    entries.map(async ({ config, index, council }) => {
      const built = configuredCouncil(config, { configDir: dirname(file), council, bankHolidays: context.bankHolidays, defaults, log, feedWarnings });
      const prefix = `${file}:${parsed.file.lineOf(['councils', index])}: council ${config.code} (${config.adapter})`;
      try {
        await built.source.refresh();
        return { source: built.source, warnings: built.lastWarnings().map((w) => `${prefix}: ${w}`) };
      } catch (error) {
        await built.source.close();
        return { errors: problemLines(error).map((line) => `${prefix}: not served: ${line}`) };
      }
    }),
  );
  const sources: RefreshingSource[] = [];
  for (const result of started) {
    if ('errors' in result) errors.push(...(result.errors ?? []));
    else {
      sources.push(result.source);
      warnings.push(...result.warnings);
    }
  }
  for (const error of errors) log({ level: 'error', msg: 'council host configuration', error });

  const samples = outline.data.defaults.sample ? sampleSources(context, configured) : [];
  return {
    sources: [...sources, ...samples],
    errors,
    warnings,
    feedWarnings,
    close: async () => {
      await Promise.all(sources.map((source) => source.close()));
    },
  };
}

type Checked = { config: CouncilConfig; council: CouncilRecord } | { errors: string[] };

function checkCouncil(
  file: YamlFile,
  entry: unknown,
  index: number,
  registry: Map<string, CouncilRecord>,
  configured: Set<string>,
  env: Record<string, string | undefined>,
): Checked {
  const at: FieldPath = ['councils', index];
  const raw = (entry ?? {}) as Record<string, unknown>;
  const name = typeof raw.code === 'string' ? raw.code : `#${index + 1}`;
  const fail = (field: FieldPath, message: string): Checked => ({ errors: [formatError(file, at, name, field, message)] });
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return fail([], 'must be a mapping with code, adapter and its options');
  const adapter = raw.adapter;
  if (typeof adapter !== 'string' || !(ADAPTERS as readonly string[]).includes(adapter)) {
    return fail(['adapter'], `must be one of ${ADAPTERS.join(', ')}, got ${JSON.stringify(adapter)}`);
  }
  const result = councilSchemas[adapter as keyof typeof councilSchemas].safeParse(entry);
  if (!result.success) return { errors: result.error.issues.map((issue) => located(file, at, issue, name)) };
  const config = result.data as CouncilConfig;
  const council = registry.get(config.code);
  if (!council) return fail(['code'], `${config.code} is not a current UK council in the registry`);
  if (!council.collectsWaste) return fail(['code'], `${config.code} (${council.name}) does not collect household waste`);
  if (configured.has(config.code)) return fail(['code'], `${config.code} is configured twice`);
  if (config.adapter === 'echo') {
    // Secrets and per-environment URLs stay out of the file: "${NAME}" is read from the environment.
    const baseUrl = fillFromEnvironment(config.baseUrl, env);
    if ('missing' in baseUrl) return fail(['baseUrl'], `names environment variable ${baseUrl.missing.join(', ')}, which is not set`);
    if (!/^https?:\/\/[^/\s]+/i.test(baseUrl.value) || !URL.canParse(baseUrl.value)) return fail(['baseUrl'], `must be an http(s) URL, got ${JSON.stringify(baseUrl.value)}`);
    config.baseUrl = baseUrl.value;
    for (const [header, value] of Object.entries(config.headers ?? {})) {
      const filled = fillFromEnvironment(value, env);
      if ('missing' in filled) return fail(['headers', header], `names environment variable ${filled.missing.join(', ')}, which is not set`);
      config.headers![header] = filled.value;
    }
  }
  return { config, council };
}

function fillFromEnvironment(text: string, env: Record<string, string | undefined>): { value: string } | { missing: string[] } {
  const pattern = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
  const missing = [...text.matchAll(pattern)].map((m) => m[1]).filter((name) => env[name] === undefined);
  return missing.length > 0 ? { missing } : { value: text.replace(pattern, (_, name: string) => env[name] ?? '') };
}

function located(file: YamlFile, at: FieldPath, issue: z.core.$ZodIssue, council?: string): string {
  let field: FieldPath = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    field = [...field, issue.keys[0]];
  } else if (issue.code === 'invalid_type' && issue.input === undefined) {
    message = `is required (${issue.expected})`;
  } else if (issue.code === 'invalid_union' && field.at(-1) === 'rounds') {
    message = 'must be { csv: <file> } or { byPostcode: { <postcode>: <round(s)> }, addresses: <file> (optional) }';
  }
  return council === undefined ? `${file.path}:${file.lineOf(field)}: ${describeField(field)}${message}` : formatError(file, at, council, field, message);
}

function formatError(file: YamlFile, at: FieldPath, council: string, field: FieldPath, message: string): string {
  return `${file.path}:${file.lineOf([...at, ...field])}: council ${council}: ${describeField(field)}${message}`;
}

/** calendars[0].url, as a person reads it. */
function describeField(field: FieldPath): string {
  if (field.length === 0) return '';
  const text = field.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
  return `${text}: `;
}

function samplesOnly(context: HostConfigContext, errors: string[]): HostConfigResult {
  for (const error of errors) context.log?.({ level: 'error', msg: 'council host configuration unreadable; serving sample data only', error });
  return { sources: sampleSources(context, new Set()), errors, warnings: [], feedWarnings: new FeedWarningReporter({ registry: context.metrics }), close: async () => {} };
}

function sampleSources(context: HostConfigContext, configured: ReadonlySet<string>): CouncilDataSource[] {
  return context.councils
    .filter((council) => council.collectsWaste && !configured.has(council.code))
    .map((council) => new SampleCouncilSource(council, context.postcodes, context.bankHolidays));
}
