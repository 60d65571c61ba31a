// Starts each part of the graph in its own process, as in production, so the load driver (this process)
// never shares a CPU queue or heap with what it measures.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { projectPath } from '../../lib/project-path.js';

export interface Service {
  child: ChildProcess;
  /** Where its stdout and stderr go. */
  logFile: string;
  /** The line it printed when ready. */
  readyLine: string;
  /** Peak resident memory so far (VmHWM), in MB. */
  peakRssMb(): number;
  rssMb(): number;
  /** The same summed over the process and its descendants (a cluster's primary and workers). */
  treePeakRssMb(): number;
  treeRssMb(): number;
  /** CPU time used so far (user + system), in ms, summed over the process and its descendants. */
  cpuMs(): number;
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

function descendants(pid: number): number[] {
  const all: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    all.push(p);
    try {
      stack.push(...readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {
      // gone
    }
  }
  return all;
}

/** utime + stime of one process, in ms (clock ticks of 10 ms). */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

const sumOver = (pid: number, field: 'VmHWM' | 'VmRSS') => descendants(pid).reduce((total, p) => total + (status(p, field) || 0), 0);

/**
 * `node [nodeFlags] --import tsx <script> args` (a .js script runs as is, e.g. a bundle), waiting for a line
 * matching `ready`. Its stdout and stderr go
 * to a file (as a production service's logs go to a file or journald), not through a pipe to this process:
 * reading every log line of the servers would take CPU from the load driver and slow the servers' writes.
 */
export async function startService(script: string, args: string[], env: Record<string, string>, ready: RegExp, timeoutMs = 60_000, nodeFlags: string[] = []): Promise<Service> {
  const logFile = join(mkdtempSync(join(tmpdir(), 'binfo-service-')), 'output.log');
  const out = openSync(logFile, 'w');
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : ['--enable-source-maps'];
  const child = spawn(process.execPath, [...nodeFlags, ...loader, projectPath(script), ...args], {
    cwd: projectPath(),
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const output = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const readyLine = await new Promise<string>((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const line = output().split('\n').find((l) => ready.test(l));
      if (line) {
        clearInterval(poll);
        child.removeListener('exit', onExit);
        resolve(line);
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(new Error(`${script} ${args.join(' ')} not ready in ${timeoutMs} ms:\n${output().slice(-1000)}`));
      }
    }, 25);
    const onExit = (code: number | null) => {
      clearInterval(poll);
      reject(new Error(`${script} exited (${code}):\n${output().slice(-1000)}`));
    };
    child.once('exit', onExit);
  });
  return {
    child,
    logFile,
    readyLine,
    peakRssMb: () => status(child.pid!, 'VmHWM'),
    rssMb: () => status(child.pid!, 'VmRSS'),
    treePeakRssMb: () => sumOver(child.pid!, 'VmHWM'),
    treeRssMb: () => sumOver(child.pid!, 'VmRSS'),
    cpuMs: () => descendants(child.pid!).reduce((total, p) => total + processCpuMs(p), 0),
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
