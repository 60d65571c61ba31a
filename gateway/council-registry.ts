// Which council is served at which URL, and where residents go when it fails.
// Read from councils.yaml: a default URL template for every waste-collecting council, plus per-council entries.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { councilFallbackUrl, GSS_CODE_PATTERN, type CouncilRecord } from '../contracts/council.js';

export interface CouncilEndpoint {
  code: string;
  name: string;
  url: string;
  /** The council's own bin-day page, else its homepage: shown when its service fails. */
  fallbackUrl: string;
  timeoutMs: number;
  /**
   * A host serving this council together with others, which takes one request for all of them (the
   * registry's `hostUrl`). It applies only while the council is still at `councilUrl`: a council moved to
   * an endpoint of its own is asked there, alone.
   */
  sharedHost?: { batchUrl: string; councilUrl: string };
  /**
   * The council's live stream of disruption events (text/event-stream), which the gateway follows to drop its
   * cached answers at once (gateway/events/). Given by the registry's `eventsUrl`; for a council at its
   * shared host, the host's `/events` next to `hostUrl`. Absent: no stream, cached answers expire as usual.
   */
  eventsUrl?: string;
}

const GSS_CODE = z.string().regex(GSS_CODE_PATTERN, 'must be a GSS code such as E06000038');

const RegistryFile = z
  .object({
    defaults: z
      .object({
        /** `{code}` becomes the GSS code and `{councilHost}` the local council host's URL. */
        url: z.string().min(1).optional(),
        /** Where the host behind `url` takes one request for all its councils (`{councilHost}` as in `url`). */
        hostUrl: z.string().min(1).optional(),
        timeoutMs: z.number().int().min(50).max(60_000).default(2000),
      })
      .strict()
      .default({ timeoutMs: 2000 }),
    councils: z
      .array(
        z
          .object({
            code: GSS_CODE,
            url: z.string().url(),
            /** A supplier hosting several councils: where its host takes one request for all of them. */
            hostUrl: z.string().url().optional(),
            timeoutMs: z.number().int().min(50).max(60_000).optional(),
            fallbackUrl: z.string().url().optional(),
            /** The council's own event stream (text/event-stream of disruption events), if it has one. */
            eventsUrl: z.string().url().optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export type CouncilRegistryConfig = z.infer<typeof RegistryFile>;

export class CouncilRegistryError extends Error {}

/** Parses and validates a registry file; errors name the file and the entry. */
export function readCouncilRegistryConfig(path: string): CouncilRegistryConfig {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CouncilRegistryError(`${path}: ${(error as Error).message}`);
  }
  return validateCouncilRegistryConfig(raw ?? {}, path);
}

export function validateCouncilRegistryConfig(raw: unknown, source: string): CouncilRegistryConfig {
  const result = RegistryFile.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const where = issue.path.length ? issue.path.join('.') : '(top level)';
      const entry = issue.path[0] === 'councils' && typeof issue.path[1] === 'number' ? describeEntry(raw, issue.path[1]) : '';
      return `${source}: ${where}${entry}: ${issue.message}`;
    });
    throw new CouncilRegistryError(problems.join('\n'));
  }
  return result.data;
}

function describeEntry(raw: unknown, index: number): string {
  const entry = (raw as { councils?: Array<{ code?: unknown }> }).councils?.[index];
  return entry && typeof entry.code === 'string' ? ` (council ${entry.code})` : '';
}

/** Every waste-collecting council gets an endpoint: its own entry, else the default template. */
export function resolveCouncilEndpoints(
  config: CouncilRegistryConfig,
  councils: readonly CouncilRecord[],
  substitutions: Record<string, string>,
  source = 'council registry',
): Map<string, CouncilEndpoint> {
  const byCode = new Map(councils.map((c) => [c.code, c]));
  const endpoints = new Map<string, CouncilEndpoint>();
  const fill = (template: string, code: string) =>
    template.replace(/\{(\w+)\}/g, (whole, name: string) => (name === 'code' ? code : substitutions[name] ?? whole));
  for (const entry of config.councils) {
    const council = byCode.get(entry.code);
    if (!council) throw new CouncilRegistryError(`${source}: councils entry ${entry.code} is not a council in data/councils.json`);
    if (!council.collectsWaste) throw new CouncilRegistryError(`${source}: ${entry.code} (${council.name}) does not collect household waste`);
  }
  const explicit = new Map(config.councils.map((entry) => [entry.code, entry]));
  for (const council of councils) {
    if (!council.collectsWaste) continue;
    const entry = explicit.get(council.code);
    const template = entry?.url ?? config.defaults.url;
    if (!template) continue;
    const url = fill(template, council.code);
    if (/\{\w+\}/.test(url)) throw new CouncilRegistryError(`${source}: ${council.code}: URL ${url} has an unknown {placeholder}`);
    const hostTemplate = entry ? entry.hostUrl : config.defaults.hostUrl;
    const batchUrl = hostTemplate ? fill(hostTemplate, council.code) : undefined;
    if (batchUrl && /\{\w+\}/.test(batchUrl)) throw new CouncilRegistryError(`${source}: ${council.code}: host URL ${batchUrl} has an unknown {placeholder}`);
    endpoints.set(council.code, {
      code: council.code,
      name: council.name,
      url,
      fallbackUrl: entry?.fallbackUrl ?? councilFallbackUrl(council),
      timeoutMs: entry?.timeoutMs ?? config.defaults.timeoutMs,
      ...(batchUrl ? { sharedHost: { batchUrl, councilUrl: url } } : {}),
      ...eventsUrlOf(entry?.eventsUrl, batchUrl),
    });
  }
  return endpoints;
}

/**
 * A council's event stream: its own `eventsUrl`, else its shared host's, which a Binfo council host serves
 * next to the batch URL (`…/councils/graphql` -> `…/councils/events`).
 */
function eventsUrlOf(own: string | undefined, batchUrl: string | undefined): { eventsUrl?: string } {
  const eventsUrl = own ?? (batchUrl ? hostEventsUrl(batchUrl) : undefined);
  return eventsUrl ? { eventsUrl } : {};
}

/** A Binfo council host's stream of every council it serves, from its batch URL; undefined for another shape. */
export function hostEventsUrl(batchUrl: string): string | undefined {
  return /\/graphql\/?$/.test(batchUrl) ? batchUrl.replace(/\/graphql\/?$/, '/events') : undefined;
}

/** Name, fallback link and whether it collects waste, for every council: what an error about a council needs. */
export function councilDirectoryOf(
  councils: readonly CouncilRecord[],
): Map<string, { name: string; fallbackUrl: string; collectsWaste: boolean; nation: string; tier: string }> {
  return new Map(councils.map((c) => [c.code, { name: c.name, fallbackUrl: councilFallbackUrl(c), collectsWaste: c.collectsWaste, nation: c.nation, tier: c.tier }]));
}
