// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time by function and by
// package, as a share of all samples. Used by bench/profile.ts; handy on its own:
//   npx tsx bench/lib/cpu-profile.ts <file.cpuprofile> [top] [lastMs]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  /** Time not idle (CPU on the main thread, GC included). */
  busyMs: number;
  /** Share of samples (percent) by function, highest first. */
  functions: Array<{ name: string; where: string; selfPercent: number }>;
  /** Share of samples (percent) by package (node_modules/<pkg>), node internals, or this project. */
  packages: Array<{ name: string; selfPercent: number }>;
}

function packageOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1];
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  return 'binfo';
}

/** `lastMs`: only the samples of the profile's last `lastMs` (the load phase, leaving out start-up). */
export function summariseProfile(file: string, top = 25, lastMs = Infinity): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map<number, number>();
  const times: number[] = [];
  let t = 0;
  for (const delta of profile.timeDeltas) times.push((t += delta));
  const from = t - lastMs * 1000;
  let total = 0;
  let busyUs = 0;
  profile.samples.forEach((id, i) => {
    if (times[i] <= from) return;
    counts.set(id, (counts.get(id) ?? 0) + 1);
    total++;
    if (byId.get(id)!.callFrame.functionName !== '(idle)') busyUs += profile.timeDeltas[i];
  });
  total ||= 1;
  const functions = new Map<string, { name: string; where: string; count: number }>();
  const packages = new Map<string, number>();
  for (const [id, count] of counts) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const name = functionName || '(anonymous)';
    const where = url ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/main\//, '')}:${lineNumber + 1}` : '';
    const key = `${name} ${where}`;
    const entry = functions.get(key) ?? { name, where, count: 0 };
    entry.count += count;
    functions.set(key, entry);
    const pkg = packageOf(url, name);
    packages.set(pkg, (packages.get(pkg) ?? 0) + count);
  }
  const pct = (n: number) => Math.round((n / total) * 1000) / 10;
  return {
    totalMs: Math.round(Math.min(t, lastMs * 1000) / 1000),
    busyMs: Math.round(busyUs / 1000),
    functions: [...functions.values()].sort((a, b) => b.count - a.count).slice(0, top).map((f) => ({ name: f.name, where: f.where, selfPercent: pct(f.count) })),
    packages: [...packages].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, count]) => ({ name, selfPercent: pct(count) })),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(summariseProfile(process.argv[2], Number(process.argv[3] ?? 25), Number(process.argv[4] ?? Infinity)), null, 2));
}
