// Runs a TypeScript entry point as a command, as `npm run build` makes dist/start.js: bundled once by
// esbuild (packages left to node_modules), then `node bundle.mjs`. Starting tsx for every run spent about a
// second compiling the same sources again; the bundle starts in a fraction of that and runs the same code.
import { execFile } from 'node:child_process';
import { basename } from 'node:path';
import { build } from 'esbuild';
import { projectPath } from '../../lib/project-path.js';

const bundles = new Map<string, Promise<string>>();

/** The bundle of a project script (e.g. "scripts/disruption.ts"), built once per test process. */
export function bundledScript(entry: string): Promise<string> {
  let bundle = bundles.get(entry);
  if (!bundle) {
    // Inside the project, so node finds the packages and lib/project-path.ts finds the project root.
    const outfile = projectPath('node_modules', '.cache', 'binfo-test-scripts', `${basename(entry, '.ts')}-${process.pid}.mjs`);
    bundle = build({ entryPoints: [projectPath(entry)], outfile, bundle: true, platform: 'node', format: 'esm', packages: 'external', target: 'node20', logLevel: 'warning' }).then(() => outfile);
    bundles.set(entry, bundle);
  }
  return bundle;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a project script as a child process (asynchronously, so a server under test in this process keeps answering). */
export async function runScript(entry: string, args: string[], env: Record<string, string | undefined> = process.env): Promise<CommandResult> {
  const bundle = await bundledScript(entry);
  return new Promise((resolve) => {
    execFile(process.execPath, [bundle, ...args], { cwd: projectPath(), env, timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}
