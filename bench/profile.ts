// Where the time goes: runs one benchmark scenario with `node --cpu-prof` on one part and prints the
// profile's top functions and packages (self time) as JSON; the .cpuprofile stays for Chrome DevTools.
//   npx tsx bench/profile.ts cold|warm|fanout|national [gateway|councils|proxy] (PROFILE_SECONDS, default 10)
// `national` is the national query one at a time against the default council host (bench:compare's case);
// `fanout` is the same query against a farm of councils with their own endpoints. PROFILE_POSTCODES: how many
// postcodes `cold` spreads over (500; bench:compare's bin-day case is 50).
// Each part runs as `npm run start:production` runs it (bench/lib/topology.ts).
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summariseProfile } from './lib/cpu-profile.js';
import { closedLoop, closePools, postJson } from './lib/load.js';
import { startService } from './lib/processes.js';
import { BIN_DAY_QUERY, binDayViaGateway, checkNational, NATIONAL_QUERY, spreadPostcodes } from './lib/queries.js';
import { startSplitStack } from './lib/topology.js';

const scenario = process.argv[2] ?? 'cold';
const part = (process.argv[3] ?? 'gateway') as 'gateway' | 'councils' | 'proxy';
const SECONDS = Number(process.env.PROFILE_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const work = mkdtempSync(join(tmpdir(), 'binfo-profile-'));
const profileDir = join(work, 'profiles');
const flags = ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];

let registry: string | undefined;
let farm: Awaited<ReturnType<typeof startService>> | undefined;
if (scenario === 'fanout') {
  registry = join(work, 'farm.yaml');
  // The farm replays answers unless PROFILE_FARM=compute (see council-farm.ts): the profile is of the gateway.
  const replay = process.env.PROFILE_FARM === 'compute' ? [] : ['--replay'];
  farm = await startService('bench/servers/council-farm.ts', ['--latency', '20', '--registry', registry, ...replay], {}, /READY/, 120_000, part === 'councils' ? flags : []);
}
const stack = await startSplitStack({
  work,
  registry,
  councilsProxy: part === 'proxy' || process.env.PROFILE_PROXY === '1',
  gatewayEnv: scenario === 'warm' ? {} : { BINFO_CACHE: 'off' },
  nodeFlags: { [part]: flags },
});
try {
  let result;
  if (scenario === 'cold') {
    const postcodes = spreadPostcodes(Number(process.env.PROFILE_POSTCODES ?? 500));
    let i = 0;
    result = await closedLoop({ concurrency: CONCURRENCY, durationMs: SECONDS * 1000, call: async () => (await binDayViaGateway(stack.gatewayUrl, postcodes[i++ % postcodes.length])).error });
  } else if (scenario === 'warm') {
    const body = JSON.stringify({ query: BIN_DAY_QUERY, variables: { p: 'RG1 1AA' } });
    const expected = (await postJson(stack.gatewayUrl, body)).text;
    result = await closedLoop({ concurrency: CONCURRENCY, durationMs: SECONDS * 1000, call: async () => ((await postJson(stack.gatewayUrl, body)).text === expected ? null : 'changed') });
  } else {
    // fanout and national: the national query, one at a time.
    const body = JSON.stringify({ query: NATIONAL_QUERY });
    // PROFILE_NATIONAL_CONCURRENCY: 16 for bench:compare's loaded national case (identical queries then share council requests).
    result = await closedLoop({ concurrency: Number(process.env.PROFILE_NATIONAL_CONCURRENCY ?? 1), durationMs: SECONDS * 1000, call: async () => {
      const { status, text } = await postJson(stack.gatewayUrl, body);
      return checkNational(status, text);
    } });
  }
  await stack.stop();
  await farm?.stop();
  const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
  console.log(JSON.stringify({ scenario, part, load: result, profiles: files.map((f) => ({ file: join(profileDir, f), ...summariseProfile(join(profileDir, f), Number(process.env.PROFILE_TOP ?? 30), SECONDS * 1000) })) }, null, 2));
} finally {
  await stack.stop();
  await farm?.stop();
  await closePools();
}
