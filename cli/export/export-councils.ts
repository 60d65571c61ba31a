// `binfo export`: one row per council for researchers, streamed from the national graph.
import type { Writable } from 'node:stream';

export type ExportFormat = 'csv' | 'ndjson';

interface ServiceRow {
  id: string;
  name: string;
  type: string;
  frequency: { description: string; rrule: string | null } | null;
  subscription: { required: boolean } | null;
}

interface CouncilRow {
  code: string;
  name: string;
  nation: string;
  tier: string;
  website: string;
  binDayUrl: string | null;
  dataSource: { kind: string; updatedAt: string | null; stale: boolean } | null;
  services: ServiceRow[] | null;
}

type Execute = (query: string, variables?: Record<string, unknown>) => Promise<{ data?: any; errors?: Array<{ message: string; path?: ReadonlyArray<string | number>; extensions?: Record<string, unknown> }> }>;

const LIST = `{ councils(collectsWaste: true) { code } }`;
const DETAILS = `query($codes: [ID!]!) { councils(codes: $codes) {
  code name nation tier website binDayUrl
  dataSource { kind updatedAt stale }
  services { id name type frequency { description rrule } subscription { required } }
} }`;

export const CSV_COLUMNS = [
  'code', 'name', 'nation', 'tier', 'website', 'bin_day_url', 'data_source', 'data_updated_at', 'data_age_seconds', 'stale',
  'service_count', 'service_types', 'services', 'subscription_services', 'error',
] as const;

export function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function flatRow(council: CouncilRow, error: string | null, now: Date): Record<(typeof CSV_COLUMNS)[number], unknown> {
  const services = council.services ?? [];
  const updatedAt = council.dataSource?.updatedAt ?? null;
  return {
    code: council.code,
    name: council.name,
    nation: council.nation,
    tier: council.tier,
    website: council.website,
    bin_day_url: council.binDayUrl,
    data_source: council.dataSource?.kind ?? null,
    data_updated_at: updatedAt,
    data_age_seconds: updatedAt ? Math.max(0, Math.round((now.getTime() - Date.parse(updatedAt)) / 1000)) : null,
    stale: council.dataSource?.stale ?? null,
    service_count: council.services ? services.length : null,
    service_types: [...new Set(services.map((s) => s.type))].join(';'),
    services: services.map((s) => `${s.name} [${s.type}] ${s.frequency?.description ?? ''}`.trim()).join('; '),
    subscription_services: services.filter((s) => s.subscription?.required).map((s) => s.type).join(';'),
    error,
  };
}

export interface ExportOptions {
  format: ExportFormat;
  out: Writable;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  now?: () => Date;
}

/** Streams every waste-collecting council; a council whose service failed is a row with `error` set. */
export async function exportCouncils(execute: Execute, options: ExportOptions): Promise<{ rows: number; errors: number }> {
  const list = await execute(LIST);
  const codes: string[] = list.data?.councils?.map((c: { code: string }) => c.code) ?? [];
  if (!codes.length) throw new Error(`The national graph listed no councils: ${JSON.stringify(list.errors ?? list).slice(0, 200)}`);
  const write = (text: string) => new Promise<void>((resolve, reject) => (options.out.write(text, (e) => (e ? reject(e) : resolve()))));
  if (options.format === 'csv') await write(CSV_COLUMNS.join(',') + '\n');
  const batchSize = options.batchSize ?? 25;
  let rows = 0;
  let failed = 0;
  for (let start = 0; start < codes.length; start += batchSize) {
    const batch = codes.slice(start, start + batchSize);
    const answer = await execute(DETAILS, { codes: batch });
    const councils: CouncilRow[] = answer.data?.councils ?? [];
    const errorByIndex = new Map<number, string>();
    for (const error of answer.errors ?? []) {
      if (error.path?.[0] === 'councils' && typeof error.path[1] === 'number') errorByIndex.set(error.path[1], error.message);
    }
    for (const [index, council] of councils.entries()) {
      const error = errorByIndex.get(index) ?? null;
      if (error) failed++;
      const now = options.now?.() ?? new Date();
      if (options.format === 'csv') {
        const row = flatRow(council, error, now);
        await write(CSV_COLUMNS.map((column) => csvField(row[column])).join(',') + '\n');
      } else {
        await write(JSON.stringify({ ...council, dataAgeSeconds: flatRow(council, error, now).data_age_seconds, error }) + '\n');
      }
      rows++;
    }
    options.onProgress?.(Math.min(start + batch.length, codes.length), codes.length);
  }
  return { rows, errors: failed };
}

/** A one-line progress bar for a terminal (stderr), so piping stdout stays clean. */
export function progressBar(stream: NodeJS.WriteStream): (done: number, total: number) => void {
  return (done, total) => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} councils`);
    if (done === total) stream.write('\n');
  };
}
