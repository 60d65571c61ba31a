// The live council registry: endpoints added, moved and removed under load, with no failed request.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCouncilHost, type CouncilHost } from '../../subgraphs/council/host.js';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { FixtureCouncilSource } from '../support/fixture-council-source.js';
import { gql } from '../support/graphql-client.js';

const READING = 'E06000038';
const registryPath = join(mkdtempSync(join(tmpdir(), 'binfo-registry-')), 'councils.yaml');
const writeRegistry = (entries: string) =>
  writeFileSync(registryPath, `defaults:\n  url: "{councilHost}/councils/{code}/graphql"\n  timeoutMs: 2000\ncouncils:${entries || ' []'}\n`);
const entry = (url: string) => `\n  - code: ${READING}\n    url: ${url}\n`;

let stack: LocalStack;
let hostA: CouncilHost;
let hostB: CouncilHost;
const logs: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  writeRegistry('');
  stack = await startLocalStack({ port: 0, councilRegistryPath: registryPath, log: (e) => logs.push(e) });
  const source = (label: string) => new FixtureCouncilSource({ councilCode: READING, label, postcode: 'RG1 1AA', bankHolidays: stack.bankHolidays });
  [hostA, hostB] = await Promise.all([startCouncilHost({ sources: [source('Host A')] }), startCouncilHost({ sources: [source('Host B')] })]);
});
afterAll(async () => {
  await Promise.all([stack?.close(), hostA?.close(), hostB?.close()]);
});

const QUERY = `{ council(code: "${READING}") { services { name } } }`;

describe('changing the council registry without a restart', () => {
  it('adds, moves and removes an endpoint under load with zero failed requests, and refuses a failing one', async () => {
    let stop = false;
    const servedBy = new Set<string>();
    const failures: unknown[] = [];
    let requests = 0;
    const worker = async () => {
      while (!stop) {
        const result = await gql(stack.gateway.graphqlUrl, QUERY).catch((error) => ({ status: 0, errors: [{ message: String(error) }] }) as any);
        requests++;
        const name = result.data?.council?.services?.[0]?.name;
        if (result.status !== 200 || result.errors || !name) failures.push(result);
        else servedBy.add(name.startsWith('Host') ? name.split(' refuse')[0] : 'sample');
      }
    };
    const load = Promise.all(Array.from({ length: 4 }, worker));

    const changes: Array<[string, () => Promise<unknown>]> = [
      ['add A', async () => { writeRegistry(entry(hostA.councilUrl(READING))); return stack.registry.reload(); }],
      ['move to B', async () => { writeRegistry(entry(hostB.councilUrl(READING))); return stack.registry.reload(); }],
      ['refuse a dead endpoint', async () => { writeRegistry(entry('http://127.0.0.1:9/councils/E06000038/graphql')); return stack.registry.reload(); }],
      ['remove the entry', async () => { writeRegistry(''); return stack.registry.reload(); }],
    ];
    const summaries: Record<string, any> = {};
    for (const [label, change] of changes) {
      await new Promise((r) => setTimeout(r, 300));
      summaries[label] = await change();
      await new Promise((r) => setTimeout(r, 300));
    }
    stop = true;
    await load;

    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(20);
    expect(servedBy).toEqual(new Set(['sample', 'Host A', 'Host B']));
    expect(summaries['move to B'].moved).toEqual([READING]);
    expect(summaries['refuse a dead endpoint'].refused.map((r: any) => r.code)).toEqual([READING]);
    expect(logs.some((l) => /refused new endpoint for council E06000038: http:\/\/127\.0\.0\.1:9\/.* failed its health check/.test(String(l.msg)))).toBe(true);
    // Removing the entry returns Reading to the default template (the sample host).
    expect(stack.endpoints.get(READING)!.url).toBe(stack.councilHost.councilUrl(READING));
  });

  it('keeps the current registry when the file becomes invalid', async () => {
    writeFileSync(registryPath, 'councils:\n  - code: NOT-A-CODE\n    url: x\n');
    await expect(stack.registry.reload()).rejects.toThrow(/councils\.yaml: councils\.0\.code/);
    expect(stack.endpoints.size).toBeGreaterThan(350);
    const result = await gql(stack.gateway.graphqlUrl, QUERY);
    expect(result.errors).toBeUndefined();
  });
});
