// Files the service reads (schema SDL, shipped data) are found from the project root, not from the
// module's own location, so the same code runs from TypeScript sources and from the bundled dist/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schema', 'council.graphql'))) return dir;
    if (dirname(dir) === dir) throw new Error(`Cannot find the Binfo project root above ${start}`);
  }
}

export const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

export function projectPath(...segments: string[]): string {
  return join(PROJECT_ROOT, ...segments);
}
