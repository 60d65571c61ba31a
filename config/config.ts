// Binfo's settings, each declared once: what it is for, its format, its default and its environment
// variable (after DEFRA's cdp-node-backend-template config.js and hmpps-template-typescript's config.ts).
// The environment is read once, at start, by scripts/ (`loadConfig(process.env)`), and validated whole:
// every bad variable is named in one error, so a deployment fails at start and not on the first request.
// Values then travel down as plain options (config/runtime-options.ts); no library module reads the
// environment (test/architecture keeps it so).
//
// An empty variable counts as unset (`PORT= npm start` is the default port), as shells and container
// platforms often pass empty values for "not configured".
import { resolve } from 'node:path';
import { z } from 'zod';
import { projectPath } from '../lib/project-path.js';

export interface SettingDeclaration<T> {
  /** The environment variable that sets it. */
  env: string;
  /** What it is for, for a person configuring Binfo. */
  doc: string;
  /** The accepted values, in words; repeated in the error when a value is not one of them. */
  format: string;
  /** Used when the variable is unset or empty; `undefined` means "off" or "not used". */
  default: T;
  /** Turns the variable's text into the value, or fails with why not. */
  parse: z.ZodType<T, string>;
}

function setting<T>(declaration: SettingDeclaration<T>): SettingDeclaration<T> {
  return declaration;
}

