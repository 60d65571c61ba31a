// Start-up to ready with the full registry, and memory at idle: `npm run bench:startup`.
// Spawns `npm start` as a user would, polls GET /ready, checks a real answer, prints one JSON document.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';


function rssOfTree(pid: number): number {
  // Sum the resident memory of the process group (npm, tsx and node).
  let total = 0;
  const children = (p: number): number[] => {
    try {
      return readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
    } catch {}
    stack.push(...children(p));
  }
  return total;
}

async function once(): Promise<{ readyMs: number; idleRssMb: number; councils: number }> {
  const port = 42000 + Math.floor(Math.random() * 10000);
  const started = performance.now();
  const child = spawn('npm', ['start'], { env: { ...process.env, PORT: String(port) }, detached: true, stdio: 'ignore' });
  try {
    for (;;) {
      if (performance.now() - started > 30_000) throw new Error('not ready within 30 s');
      try {
        if ((await fetch(`http://127.0.0.1:${port}/ready`)).ok) break;
      } catch {}
      await new Promise((r) => setTimeout(r, 25));
    }
    const readyMs = performance.now() - started;
    const answer = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ councils(collectsWaste: true) { code } postcode(code: "RG1 1AA") { councils { code } } }' }),
    }).then((r) => r.json() as Promise<any>);
    if (answer.data?.postcode?.councils?.[0]?.code !== 'E06000038') throw new Error(`wrong answer: ${JSON.stringify(answer).slice(0, 200)}`);
    await new Promise((r) => setTimeout(r, 1000));
    return { readyMs: Math.round(readyMs), idleRssMb: Math.round(rssOfTree(child.pid!) / 1048576), councils: answer.data.councils.length };
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {}
  }
}

export async function measureStartup(count: number) {
  const runs = [];
  for (let i = 0; i < count; i++) runs.push(await once());
  const ready = runs.map((r) => r.readyMs).sort((a, b) => a - b);
  return { command: 'npm start', runs, medianReadyMs: ready[Math.floor(ready.length / 2)], target: 'medianReadyMs < 3000' };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify({ benchmark: 'startup', ...(await measureStartup(Number(process.env.RUNS ?? 3))) }, null, 2));
}
