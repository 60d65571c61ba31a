// The circuit breaker per council: after N failed fetches in a row the council is not asked at all (answers
// come at once, with COUNCIL_UNAVAILABLE), then after a pause one test request decides: success closes the
// circuit, failure opens it again. Other councils are never affected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { ask } from './support/ask.js';
import { startFaultCouncil, type FaultCouncil } from './support/fault-council.js';
import { silentLogger } from './support/capture-logs.js';

const READING = 'E06000038';
const BRISTOL = 'E06000023';
const FAILURES_TO_OPEN = 3;
/** Long enough that the open-circuit checks below finish before it, even on a busy machine. */
const HALF_OPEN_AFTER_MS = 2000;
const COUNCIL_TIMEOUT_MS = 3000;
const QUERY = `{ councils(codes: ["${READING}", "${BRISTOL}"]) { code services { name } } }`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let stack: LocalStack;
let fault: FaultCouncil;

async function circuitGauge(): Promise<number | undefined> {
  const text = await stack.gateway.metrics!.registry.metrics();
  const match = new RegExp(`^binfo_council_circuit_state\\{council="${READING}"\\} (\\d)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    gateway: {
      // No cache (stale answers would hide the failures) and no retries (one fetch is one request here).
      router: { cache: false, retry: false, circuitBreaker: { consecutiveFailures: FAILURES_TO_OPEN, halfOpenAfterMs: HALF_OPEN_AFTER_MS } },
      rateLimit: false,
      logger: silentLogger(),
      metrics: { defaultMetrics: false },
    },
  });
  fault = await startFaultCouncil({ upstream: stack.councilHost.councilUrl(READING) });
  stack.endpoints.set(READING, { ...stack.endpoints.get(READING)!, url: fault.url, timeoutMs: COUNCIL_TIMEOUT_MS });
});
afterAll(async () => {
  await stack?.close();
  await fault?.close();
});

describe('the circuit breaker of one council', () => {
  it(`opens after ${FAILURES_TO_OPEN} failures, then answers at once without asking the council`, async () => {
    fault.mode = 'error500';
    for (let i = 0; i < FAILURES_TO_OPEN; i++) {
      const result = await ask(stack.gateway.graphqlUrl, QUERY);
      expect(result.errors?.[0].extensions?.code).toBe('COUNCIL_UNAVAILABLE');
    }
    expect(fault.received).toHaveLength(FAILURES_TO_OPEN);
    expect(await circuitGauge()).toBe(1);

    // Were the council asked now, each answer would wait out its whole timeout.
    fault.mode = 'hang';
    for (let i = 0; i < 3; i++) {
      const result = await ask(stack.gateway.graphqlUrl, QUERY);
      expect(result.elapsedMs).toBeLessThan(COUNCIL_TIMEOUT_MS / 2);
      expect(result.data.councils[0].services).toBeNull();
      expect(result.data.councils[1].services.length).toBeGreaterThan(0); // Bristol is unaffected
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0].extensions).toMatchObject({ code: 'COUNCIL_UNAVAILABLE', councilCode: READING, fallbackUrl: expect.stringMatching(/^https:/) });
      expect(result.errors![0].message).toMatch(/not asking it/);
    }
    expect(fault.received).toHaveLength(FAILURES_TO_OPEN);
  });

  it('lets one test request through after the pause, and opens again when it fails', async () => {
    fault.mode = 'error500';
    await sleep(HALF_OPEN_AFTER_MS + 100);
    const probe = await ask(stack.gateway.graphqlUrl, QUERY);
    expect(probe.errors?.[0].message).toMatch(/it answered with an error/);
    expect(fault.received).toHaveLength(FAILURES_TO_OPEN + 1);
    const after = await ask(stack.gateway.graphqlUrl, QUERY);
    expect(after.errors?.[0].message).toMatch(/not asking it/);
    expect(fault.received).toHaveLength(FAILURES_TO_OPEN + 1);
    expect(await circuitGauge()).toBe(1);
  });

  it('closes again when the test request succeeds (half-open recovery)', async () => {
    fault.mode = 'ok';
    await sleep(HALF_OPEN_AFTER_MS + 100);
    const recovered = await ask(stack.gateway.graphqlUrl, QUERY);
    expect(recovered.errors).toBeUndefined();
    expect(recovered.data.councils[0].services.length).toBeGreaterThan(0);
    expect(await circuitGauge()).toBe(0);
    const next = await ask(stack.gateway.graphqlUrl, QUERY);
    expect(next.errors).toBeUndefined();
    expect(fault.received).toHaveLength(FAILURES_TO_OPEN + 3);
  });
});
