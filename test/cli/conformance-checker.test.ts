// `binfo check` against a conformant council subgraph and against deliberately broken ones.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpPost } from '../../cli/check/behaviour-probes.js';
import { checkCouncil } from '../../cli/check/check-council.js';
import { readBody } from '../../lib/http/apollo-handler.js';
import { listen, type RunningServer } from '../../lib/http/listen.js';
import { loadShippedBankHolidays } from '../../subgraphs/calendar/load-bank-holidays.js';
import { startCouncilHost, type CouncilHost } from '../../subgraphs/council/host.js';
import { SampleCouncilSource } from '../../subgraphs/council/sample/sample-source.js';
import { loadCouncilRegistry } from '../../subgraphs/directory/council-registry.js';
import { PostcodeIndex } from '../../subgraphs/directory/postcode-index.js';

const READING = 'E06000038';
let host: CouncilHost;
const proxies: RunningServer[] = [];

interface Breakage {
  request?: (body: any) => any;
  response?: (body: any, request: any) => any;
}

/** A council subgraph broken in one way: a proxy in front of the conformant kit. */
async function broken(breakage: Breakage): Promise<string> {
  const target = host.councilUrl(READING);
  const proxy = await listen(async (req, res) => {
    const request = JSON.parse(await readBody(req, 1_000_000));
    const upstream = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(breakage.request ? breakage.request(request) : request) });
    const body = await upstream.json();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(breakage.response ? breakage.response(body, request) : body));
  });
  proxies.push(proxy);
  return proxy.url;
}

const withSdl = (edit: (sdl: string) => string): Breakage => ({
  response: (body) => (body.data?._service ? { data: { _service: { sdl: edit(body.data._service.sdl) } } } : body),
});

const check = (url: string) => checkCouncil(httpPost(url), { url, councilCode: READING, postcode: 'RG1 1AA' });
const failures = (result: Awaited<ReturnType<typeof check>>) => result.findings.filter((f) => f.level === 'fail').map((f) => f.message);

beforeAll(async () => {
  const council = loadCouncilRegistry().get(READING)!;
  host = await startCouncilHost({ sources: [new SampleCouncilSource(council, PostcodeIndex.load(), loadShippedBankHolidays())] });
});
afterAll(async () => {
  await Promise.all([host?.close(), ...proxies.map((p) => p.close())]);
});

describe('binfo check', () => {
  it('passes the kit\'s own subgraph', async () => {
    const result = await check(host.councilUrl(READING));
    expect(failures(result)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.findings.map((f) => f.check)).toEqual(expect.arrayContaining(['schema', 'entities', 'dates', 'collections']));
  });

  it('fails a subgraph with a missing field, naming it', async () => {
    const url = await broken(withSdl((sdl) => sdl.replace(/\n\s*nextCollections: \[Collection!\]/, '')));
    const result = await check(url);
    expect(result.ok).toBe(false);
    expect(failures(result)).toContain('Property.nextCollections is missing (the standard has Property.nextCollections: [Collection!])');
  });

  it('fails a subgraph with the wrong nullability', async () => {
    const url = await broken(withSdl((sdl) => sdl.replace(/services: \[Service!\]\n/, 'services: [Service!]!\n')));
    const result = await check(url);
    expect(failures(result)).toContain('Council.services has the wrong nullability: [Service!]! where the standard says [Service!]');
  });

  it('fails a subgraph with a missing enum value or a changed key', async () => {
    const url = await broken(withSdl((sdl) => sdl.replace(/\n\s*CHRISTMAS_TREE/, '').replace('@key(fields: "councilCode uprn")', '@key(fields: "uprn")')));
    const messages = failures(await check(url));
    expect(messages).toContain('ServiceType.CHRISTMAS_TREE is missing from the enum');
    expect(messages.some((m) => m.startsWith('Property must be an entity with @key(fields: "councilCode uprn")'))).toBe(true);
  });

  it('fails a subgraph that returns entities out of order', async () => {
    const url = await broken({ response: (body) => (Array.isArray(body.data?._entities) ? { ...body, data: { _entities: [...body.data._entities].reverse() } } : body) });
    const messages = failures(await check(url));
    expect(messages.some((m) => /entities out of order/.test(m))).toBe(true);
  });

  it('fails a subgraph that answers for another council', async () => {
    // This subgraph treats every council code as its own.
    const url = await broken({
      request: (body) => ({ ...body, variables: JSON.parse(JSON.stringify(body.variables ?? {}).replaceAll('X99999999', READING)) }),
    });
    const messages = failures(await check(url));
    expect(messages).toContain('_entities answered for council X99999999 (position 0); a council must answer null for any council but its own');
  });

  it('fails a subgraph whose MOVED collections have no originalDate', async () => {
    const url = await broken({
      response: (body) => {
        for (const entity of body.data?._entities ?? []) {
          for (const c of entity?.collections ?? []) if (c.date) Object.assign(c, { status: 'MOVED', originalDate: null });
        }
        return body;
      },
    });
    const messages = failures(await check(url));
    expect(messages.some((m) => /is MOVED without an originalDate/.test(m))).toBe(true);
  });

  it('runs as a command: a readable report and exit code 1 on a broken subgraph, JSON on request', async () => {
    const url = await broken(withSdl((sdl) => sdl.replace(/\n\s*nextCollections: \[Collection!\]/, '')));
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, ['bin/binfo.js', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
        let stdout = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.on('close', (code) => resolve({ code, stdout }));
      });
    const human = await run(['check', url, '--council', READING, '--postcode', 'RG1 1AA']);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/✗ \[schema\] Property\.nextCollections is missing/);
    expect(human.stdout).toMatch(/FAIL: 1 problem/);
    const json = await run(['check', host.councilUrl(READING), '--council', READING, '--postcode', 'RG1 1AA', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).ok).toBe(true);
  });
});
