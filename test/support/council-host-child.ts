// The council host as a child process (test/support/council-host-process.ts, bundled), for tests that kill
// it outright: `node <bundle>` runs the server in that very process, so SIGKILL reaches the server itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { projectPath } from '../../lib/project-path.js';
import { bundledScript } from './script-bundle.js';

export interface HostChild {
  child: ChildProcess;
  url: string;
}

const children = new Set<ChildProcess>();

/** Starts a host on `dbPath` (with any further arguments) and resolves once it prints READY <url>. */
export async function startHostChild(dbPath: string, extraArgs: string[] = []): Promise<HostChild> {
  const script = await bundledScript('test/support/council-host-process.ts');
  const child = spawn(process.execPath, [script, '--db', dbPath, '--port', '0', ...extraArgs], { cwd: projectPath(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`host process not ready after 30 s\n${stderr}`)), 30_000);
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const ready = /^READY (\S+)$/m.exec(stdout);
      if (ready) {
        clearTimeout(timer);
        resolve({ child, url: ready[1] });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`host process exited (${code ?? signal}) before it was ready\n${stderr}`));
    });
  });
}

/** SIGKILL: no shutdown code runs. Resolves with the signal the child died of. */
export function killHard(child: ChildProcess): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    child.once('exit', (_code, signal) => resolve(signal));
    child.kill('SIGKILL');
  });
}

/** Kills every host child still running (for afterAll). */
export function killAllHostChildren(): void {
  for (const child of children) child.kill('SIGKILL');
}