const port = z.string().regex(/^\d+$/, 'not a whole number').transform(Number).pipe(z.number().max(65_535, 'above 65535'));
const text = z.string();
const httpUrl = z.url({ protocol: /^https?$/, error: 'not an http(s) URL' });
const filePath = z.string().transform((value) => resolve(value));
/** `*`, or origins (scheme, host and port, no path) separated by commas. */
const corsOrigins = z.string().transform((value, context): '*' | string[] => {
  if (value === '*') return '*';
  const origins = value.split(',').map((origin) => origin.trim()).filter(Boolean);
  const bad = origins.filter((origin) => !/^https?:\/\/[^/\s?#]+$/.test(origin));
  if (origins.length === 0 || bad.length > 0) context.addIssue({ code: 'custom', message: bad.length ? `${bad.map((o) => JSON.stringify(o)).join(', ')} ${bad.length === 1 ? 'is not an origin' : 'are not origins'}` : 'no origin given' });
  return origins;
});
const wholeNumber = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'not a whole number').transform(Number).pipe(z.number().min(min, `below ${min}`).max(max, `above ${max}`));

/** Every Binfo setting. Add a new one here, then pass it down from config/runtime-options.ts. */
export const SETTINGS = {
  host: setting<string>({
    env: 'HOST',
    doc: 'Address every server listens on.',
    format: 'an IP address or host name',
    default: '127.0.0.1',
    parse: text,
  }),
  port: setting<number>({
    env: 'PORT',
    doc: 'Port of the gateway (npm start, and `npm start -- gateway`); 0 takes a free one.',
    format: 'a port number, 0 to 65535',
    default: 4000,
    parse: port,
  }),
  directoryPort: setting<number>({
    env: 'DIRECTORY_PORT',
    doc: 'Port of `npm start -- directory`.',
    format: 'a port number, 0 to 65535',
    default: 4001,
    parse: port,
  }),
  councilHostPort: setting<number>({
    env: 'COUNCIL_HOST_PORT',
    doc: 'Port of the council host (its disruptions API is documented at 4002); npm start takes a free one if it is in use.',
    format: 'a port number, 0 to 65535',
    default: 4002,
    parse: port,
  }),
  calendarPort: setting<number>({
    env: 'CALENDAR_PORT',
    doc: 'Port of `npm start -- calendar`.',
    format: 'a port number, 0 to 65535',
    default: 4003,
    parse: port,
  }),
  councilsProxyPort: setting<number>({
    env: 'COUNCILS_PROXY_PORT',
    doc: 'Port of `npm start -- councils-proxy`.',
    format: 'a port number, 0 to 65535',
    default: 4004,
    parse: port,
  }),
  directoryUrl: setting<string>({
    env: 'DIRECTORY_URL',
    doc: 'The directory subgraph, for `npm start -- gateway`.',
    format: 'an http(s) URL',
    default: 'http://127.0.0.1:4001/graphql',
    parse: httpUrl,
  }),
  calendarUrl: setting<string>({
    env: 'CALENDAR_URL',
    doc: 'The calendar subgraph, for `npm start -- gateway`.',
    format: 'an http(s) URL',
    default: 'http://127.0.0.1:4003/graphql',
    parse: httpUrl,
  }),
  councilHostUrl: setting<string>({
    env: 'COUNCIL_HOST_URL',
    doc: 'The council host, put for ${councilHost} in councils.yaml by `npm start -- gateway` and `-- councils-proxy`.',
    format: 'an http(s) URL',
    default: 'http://127.0.0.1:4002',
    parse: httpUrl,
  }),
  councilsUrl: setting<string | undefined>({
    env: 'BINFO_COUNCILS_URL',
    doc: 'A councils proxy (`npm start -- councils-proxy`) to route council fields through, instead of the router inside the gateway.',
    format: 'an http(s) URL',
    default: undefined,
    parse: httpUrl,
  }),
  councilRegistry: setting<string>({
    env: 'BINFO_COUNCIL_REGISTRY',
    doc: 'The council registry file: which council is served at which URL.',
    format: 'a file path',
    default: projectPath('councils.yaml'),
    parse: filePath,
  }),
  councilHostConfig: setting<string>({
    env: 'BINFO_COUNCIL_HOST_CONFIG',
    doc: "The council host's adapters per council (npm start).",
    format: 'a file path',
    default: projectPath('council-host.yaml'),
    parse: filePath,
  }),
  disruptionsDb: setting<string>({
    env: 'BINFO_DISRUPTIONS_DB',
    doc: 'The SQLite file of disruptions councils post (npm start, npm run council-token).',
    format: 'a file path',
    default: projectPath('var', 'disruptions.sqlite'),
    parse: filePath,
  }),
  eventsDb: setting<string>({
    env: 'BINFO_EVENTS_DB',
    doc: "The gateway's SQLite log of every council's disruption events: GET /events replays it, and a restarted gateway resumes each council stream from it.",
    format: 'a file path',
    default: projectPath('var', 'national-events.sqlite'),
    parse: filePath,
  }),
  webhooksDb: setting<string>({
    env: 'BINFO_WEBHOOKS_DB',
    doc: "The gateway's national webhook subscriptions, their queued deliveries and delivery log (POST /webhooks, npm run webhook -- --national).",
    format: 'a file path',
    default: projectPath('var', 'national-webhooks.sqlite'),
    parse: filePath,
  }),
  webhookTargets: setting<'any' | 'public'>({
    env: 'BINFO_WEBHOOK_TARGETS',
    doc: "Where webhooks (the council host's and the gateway's) may be sent: `any` address (development: a receiver on 127.0.0.1), or `public` internet addresses only, refusing loopback, private networks and cloud metadata after DNS (npm run start:production sets it).",
    format: '"any" or "public"',
    default: 'any',
    parse: z.enum(['any', 'public'], 'neither "any" nor "public"'),
  }),
  cache: setting<'on' | 'off'>({
    env: 'BINFO_CACHE',
    doc: '`off` turns the entity cache and the response cache off (to measure the cold path, or to debug freshness).',
    format: '"on" or "off"',
    default: 'on',
    parse: z.enum(['on', 'off'], 'neither "on" nor "off"'),
  }),
  redisUrl: setting<string | undefined>({
    env: 'BINFO_REDIS_URL',
    doc: 'Keep the entity cache in Redis, shared by every gateway and councils proxy process; in memory when unset.',
    format: 'a redis:// or rediss:// URL',
    default: undefined,
    parse: z.url({ protocol: /^rediss?$/, error: 'not a redis:// URL' }),
  }),
  responseCacheTtlSeconds: setting<number>({
    env: 'BINFO_RESPONSE_CACHE_TTL',
    doc: 'Longest the response cache reuses an answer for anonymous clients, in seconds.',
    format: 'a number above 0 and at most 10',
    default: 5,
    parse: z.string().transform(Number).pipe(z.number('not a number').gt(0, 'not above 0').max(10, 'above 10')),
  }),
  queryPlanCacheMiB: setting<number>({
    env: 'BINFO_QUERY_PLAN_CACHE_MIB',
    doc: 'Memory for query plans, in MiB (gateway/server.ts explains the default).',
    format: 'a whole number from 1 to 4096',
    default: 16,
    parse: wholeNumber(1, 4096),
  }),
  workers: setting<number | 'auto'>({
    env: 'BINFO_WORKERS',
    doc: 'Processes serving the gateway or the councils proxy (node:cluster); `auto` is one per core. npm run start:production sets auto.',
    format: 'a whole number from 1 to 256, or "auto"',
    default: 1,
    parse: z.union([z.enum(['auto']), z.literal('max').transform(() => 'auto' as const), wholeNumber(1, 256)], 'neither a whole number from 1 to 256 nor "auto"'),
  }),
  logLevel: setting<'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'>({
    env: 'LOG_LEVEL',
    doc: 'Least severe log line written (JSON lines on stdout).',
    format: 'fatal, error, warn, info, debug, trace or silent',
    default: 'info',
    parse: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'not a log level'),
  }),
  apiKeysDb: setting<string>({
    env: 'BINFO_API_KEYS_DB',
    doc: 'The SQLite file of issued API keys (npm start, npm run api-key): a verified key gets its own rate-limit bucket.',
    format: 'a file path',
    default: projectPath('var', 'api-keys.sqlite'),
    parse: filePath,
  }),
  metricsToken: setting<string | undefined>({
    env: 'BINFO_METRICS_TOKEN',
    doc: 'Serve GET /metrics on the public port to `Authorization: Bearer <token>`; without it (or METRICS_PORT) /metrics answers 404.',
    format: 'a secret of at least 16 characters',
    default: undefined,
    parse: z.string().min(16, 'shorter than 16 characters'),
  }),
  metricsPort: setting<number | undefined>({
    env: 'METRICS_PORT',
    doc: 'Serve GET /metrics on a listener of its own, on 127.0.0.1 at this port, for operators only.',
    format: 'a port number, 0 to 65535',
    default: undefined,
    parse: port,
  }),
  trustProxy: setting<boolean>({
    env: 'BINFO_TRUST_PROXY',
    doc: 'Behind a reverse proxy on the same machine: `true` buckets rate limits by the X-Forwarded-For address the proxy sets (otherwise every client comes from the proxy, which is exempt as loopback). Never set it without such a proxy: clients could then name any address.',
    format: '"true" or "false"',
    default: false,
    parse: z.enum(['true', 'false'], 'neither "true" nor "false"').transform((value) => value === 'true'),
  }),
  corsOrigins: setting<'*' | string[]>({
    env: 'BINFO_CORS_ORIGINS',
    doc: 'Sites whose pages may call /graphql from a browser: `*` (any: an anonymous read-only graph) or a comma-separated list.',
    format: '"*" or origins such as https://www.reading.gov.uk, separated by commas',
    default: '*',
    parse: corsOrigins,
  }),
  nodeEnv: setting<string>({
    env: 'NODE_ENV',
    doc: '`production` turns GraphQL introspection off and keeps suggestions and internal names out of error answers.',
    format: 'any text; only "production" changes anything',
    default: 'development',
    parse: text,
  }),
} as const;

