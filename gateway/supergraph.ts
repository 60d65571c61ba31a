// Composes supergraph.yaml (Rover's format) with @apollo/composition, since Rover cannot be installed here.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_SUPERGRAPH_CONFIG = resolve(PROJECT_ROOT, 'supergraph.yaml');

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
export function composeSupergraph(configPath = DEFAULT_SUPERGRAPH_CONFIG): ComposeResult {
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
  const result = composeServices(services);
  if (result.errors) return { errors: result.errors.map((e) => `${configPath}: composition: ${e.message}`) };
  return { supergraphSdl: result.supergraphSdl, subgraphs };
}
