// The benchmark harness's own arithmetic (bench/lib): percentiles, the merge of interleaved slices, and the
// profile summary. Performance is measured by `npm run bench`, never by tests; this checks the measuring.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summariseProfile } from '../../bench/lib/cpu-profile.js';
import { interleaved, percentile, summarise } from '../../bench/lib/load.js';

describe('bench/lib/load', () => {
  it('takes the nearest-rank percentile of sorted latencies', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(51);
    expect(percentile(sorted, 99)).toBe(100);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarises requests, failures, throughput and latency', () => {
    const result = summarise([3, 1, 2], 1, 'boom', 2000);
    expect(result).toMatchObject({ requests: 3, failures: 1, firstFailure: 'boom', durationS: 2, rps: 1.5, p50Ms: 2, meanMs: 2 });
  });

  it('alternates the sides slice by slice after a warm-up of each, and merges each side’s slices', async () => {
    const calls: string[] = [];
    const side = (name: string, failEvery = 0) => {
      let n = 0;
      return async () => {
        calls.push(name);
        await new Promise((r) => setTimeout(r, 2));
        return failEvery && ++n % failEvery === 0 ? `${name} failed` : null;
      };
    };
    const result = await interleaved({ sides: { a: side('a'), b: side('b', 3) }, concurrency: 1, totalMs: 160, rounds: 4, warmupMs: 20 });
    // Runs of consecutive calls to one side: warm-up a, warm-up b, then a b | b a | a b | b a (merged where adjacent).
    const runs = calls.filter((c, i) => i === 0 || calls[i - 1] !== c);
    expect(runs).toEqual(['a', 'b', 'a', 'b', 'a', 'b', 'a']);
    expect(result.a.failures).toBe(0);
    expect(result.b.failures).toBeGreaterThan(0);
    expect(result.b.firstFailure).toBe('b failed');
    expect(result.a.durationS).toBeGreaterThan(0.06);
    expect(result.a.requests).toBeGreaterThan(5);
  });
});

describe('bench/lib/cpu-profile', () => {
  it('sums self time by function and package over the last part of a profile', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 3, 4] },
        { id: 2, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
        { id: 3, callFrame: { functionName: 'executeQueryPlan', url: 'file:///x/node_modules/@apollo/gateway/dist/executeQueryPlan.js', lineNumber: 9 } },
        { id: 4, callFrame: { functionName: 'route', url: 'file:///x/main/gateway/council-router/council-router-data-source.ts', lineNumber: 0 } },
      ],
      // The first sample is outside the last 3 ms, so it is not counted.
      samples: [3, 3, 3, 4, 2],
      timeDeltas: [1000, 1000, 1000, 1000, 1000],
    };
    const file = join(mkdtempSync(join(tmpdir(), 'binfo-profile-test-')), 'p.cpuprofile');
    writeFileSync(file, JSON.stringify(profile));
    const summary = summariseProfile(file, 10, 3);
    expect(summary.totalMs).toBe(3);
    expect(summary.busyMs).toBe(2);
    expect(summary.packages).toEqual(
      expect.arrayContaining([
        { name: '@apollo/gateway', selfPercent: 33.3 },
        { name: 'binfo', selfPercent: 33.3 },
        { name: '(idle)', selfPercent: 33.3 },
      ]),
    );
    expect(summary.functions[0]).toMatchObject({ selfPercent: 33.3 });
  });
});
