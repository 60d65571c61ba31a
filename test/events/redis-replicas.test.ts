// Two gateway replicas sharing one Redis entity cache, each following the council host's event stream: an
// answer one replica cached in Redis (fresh for a minute) is not served by either once the council publishes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayInLondon } from '../../domain/dates.js';
import { councilDirectoryOf } from '../../gateway/council-registry.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { loadSupergraph } from '../../gateway/supergraph.js';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { silentLogger } from '../resilience/support/capture-logs.js';
import { redisServerInstalled, startRedisServer, type RedisProcess } from '../resilience/support/redis-server.js';

const READING = 'E06000038';
const COLLECTIONS = `query($from: Date!, $to: Date!) { council(code: "${READING}") { properties(postcode: "RG1 1AA") { collections(from: $from, to: $to) { status } } } }`;

describe.skipIf(!redisServerInstalled())('replicas sharing Redis', () => {
  let redis: RedisProcess;
  let stack: LocalStack;
  let replica: RunningGateway;
  const cacheSettings = { router: { cache: { defaultFreshSeconds: 60 } }, responseCache: false as const, rateLimit: false as const };

  beforeAll(async () => {
    redis = await startRedisServer();
    stack = await startLocalStack({ port: 0, councilTimeoutMs: 15_000, gateway: { ...cacheSettings, redisUrl: redis.url, logger: silentLogger() } });
    replica = await startGateway({
      supergraphSdl: (await loadSupergraph()).supergraphSdl,
      subgraphUrls: { directory: stack.directory.graphqlUrl, calendar: stack.calendar.graphqlUrl },
      councilEndpoints: stack.endpoints,
      councilDirectory: councilDirectoryOf(stack.data.councils.all()),
      port: 0,
      ...cacheSettings,
      redisUrl: redis.url,
      logger: silentLogger(),
      events: { dbPath: join(mkdtempSync(join(tmpdir(), 'binfo-events-replica-')), 'national-events.sqlite') },
    });
  });
  afterAll(async () => {
    await replica?.close();
    await stack?.close();
    await redis?.stop();
  });

  const statuses = async (gateway: RunningGateway, from: string, to: string): Promise<string[]> => {
    const response = await fetch(gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: COLLECTIONS, variables: { from, to } }) });
    const body = (await response.json()) as any;
    return (body.data?.council?.properties ?? []).flatMap((p: any) => p.collections.map((c: any) => c.status));
  };

  it('both show the cancellation within 10 s, though Redis held the old answer for a minute', async () => {
    const today = todayInLondon(new Date());
    const to = addDays(today, 13);
    // The first replica fills Redis; the second is served from it.
    expect((await statuses(stack.gateway, today, to)).length).toBeGreaterThan(0);
    expect(await statuses(replica, today, to)).not.toContain('CANCELLED');

    stack.disruptions.create(READING, { title: 'Strike', reason: 'INDUSTRIAL_ACTION', area: { kind: 'postcodes', postcodes: ['RG1 1'] }, effect: { kind: 'cancelled' }, startsOn: today, endsOn: to });
    const started = Date.now();
    for (const gateway of [replica, stack.gateway]) {
      for (;;) {
        const now = await statuses(gateway, today, to);
        if (now.length > 0 && now.every((s) => s === 'CANCELLED')) break;
        if (Date.now() - started > 10_000) throw new Error(`${gateway === replica ? 'the replica' : 'the first gateway'} still answers ${now.join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
});
