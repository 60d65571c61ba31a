// Starts each part of the graph in its own process, as in production, so the load driver (this process)
// never shares a CPU queue or heap with what it measures.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { projectPath } from '../../lib/project-path.js';

export interface Service {
  child: ChildProcess;
  /** The line it printed when ready. */
  readyLine: string;
  /** Peak resident memory so far (VmHWM), in MB. */
  peakRssMb(): number;
  rssMb(): number;
  stop(): Promise<void>;
}

function status(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)?.[1] ?? 0) / 1024);
  } catch {
    return NaN;
  }
}

/** `node --import tsx <script> args`, waiting for a line matching `ready`. */
export async function startService(script: string, args: string[], env: Record<string, string>, ready: RegExp, timeoutMs = 60_000): Promise<Service> {
  const child = spawn(process.execPath, ['--import', 'tsx', projectPath(script), ...args], {
    cwd: projectPath(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const readyLine = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} ${args.join(' ')} not ready in ${timeoutMs} ms:\n${output.slice(-1000)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const line = output.split('\n').find((l) => ready.test(l));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}):\n${output.slice(-1000)}`));
    });
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    child,
    readyLine,
    peakRssMb: () => status(child.pid!, 'VmHWM'),
    rssMb: () => status(child.pid!, 'VmRSS'),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/** A port that was free a moment ago: bind to 0, read it, release it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
