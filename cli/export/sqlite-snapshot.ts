// `binfo export --format sqlite`: a research snapshot of the national graph in one SQLite file, opened with
// any SQL tool. Tables (README "Research snapshot" has example questions):
//
//   councils     one row per council asked: the directory's facts, its data source, and `status`
//                ('answered' or 'failed'); a council is done when it answered
//   services     the services each council runs, with `every_weeks` read from the recurrence rule
//   properties   the properties sampled (with --collections): `postcodes_per_council` postcodes per council
//   collections  one row per collection of those properties in the range, with status, original date, reason;
//                `service_id` is the council's service (joins `services` on council_code and id) and
//                `property_service_id` the id the graph gave this property's collection, which is a variant
//                of that service with its own id when the property's round has its own frequency (rule 9)
//   failures     every council that could not answer, and why (the graph's error code and message, and the
//                council's own link), or why the snapshot could not ask it (no known postcode)
//   snapshot     the settings and times of the run, so a rerun can check it continues the same snapshot
//
// Each council is written in one transaction with its status, so an interruption (Ctrl-C, a crash, a lost
// connection) loses at most the councils in flight; a rerun with the same --out skips the councils that
// answered and asks the rest again. With --collections, a council counts as answered only when it gave at
// least one collection, so `SELECT count(DISTINCT council_code) FROM collections` is the number answered.
import Database from 'better-sqlite3';
import { daysBetween } from '../../domain/dates.js';
import { everyWeeksOf } from '../../gateway/national/service-views.js';
import type { Execute, GraphQLAnswer } from './gateway-client.js';
import type { PostcodesOf } from './postcode-sample.js';

