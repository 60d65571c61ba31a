// The GraphQL-over-HTTP spec's own conformance audit (graphql-http's server audits) against the national
// graph's /graphql on 127.0.0.1: no error and no warning. A notice (a MAY) is listed but not a failure.
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { silentLogger } from '../resilience/support/capture-logs.js';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ port: 0, gateway: { rateLimit: false, logger: silentLogger(), metrics: false } });
});
afterAll(async () => stack?.close());

describe('the graphql-http server audit of /graphql', () => {
  it('finds no error and no warning', async () => {
    const results = await Promise.all(serverAudits({ url: stack.gateway.graphqlUrl }).map((audit) => audit.fn()));
    const failures = await Promise.all(
      results.flatMap((result) =>
        result.status === 'ok' ? [] : [result.response.text().then((body) => `${result.status}: ${result.name}: ${result.reason} (HTTP ${result.response.status}: ${body.slice(0, 200)})`)],
      ),
    );
    if (failures.length) console.log(`graphql-http audit, ${results.length} audits:\n${failures.join('\n')}`);
    expect(results.length).toBeGreaterThan(30);
    expect(failures.filter((line) => /^(error|warn):/.test(line))).toEqual([]);
  });
});
