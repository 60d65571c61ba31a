// A real council host on 127.0.0.1 (sign-in, sessions, console pages, disruptions store) and people who use it
// as an outsider would: a cookie jar, the form's CSRF token, and requests the pages would never send.
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadShippedBankHolidays } from '../../subgraphs/calendar/load-bank-holidays.js';
import { TEST_SCRYPT_COST } from '../../subgraphs/council/console/auth/index.js';
import { startCouncilHostWithDisruptions, type CouncilHostWithDisruptions } from '../../subgraphs/council/disruptions/run-council-host.js';
import { SampleCouncilSource } from '../../subgraphs/council/sample/sample-source.js';

export const READING = 'E06000038';
export const BRISTOL = 'E06000023';
export const PASSWORD = 'correct horse battery staple';

export type HostOptions = Partial<Parameters<typeof startCouncilHostWithDisruptions>[0]>;

export interface HostileHost {
  running: CouncilHostWithDisruptions;
  base: string;
  /** Rows in every table a console write touches: equal before and after means nothing was written. */
  writes(): Record<string, unknown>;
  close(): Promise<void>;
}

export async function startHostileHost(options: HostOptions = {}): Promise<HostileHost> {
  const dir = mkdtempSync(join(tmpdir(), 'binfo-hostile-console-'));
  const bankHolidays = loadShippedBankHolidays();
  const running = await startCouncilHostWithDisruptions({
    sources: [
      new SampleCouncilSource({ code: READING, shortName: 'Reading', nation: 'ENGLAND' }, { lookup: () => READING }, bankHolidays),
      new SampleCouncilSource({ code: BRISTOL, shortName: 'Bristol', nation: 'ENGLAND' }, { lookup: () => BRISTOL }, bankHolidays),
    ],
    dbPath: join(dir, 'disruptions.sqlite'),
    port: 0,
    webhooks: false,
    consoleAuth: { passwordCost: TEST_SCRYPT_COST },
    ...options,
  });
  const db = running.store.database;
  const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  return {
    running,
    base: running.host.url,
    writes: () => ({
      disruptions: count('disruptions'),
      changed: db.prepare("SELECT group_concat(id || updated_at || COALESCE(withdrawn_at, '') || COALESCE(reviewed_at, ''), '|') FROM (SELECT * FROM disruptions ORDER BY id)").pluck().get(),
      drafts: count('disruption_drafts'),
      draftEdits: db.prepare("SELECT group_concat(id || input || updated_at, '|') FROM (SELECT * FROM disruption_drafts ORDER BY id)").pluck().get(),
      audit: count('disruption_audit'),
      events: count('webhook_events'),
    }),
    close: async () => {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const hiddenCsrf = (html: string) => /<input type="hidden" name="csrf" value="([^"]+)">/.exec(html)?.[1];

export interface Answer {
  status: number;
  headers: Headers;
  html: string;
}

/** One browser: its cookies, and the CSRF token of the console page it last read. */
export class Browser {
  readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(private readonly base: string) {}

  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      if (/;\s*Max-Age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(name.length + 1));
    }
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async request(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      redirect: 'manual',
      headers: { cookie: this.cookieHeader(), ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }), ...headers },
      body: body as BodyInit | undefined,
    });
    this.take(response);
    const html = await response.text();
    const token = hiddenCsrf(html);
    if (token && !path.startsWith('/console/sign-in')) this.csrf = token;
    return { status: response.status, headers: response.headers, html };
  }

  get(path: string): Promise<Answer> {
    return this.request('GET', path);
  }

  /** POSTs a form with this session's CSRF token unless `fields.csrf` is given (null: none at all). */
  post(path: string, fields: Record<string, string | string[] | null>): Promise<Answer> {
    const body = new URLSearchParams();
    if (!('csrf' in fields)) body.append('csrf', this.csrf);
    for (const [name, value] of Object.entries(fields)) if (value !== null) for (const v of [value].flat()) body.append(name, v);
    return this.request('POST', path, body.toString());
  }

  async signIn(email: string, password = PASSWORD, path = '/console/sign-in'): Promise<Answer> {
    const form = await this.get(path);
    const answer = await this.request('POST', path, new URLSearchParams({ csrf: hiddenCsrf(form.html)!, email, password }).toString());
    if (answer.status === 303) await this.get('/console/');
    return answer;
  }
}

/** A request fetch refuses to make (bytes that are not Latin-1 in a header, a method fetch forbids). */
export function rawRequest(base: string, method: string, path: string, headers: Record<string, string | Buffer>, body?: Buffer): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: headers as Record<string, string> }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Bytes written straight to the socket (header bytes no HTTP client would send); the status of the answer. */
export function rawBytes(base: string, bytes: Buffer): Promise<{ status: number; head: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const head = Buffer.concat(chunks).toString('latin1').split('\r\n\r\n')[0];
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head });
    });
  });
}