// 2: collections.service_id is the council's service, property_service_id the property's variant.
const FORMAT_VERSION = '2';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS snapshot (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS councils (
  code TEXT PRIMARY KEY, name TEXT, nation TEXT, tier TEXT, website TEXT, bin_day_url TEXT,
  data_source TEXT, data_notice TEXT, data_updated_at TEXT, data_stale INTEGER,
  status TEXT NOT NULL CHECK (status IN ('answered', 'failed')), exported_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS services (
  council_code TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
  frequency TEXT, rrule TEXT, every_weeks INTEGER,
  subscription_required INTEGER NOT NULL, subscription_description TEXT, subscription_url TEXT,
  containers TEXT NOT NULL,
  PRIMARY KEY (council_code, id)
);
CREATE TABLE IF NOT EXISTS properties (
  council_code TEXT NOT NULL, uprn TEXT NOT NULL, postcode TEXT, address TEXT,
  PRIMARY KEY (council_code, uprn)
);
CREATE TABLE IF NOT EXISTS collections (
  council_code TEXT NOT NULL, uprn TEXT NOT NULL, date TEXT NOT NULL,
  service_id TEXT, property_service_id TEXT NOT NULL, service_type TEXT NOT NULL, service_name TEXT NOT NULL,
  status TEXT NOT NULL, original_date TEXT, change_reason TEXT, note TEXT
);
CREATE INDEX IF NOT EXISTS collections_by_council ON collections (council_code, uprn, date);
CREATE TABLE IF NOT EXISTS failures (
  council_code TEXT NOT NULL, stage TEXT NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL,
  fallback_url TEXT, at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS failures_by_council ON failures (council_code);
`;

/**
 * The gateway's cost model (gateway/limits/operation-cost.ts, README): a postcode's properties count as 50,
 * times one unit per 14 days of `collections`; one operation may cost 5,000. The snapshot asks a council
 * about as many postcodes per request as keep it under 4,000, so a long range never gets refused.
 */
const COST_BUDGET_PER_REQUEST = 4_000;
const PROPERTIES_PER_POSTCODE_COST = 50;

export interface CollectionsOptions {
  from: string;
  to: string;
  /** The postcodes to ask each council about (postcode-sample.ts). */
  postcodesOf: PostcodesOf;
  /** Recorded, so a rerun with another sample size does not mix two samples in one file. */
  postcodesPerCouncil: number;
}

export interface SnapshotOptions {
  execute: Execute;
  /** The SQLite file; an existing snapshot in it is continued. */
  out: string;
  /** Properties and collections too; councils and services only without it. */
  collections?: CollectionsOptions;
  /** Only these councils (GSS codes); every waste-collecting council when absent. */
  councils?: string[];
  /** Councils asked at once. */
  concurrency?: number;
  /** Stops taking new councils when aborted; those in flight are finished and written. */
  signal?: AbortSignal;
  onProgress?: (progress: SnapshotProgress) => void;
  now?: () => Date;
}

export interface SnapshotProgress {
  /** Councils done or failed so far, including those a previous run finished. */
  done: number;
  total: number;
  failed: number;
}

export interface SnapshotResult {
  total: number;
  answered: number;
  failed: number;
  /** Answered in an earlier run of the same snapshot, so not asked again. */
  alreadyDone: number;
  interrupted: boolean;
}

/** The file holds another snapshot (other range or sample), or is not a snapshot at all. */
export class SnapshotMismatchError extends Error {}

interface DirectoryCouncil {
  code: string;
  name: string;
  nation: string;
  tier: string;
  website: string;
  binDayUrl: string | null;
}

interface ServiceAnswer {
  id: string;
  name: string;
  type: string;
  containers: Array<{ name: string; colour: string | null; kind: string }>;
  frequency: { description: string; rrule: string | null } | null;
  subscription: { required: boolean; description: string; url: string | null } | null;
}

interface CouncilAnswer {
  dataSource: { kind: string; notice: string | null; updatedAt: string | null; stale: boolean } | null;
  services: ServiceAnswer[] | null;
}

interface CollectionAnswer {
  date: string;
  status: string;
  originalDate: string | null;
  changeReason: string | null;
  note: string | null;
  service: { id: string; type: string; name: string };
}

interface PropertyAnswer {
  uprn: string;
  postcode: string | null;
  address: { singleLine: string } | null;
  collections: CollectionAnswer[] | null;
}

interface Failure {
  stage: 'council' | 'properties';
  code: string;
  message: string;
  fallbackUrl: string | null;
}

interface CouncilOutcome {
  council: DirectoryCouncil;
  answer: CouncilAnswer | null;
  properties: PropertyAnswer[];
  failures: Failure[];
}

const DIRECTORY_FIELDS = 'code name nation tier website binDayUrl';
const LIST_ALL = `query SnapshotCouncils { councils(collectsWaste: true) { ${DIRECTORY_FIELDS} } }`;
const LIST_SOME = `query SnapshotCouncils($codes: [ID!]!) { councils(codes: $codes) { ${DIRECTORY_FIELDS} } }`;
const COUNCIL_FIELDS = `dataSource { kind notice updatedAt stale }
    services { id name type containers { name colour kind } frequency { description rrule } subscription { required description url } }`;
const PROPERTY_FIELDS = `uprn postcode address { singleLine }
      collections(from: $from, to: $to) { date status originalDate changeReason note service { id type name } }`;

/** One request for a council: its data source and services (first request only), and some postcodes' properties. */
export function councilQuery(postcodes: number, withCouncilFields: boolean): string {
  const variables = ['$code: ID!'];
  const fields = [withCouncilFields ? COUNCIL_FIELDS : 'code'];
  if (postcodes > 0) variables.push('$from: Date!', '$to: Date!');
  for (let i = 0; i < postcodes; i++) {
    variables.push(`$p${i}: String!`);
    fields.push(`p${i}: properties(postcode: $p${i}) { ${PROPERTY_FIELDS} }`);
  }
  return `query SnapshotCouncil(${variables.join(', ')}) { council(code: $code) {\n    ${fields.join('\n    ')}\n  } }`;
}

export function postcodesPerRequest(from: string, to: string): number {
  const units = Math.ceil((daysBetween(from, to) + 1) / 14);
  return Math.max(1, Math.floor(COST_BUDGET_PER_REQUEST / (PROPERTIES_PER_POSTCODE_COST * units)));
}

export async function exportSnapshot(options: SnapshotOptions): Promise<SnapshotResult> {
  const now = options.now ?? (() => new Date());
  const db = openSnapshot(options.out, settingsOf(options), now());
  try {
    const councils = await listCouncils(options);
    const done = new Set(
      (db.prepare(`SELECT code FROM councils WHERE status = 'answered'`).all() as Array<{ code: string }>).map((row) => row.code),
    );
    const alreadyDone = councils.filter((c) => done.has(c.code)).length;
    const queue = councils.filter((c) => !done.has(c.code));
    const write = councilWriter(db);
    const progress: SnapshotProgress = { done: alreadyDone, total: councils.length, failed: 0 };
    let answered = 0;
    const worker = async () => {
      for (let council = queue.shift(); council; council = queue.shift()) {
        const outcome = await askCouncil(options, council);
        write(outcome, now().toISOString());
        progress.done++;
        if (outcome.failures.length) progress.failed++;
        else answered++;
        options.onProgress?.({ ...progress });
        if (options.signal?.aborted) return;
      }
    };
    if (!options.signal?.aborted) await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
    const interrupted = queue.length > 0;
    db.prepare(`INSERT OR REPLACE INTO snapshot (key, value) VALUES (?, ?)`).run(interrupted ? 'interrupted_at' : 'finished_at', now().toISOString());
    return { total: councils.length, answered, failed: progress.failed, alreadyDone, interrupted };
  } finally {
    db.close();
  }
}

function settingsOf(options: SnapshotOptions): Record<string, string> {
  const c = options.collections;
  return {
    format_version: FORMAT_VERSION,
    collections: c ? 'yes' : 'no',
    from: c?.from ?? '',
    to: c?.to ?? '',
    postcodes_per_council: c ? String(c.postcodesPerCouncil) : '',
  };
}

/** Opens (or creates) the snapshot; refuses a file that holds a different snapshot, or something else. */
function openSnapshot(path: string, settings: Record<string, string>, startedAt: Date): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
  } catch (error) {
    throw new SnapshotMismatchError(`${path} cannot be opened as a SQLite file (${(error as Error).message}). Choose another --out.`);
  }
  const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>).map((t) => t.name);
  if (tables.length > 0 && !tables.includes('snapshot')) {
    db.close();
    throw new SnapshotMismatchError(`${path} is a SQLite file but not a Binfo snapshot. Choose another --out.`);
  }
  db.exec(SCHEMA);
  const recorded = new Map((db.prepare(`SELECT key, value FROM snapshot`).all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
  if (recorded.has('format_version')) {
    const differences = Object.entries(settings)
      .filter(([key, value]) => recorded.get(key) !== value)
      .map(([key, value]) => `${key} ${recorded.get(key) || '(none)'} there, ${value || '(none)'} now`);
    if (differences.length) {
      db.close();
      throw new SnapshotMismatchError(`${path} holds another snapshot (${differences.join('; ')}). Rerun with the same options to continue it, or choose another --out.`);
    }
  } else {
    const insert = db.prepare(`INSERT INTO snapshot (key, value) VALUES (?, ?)`);
    db.transaction(() => {
      for (const [key, value] of Object.entries(settings)) insert.run(key, value);
      insert.run('started_at', startedAt.toISOString());
    })();
  }
  return db;
}

async function listCouncils(options: SnapshotOptions): Promise<DirectoryCouncil[]> {
  const answer = options.councils ? await options.execute(LIST_SOME, { codes: options.councils }) : await options.execute(LIST_ALL);
  const councils = answer.data?.councils as DirectoryCouncil[] | undefined;
  if (!councils?.length) {
    throw new Error(`The national graph listed no councils${answer.errors ? `: ${answer.errors.map((e) => e.message).join('; ')}` : ''}`);
  }
  if (options.councils) {
    const unknown = options.councils.filter((code) => !councils.some((c) => c.code === code));
    if (unknown.length) throw new Error(`The national graph has no council ${unknown.join(', ')}`);
  }
  return councils;
}

/** Asks one council everything the snapshot wants of it, stopping at its first failure. */
async function askCouncil(options: SnapshotOptions, council: DirectoryCouncil): Promise<CouncilOutcome> {
  const postcodes = options.collections?.postcodesOf(council.code) ?? [];
  const perRequest = options.collections ? postcodesPerRequest(options.collections.from, options.collections.to) : 1;
  const chunks: string[][] = [];
  for (let i = 0; i < postcodes.length; i += perRequest) chunks.push(postcodes.slice(i, i + perRequest));
  if (chunks.length === 0) chunks.push([]);

  const outcome: CouncilOutcome = { council, answer: null, properties: [], failures: [] };
  const seen = new Set<string>();
  for (const [index, chunk] of chunks.entries()) {
    const stage = index === 0 ? 'council' : 'properties';
    const variables: Record<string, unknown> = { code: council.code };
    if (chunk.length) Object.assign(variables, { from: options.collections!.from, to: options.collections!.to });
    chunk.forEach((postcode, i) => (variables[`p${i}`] = postcode));
    let answer: GraphQLAnswer;
    try {
      answer = await options.execute(councilQuery(chunk.length, index === 0), variables);
    } catch (error) {
      outcome.failures.push({ stage, code: 'REQUEST_FAILED', message: `The national graph could not be asked: ${(error as Error).message}`, fallbackUrl: null });
      return outcome;
    }
    for (const error of answer.errors ?? []) {
      const extensions = error.extensions ?? {};
      outcome.failures.push({
        stage,
        code: String(extensions.code ?? 'ERROR'),
        message: error.message,
        fallbackUrl: typeof extensions.fallbackUrl === 'string' ? extensions.fallbackUrl : null,
      });
    }
    const data = answer.data?.council as (CouncilAnswer & Record<string, PropertyAnswer[] | null>) | null | undefined;
    if (index === 0) outcome.answer = data ? { dataSource: data.dataSource ?? null, services: data.services ?? null } : null;
    for (let i = 0; i < chunk.length; i++) {
      for (const property of data?.[`p${i}`] ?? []) {
        if (!seen.has(property.uprn)) outcome.properties.push(property), seen.add(property.uprn);
      }
    }
    if (outcome.failures.length) return outcome;
    if (index === 0 && !data) {
      outcome.failures.push({ stage, code: 'NO_ANSWER', message: 'The national graph gave no data for this council, and no error.', fallbackUrl: council.binDayUrl });
      return outcome;
    }
  }
  if (options.collections) {
    const noneBecause = whyNoCollections(postcodes, outcome.properties);
    if (noneBecause) outcome.failures.push({ stage: 'properties', ...noneBecause, fallbackUrl: council.binDayUrl ?? council.website });
  }
  return outcome;
}

/** Why a council that raised no error still gave no collections to count, if it gave none. */
function whyNoCollections(postcodes: string[], properties: PropertyAnswer[]): { code: string; message: string } | undefined {
  if (postcodes.length === 0) {
    return { code: 'NO_POSTCODES', message: 'No postcode of this council is known to the snapshot (Northern Ireland has no open postcode data), so no property could be asked about.' };
  }
  if (properties.length === 0) return { code: 'NO_PROPERTIES', message: `The council listed no property in the postcodes asked (${postcodes.join(', ')}).` };
  if (properties.every((p) => !p.collections?.length)) return { code: 'NO_COLLECTIONS', message: `The council gave no collection in the range for the ${properties.length} properties asked about.` };
  return undefined;
}

/** Writes one council, replacing whatever an earlier, failed attempt left, in one transaction. */
function councilWriter(db: Database.Database): (outcome: CouncilOutcome, at: string) => void {
  const removals = ['councils WHERE code = ?', 'services WHERE council_code = ?', 'properties WHERE council_code = ?', 'collections WHERE council_code = ?', 'failures WHERE council_code = ?'].map(
    (target) => db.prepare(`DELETE FROM ${target}`),
  );
  const insertCouncil = db.prepare(`INSERT INTO councils VALUES (@code, @name, @nation, @tier, @website, @binDayUrl, @kind, @notice, @updatedAt, @stale, @status, @at)`);
  const insertService = db.prepare(`INSERT OR REPLACE INTO services VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertProperty = db.prepare(`INSERT OR REPLACE INTO properties VALUES (?, ?, ?, ?)`);
  const insertCollection = db.prepare(`INSERT INTO collections VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertFailure = db.prepare(`INSERT INTO failures VALUES (?, ?, ?, ?, ?, ?)`);
  return db.transaction((outcome: CouncilOutcome, at: string) => {
    const { council, answer } = outcome;
    for (const removal of removals) removal.run(council.code);
    const answered = outcome.failures.length === 0;
    const source = answer?.dataSource;
    insertCouncil.run({
      ...council,
      kind: source?.kind ?? null,
      notice: source?.notice ?? null,
      updatedAt: source?.updatedAt ?? null,
      stale: source ? Number(source.stale) : null,
      status: answered ? 'answered' : 'failed',
      at,
    });
    for (const s of answer?.services ?? []) {
      insertService.run(
        council.code, s.id, s.name, s.type, s.frequency?.description ?? null, s.frequency?.rrule ?? null, everyWeeksOf(s.frequency?.rrule),
        Number(s.subscription?.required ?? false), s.subscription?.description ?? null, s.subscription?.url ?? null, JSON.stringify(s.containers),
      );
    }
    for (const failure of outcome.failures) insertFailure.run(council.code, failure.stage, failure.code, failure.message, failure.fallbackUrl, at);
    // Properties and collections only from a council that answered, so every collection is a whole answer.
    if (!answered) return;
    const councilServiceId = councilServiceIds(answer?.services ?? []);
    for (const p of outcome.properties) {
      insertProperty.run(council.code, p.uprn, p.postcode, p.address?.singleLine ?? null);
      for (const c of p.collections ?? []) {
        insertCollection.run(council.code, p.uprn, c.date, councilServiceId(c.service), c.service.id, c.service.type, c.service.name, c.status, c.originalDate, c.changeReason, c.note);
      }
    }
  });
}

/**
 * The council-wide service a property's collection belongs to, so `collections` joins `services`. A property
 * on a round with its own frequency gets a variant id, the service's id and a third part
 * (`E06000001:food` -> `E06000001:food:ff81d227`, schema rule 9): the longest council service id it extends
 * wins. A council that names variants otherwise is matched by type when it runs one service of that type;
 * failing both, null rather than a guess.
 */
export function councilServiceIds(services: ReadonlyArray<{ id: string; type: string }>): (service: { id: string; type: string }) => string | null {
  const ids = services.map((s) => s.id).sort((a, b) => b.length - a.length);
  return (service) => {
    const extended = ids.find((id) => service.id === id || service.id.startsWith(`${id}:`));
    if (extended) return extended;
    const sameType = services.filter((s) => s.type === service.type);
    return sameType.length === 1 ? sameType[0].id : null;
  };
}

/** Progress on stderr: a bar on a terminal, else a line every `every` councils (and at the end), for logs. */
export function snapshotProgress(stream: NodeJS.WriteStream, every = 25): (progress: SnapshotProgress) => void {
  if (stream.isTTY) {
    return ({ done, total, failed }) => {
      const width = 30;
      const filled = Math.round((done / total) * width);
      stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} councils${failed ? `, ${failed} could not answer` : ''}`);
      if (done === total) stream.write('\n');
    };
  }
  return ({ done, total, failed }) => {
    if (done % every === 0 || done === total) stream.write(`binfo export: ${done}/${total} councils${failed ? `, ${failed} could not answer` : ''}\n`);
  };
}