type Settings = typeof SETTINGS;
export type Config = { readonly [K in keyof Settings]: Settings[K]['default'] };

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Binfo's configuration has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates every setting at once; throws a ConfigError naming each bad variable, its value and the format it needs. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, declaration] of Object.entries(SETTINGS) as Array<[keyof Settings, SettingDeclaration<unknown>]>) {
    const raw = env[declaration.env];
    if (raw === undefined || raw === '') {
      config[key] = declaration.default;
      continue;
    }
    const parsed = declaration.parse.safeParse(raw.trim());
    if (parsed.success) config[key] = parsed.data;
    else problems.push(`${declaration.env} is ${JSON.stringify(raw)}: ${parsed.error.issues[0]?.message ?? 'not valid'}. Use ${declaration.format}.`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config) as Config;
}

/**
 * BINFO_ variables that are not settings: most likely a typo (BINFO_CAHCE=off) that would otherwise be
 * silently ignored. Warned about rather than refused, so an older or newer deployment still starts.
 */
export function unknownBinfoVariables(env: Readonly<Record<string, string | undefined>>): string[] {
  const known = new Set<string>([...Object.values(SETTINGS).map((s) => s.env), ...OTHER_BINFO_VARIABLES]);
  return Object.keys(env).filter((name) => name.startsWith('BINFO_') && !known.has(name)).sort();
}

/** BINFO_ variables read elsewhere on purpose: the disruption CLI's own (scripts/disruption.ts), the cluster's mark on its workers. */
const OTHER_BINFO_VARIABLES = ['BINFO_TOKEN', 'BINFO_COUNCIL_HOST', 'BINFO_WORKER'];
