// Start-up to ready with the full registry, and memory at idle: `npm run bench:startup`.
// Spawns `npm start` as a user would (esbuild bundle, then the whole graph in one process), polls GET /ready,
// checks a real answer, and reports the time and the idle memory of the server process (and of the whole
// process tree, npm included). Then the same for the gateway alone as production starts it
// (`node dist/start.js gateway`, one process, PRODUCTION_NODE_FLAGS). Prints one JSON document.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { projectPath } from '../lib/project-path.js';
import { buildBundle, PRODUCTION_ENV, PRODUCTION_NODE_FLAGS, START } from './lib/topology.js';
import { freePort } from './lib/processes.js';

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function tree(pid: number): number[] {
  const all: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    all.push(p);
    stack.push(...childrenOf(p));
  }
  return all;
}

function rssMb(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return Math.round(kb / 1024);
}

/** The process of the tree running dist/start.js: the server itself, without npm and the shell. */
function serverPids(pid: number): number[] {
  return tree(pid).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('start.js');
    } catch {
      return false;
    }
  });
}

async function untilReady(port: number, started: number, child: ChildProcess): Promise<number> {
  for (;;) {
    if (performance.now() - started > 60_000) throw new Error('not ready within 60 s');
    if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}) before it was ready`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/ready`)).ok) return performance.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function once(): Promise<{ readyMs: number; idleRssMb: number; treeIdleRssMb: number; councils: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('npm', ['start'], { env: { ...process.env, PORT: String(port) }, detached: true, stdio: 'ignore' });
  try {
    const readyMs = await untilReady(port, started, child);
    const answer = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ councils(collectsWaste: true) { code } postcode(code: "RG1 1AA") { councils { code } } }' }),
    }).then((r) => r.json() as Promise<any>);
    if (answer.data?.postcode?.councils?.[0]?.code !== 'E06000038') throw new Error(`wrong answer: ${JSON.stringify(answer).slice(0, 200)}`);
    await new Promise((r) => setTimeout(r, 1000));
    return { readyMs: Math.round(readyMs), idleRssMb: rssMb(serverPids(child.pid!)), treeIdleRssMb: rssMb(tree(child.pid!)), councils: answer.data.councils.length };
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** The gateway part alone, as `npm run start:production` runs each worker (the bundle already built). */
async function gatewayOnce(): Promise<{ readyMs: number; idleRssMb: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...PRODUCTION_NODE_FLAGS, '--enable-source-maps', projectPath(START), 'gateway'], {
    env: { ...process.env, ...PRODUCTION_ENV, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  try {
    const readyMs = await untilReady(port, started, child);
    await new Promise((r) => setTimeout(r, 1000));
    return { readyMs: Math.round(readyMs), idleRssMb: rssMb([child.pid!]) };
  } finally {
    // A child that has already exited (it failed to start) sends no more 'exit': waiting for one would hang.
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function measureStartup(count: number) {
  const runs = [];
  for (let i = 0; i < count; i++) runs.push(await once());
  await buildBundle();
  const gatewayRuns = [];
  for (let i = 0; i < count; i++) gatewayRuns.push(await gatewayOnce());
  return {
    command: 'npm start (esbuild bundle, then directory, calendar, council host and gateway in one process)',
    runs,
    medianReadyMs: median(runs.map((r) => r.readyMs)),
    medianIdleRssMb: median(runs.map((r) => r.idleRssMb)),
    target: 'medianReadyMs < 3000',
    gatewayOnly: {
      command: `node ${PRODUCTION_NODE_FLAGS.join(' ')} dist/start.js gateway (NODE_ENV=production, full registry)`,
      runs: gatewayRuns,
      medianReadyMs: median(gatewayRuns.map((r) => r.readyMs)),
      medianIdleRssMb: median(gatewayRuns.map((r) => r.idleRssMb)),
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify({ benchmark: 'startup', ...(await measureStartup(Number(process.env.RUNS ?? 3))) }, null, 2));
}
