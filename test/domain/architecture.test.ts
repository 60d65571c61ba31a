// The domain core stays plain TypeScript: no GraphQL, no HTTP, no filesystem, no process state.
// Anything that talks to the outside world lives in subgraphs/, gateway/ or scripts/.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DOMAIN = fileURLToPath(new URL('../../domain/', import.meta.url));
const FORBIDDEN = /^(node:|fs$|path$|http|https$|net$|graphql|@apollo\/|undici|better-sqlite3|pino|prom-client|dataloader)/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]);
}

describe('domain/ imports', () => {
  it.each(sourceFiles(DOMAIN).map((file) => [relative(DOMAIN, file), file]))('%s imports no I/O, GraphQL or server library', (_name, file) => {
    expect(importsOf(file).filter((specifier) => FORBIDDEN.test(specifier))).toEqual([]);
  });

  it.each(sourceFiles(DOMAIN).map((file) => [relative(DOMAIN, file), file]))('%s does not read process state', (_name, file) => {
    expect(readFileSync(file, 'utf8')).not.toMatch(/\bprocess\.(env|argv|cwd)\b/);
  });
});
