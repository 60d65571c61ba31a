// `binfo export`: the whole country as one row per council, streamed from the national graph.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpPost } from '../../cli/check/behaviour-probes.js';
import { CSV_COLUMNS, csvField, exportCouncils } from '../../cli/export/export-councils.js';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ port: 0, councilTimeoutMs: 15_000 });
});
afterAll(async () => stack?.close());

async function collect(format: 'csv' | 'ndjson') {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk) => (text += chunk));
  const progress: number[] = [];
  const result = await exportCouncils(httpPost(stack.gateway.graphqlUrl, 60_000), { format, out, onProgress: (done) => progress.push(done) });
  return { result, text, progress };
}

describe('binfo export', () => {
  it('writes one CSV row per waste-collecting council, with services, types, frequencies and data age', async () => {
    const { result, text, progress } = await collect('csv');
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(result.rows).toBe(stack.endpoints.size);
    expect(lines).toHaveLength(stack.endpoints.size + 1);
    expect(progress.at(-1)).toBe(stack.endpoints.size);
    const reading = lines.find((line) => line.startsWith('E06000038,'))!;
    expect(reading).toMatch(/Reading Borough Council,ENGLAND,UNITARY,https:\/\/www\.reading\.gov\.uk/);
    expect(reading).toMatch(/,SAMPLE,/);
    expect(reading).toMatch(/FOOD_WASTE/);
    expect(reading).toMatch(/Every week/);
  });

  it('writes NDJSON with nested services, and marks a council that could not answer', async () => {
    const reading = stack.endpoints.get('E06000038')!;
    stack.endpoints.set('E06000038', { ...reading, url: 'http://127.0.0.1:9/down', timeoutMs: 300 });
    try {
      const { result, text } = await collect('ndjson');
      const rows = text.trimEnd().split('\n').map((line) => JSON.parse(line));
      expect(rows).toHaveLength(stack.endpoints.size);
      const down = rows.find((r) => r.code === 'E06000038');
      expect(down.services).toBeNull();
      expect(down.error).toMatch(/unavailable/);
      expect(result.errors).toBe(1);
      const bristol = rows.find((r) => r.code === 'E06000023');
      expect(bristol.services.length).toBeGreaterThan(2);
      expect(bristol.dataSource.kind).toBe('SAMPLE');
    } finally {
      stack.endpoints.set('E06000038', reading);
    }
  });

  it('quotes CSV fields that need it', () => {
    expect(csvField('Brighton and Hove, City of')).toBe('"Brighton and Hove, City of"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('');
  });
});
