// The production start: the gateway on every core (node:cluster, BINFO_WORKERS), supervised by a primary that
// replaces a worker that dies and stops them all on SIGTERM; and `npm run start:production` running the
// gateway as the benchmarks measure it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCTION_ENV, PRODUCTION_NODE_FLAGS } from '../../bench/lib/topology.js';
import { loadConfig } from '../../config/config.js';
import { workerCountFrom } from '../../config/runtime-options.js';
import { projectPath } from '../../lib/project-path.js';
import { bundledScript } from '../support/script-bundle.js';

const linux = existsSync('/proc/self/task');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('BINFO_WORKERS', () => {
  it('is a whole number of processes, or "auto" for one per core; 1 (no cluster) when unset', () => {
    const workerCount = (value?: string) => workerCountFrom(loadConfig({ BINFO_WORKERS: value }));
    expect(workerCount(undefined)).toBe(1);
    expect(workerCount('')).toBe(1);
    expect(workerCount('2')).toBe(2);
    expect(workerCount('auto')).toBe(availableParallelism());
    expect(() => workerCount('0')).toThrow(/BINFO_WORKERS/);
    expect(() => workerCount('two')).toThrow(/BINFO_WORKERS/);
  });
});

describe('npm run start:production', () => {
  it('runs the gateway as the benchmarks measure it: bundled, NODE_ENV=production, the heap cap, every core', () => {
    const script = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')).scripts['start:production'] as string;
    expect(script).toContain('npm run build');
    expect(script).toContain('dist/start.js gateway');
    for (const flag of PRODUCTION_NODE_FLAGS) expect(script).toContain(flag);
    for (const [name, value] of Object.entries(PRODUCTION_ENV)) expect(script).toContain(`${name}=${value}`);
    expect(script).toContain('BINFO_WORKERS=${BINFO_WORKERS:-auto}');
  });
});

describe.skipIf(!linux)('the gateway on two workers', () => {
  let primary: ChildProcess;
  let output = '';
  let url: string;

  beforeAll(async () => {
    // The start script as `npm run build` bundles it (as dist/start.js), so no worker compiles it again.
    primary = spawn(process.execPath, [await bundledScript('scripts/start.ts'), 'gateway'], {
      cwd: projectPath(),
      env: { ...process.env, BINFO_WORKERS: '2', PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    primary.stdout!.on('data', (chunk) => (output += chunk));
    primary.stderr!.on('data', (chunk) => (output += chunk));
    const line = await until('the ready line', () => output.split('\n').find((l) => /Gateway ready in \d+ ms: .* \(2 worker processes\)/.test(l)), 90_000);
    url = /(http:\/\/\S+)\/graphql/.exec(line)![1];
  }, 120_000);

  afterAll(() => {
    if (primary.exitCode === null) primary.kill('SIGKILL');
  });

  it('says it is ready once both workers are, and answers on one port', async () => {
    expect(children(primary.pid!)).toHaveLength(2);
    const answers = await Promise.all(Array.from({ length: 6 }, () => fetch(`${url}/ready`, { headers: { connection: 'close' } }).then((r) => r.json())));
    for (const answer of answers) expect(answer).toMatchObject({ status: 'ready', councils: 361 });
  });

  it('replaces a worker that dies', async () => {
    const [first] = children(primary.pid!);
    process.kill(first, 'SIGKILL');
    const replaced = await until('a replacement worker', () => {
      const now = children(primary.pid!);
      return now.length === 2 && !now.includes(first) ? now : undefined;
    });
    expect(replaced).toHaveLength(2);
    // The new worker takes connections once it listens; the survivor answers meanwhile.
    const answer = await fetch(`${url}/ready`, { headers: { connection: 'close' } });
    expect(answer.status).toBe(200);
  }, 90_000);

  it('stops every worker, then itself, on SIGTERM', async () => {
    const workers = children(primary.pid!);
    const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
    primary.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of workers) expect(existsSync(`/proc/${pid}`) && readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] !== 'Z').toBe(false);
  }, 30_000);
});
