// Composes supergraph.yaml (Rover's format) with @apollo/composition, since Rover cannot be installed here.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PROJECT_ROOT } from '../lib/project-path.js';
import { parse } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export const DEFAULT_SUPERGRAPH_CONFIG = resolve(PROJECT_ROOT, 'supergraph.yaml');
/** The composed supergraph, committed (as Rover users commit theirs) so the gateway starts without composing. */
export const COMPOSED_SUPERGRAPH = resolve(PROJECT_ROOT, 'supergraph.graphql');

const SupergraphConfig = z.object({
  federation_version: z.string().optional(),
  subgraphs: z.record(
    z.string(),
    z.object({
      routing_url: z.string().min(1),
      schema: z.object({ file: z.string().min(1) }),
    }),
  ),
});

export interface SubgraphDefinition {
  name: string;
  url: string;
  file: string;
}

export type ComposeResult =
  | { supergraphSdl: string; subgraphs: SubgraphDefinition[]; errors?: undefined }
  | { errors: string[]; supergraphSdl?: undefined };

/** Reads and composes; every error names the config file and, where it can, the subgraph entry. */
export async function composeSupergraph(configPath = DEFAULT_SUPERGRAPH_CONFIG): Promise<ComposeResult> {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(configPath, 'utf8'));
  } catch (error) {
    return { errors: [`${configPath}: ${(error as Error).message}`] };
  }
  const config = SupergraphConfig.safeParse(raw);
  if (!config.success) {
    return { errors: config.error.issues.map((i) => `${configPath}: ${i.path.join('.') || '(top level)'}: ${i.message}`) };
  }
  const subgraphs: SubgraphDefinition[] = [];
  const services = [];
  const errors: string[] = [];
  for (const [name, entry] of Object.entries(config.data.subgraphs)) {
    const file = resolve(dirname(configPath), entry.schema.file);
    try {
      const sdl = readFileSync(file, 'utf8');
      services.push({ name, url: entry.routing_url, typeDefs: parse(sdl) });
      subgraphs.push({ name, url: entry.routing_url, file });
    } catch (error) {
      errors.push(`${configPath}: subgraphs.${name}: ${file}: ${(error as Error).message}`);
    }
  }
  if (errors.length) return { errors };
  // Loaded on demand: composition is only needed when the committed supergraph is out of date.
  const { composeServices } = await import('@apollo/composition');
  const result = composeServices(services);
  if (result.errors) return { errors: result.errors.map((e) => `${configPath}: composition: ${e.message}`) };
  return { supergraphSdl: result.supergraphSdl, subgraphs };
}

const FINGERPRINT_LINE = /^# binfo-inputs-sha256: ([0-9a-f]{64})$/m;

/** A hash of supergraph.yaml and every schema file it names: what the committed supergraph was built from. */
export function supergraphInputsFingerprint(configPath = DEFAULT_SUPERGRAPH_CONFIG): string {
  const hash = createHash('sha256');
  const config = readFileSync(configPath, 'utf8');
  hash.update(config);
  const parsed = SupergraphConfig.safeParse(parseYaml(config));
  if (parsed.success) {
    for (const entry of Object.values(parsed.data.subgraphs)) {
      try {
        hash.update(readFileSync(resolve(dirname(configPath), entry.schema.file)));
      } catch {
        hash.update('(missing)');
      }
    }
  }
  return hash.digest('hex');
}

/** Composes and writes supergraph.graphql with the fingerprint of its inputs in a header comment. */
export async function writeComposedSupergraph(configPath = DEFAULT_SUPERGRAPH_CONFIG, outPath = COMPOSED_SUPERGRAPH): Promise<ComposeResult> {
  const result = await composeSupergraph(configPath);
  if (result.errors) return result;
  const header = `# Composed from supergraph.yaml by \`npm run compose\`. Do not edit.\n# binfo-inputs-sha256: ${supergraphInputsFingerprint(configPath)}\n`;
  writeFileSync(outPath, header + result.supergraphSdl + '\n');
  return result;
}

export type SupergraphSource = { supergraphSdl: string; composedAtStart: boolean };

/** The committed supergraph when it matches its inputs; otherwise composes now (slower) and says so. */
export async function loadSupergraph(configPath = DEFAULT_SUPERGRAPH_CONFIG, composedPath = COMPOSED_SUPERGRAPH): Promise<SupergraphSource> {
  try {
    const committed = readFileSync(composedPath, 'utf8');
    if (FINGERPRINT_LINE.exec(committed)?.[1] === supergraphInputsFingerprint(configPath)) {
      return { supergraphSdl: committed, composedAtStart: false };
    }
  } catch {
    // No committed supergraph: compose below.
  }
  const result = await composeSupergraph(configPath);
  if (result.errors) throw new Error(`The supergraph does not compose:\n${result.errors.join('\n')}`);
  return { supergraphSdl: result.supergraphSdl, composedAtStart: true };
}
