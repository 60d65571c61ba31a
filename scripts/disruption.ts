// Post, edit, withdraw and list a council's disruptions on a running council host, in one command.
// Written for a waste team on a bad morning: short flags, dates as "today", clear errors.
//
//   export BINFO_TOKEN=binfo_E06000038_…
//   npx tsx scripts/disruption.ts post --title "Snow: collections cancelled" --reason SEVERE_WEATHER \
//       --cancelled --from 2026-12-01 --to 2026-12-02 --postcodes "RG1,RG2 6"
//   npx tsx scripts/disruption.ts edit <id> --delayed-days 2
//   npx tsx scripts/disruption.ts withdraw <id>
//   npx tsx scripts/disruption.ts list
//
// See USAGE below for every flag. Exit status: 0 done, 1 refused or failed (the server's message is
// printed), 2 the command itself is wrong.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { addDays, isIsoDate, todayInLondon } from '../domain/dates.js';

const DEFAULT_HOST = 'http://127.0.0.1:4002';

const USAGE = `Usage: npx tsx scripts/disruption.ts <command> [options]

Commands:
  post             post a new disruption
  edit <id>        change a disruption: only the options given are changed
  withdraw <id>    withdraw a disruption (collections go back to normal)
  list             list the council's disruptions, newest first

Connection:
  --host <url>          council host (default $BINFO_COUNCIL_HOST, else 127.0.0.1 at $COUNCIL_HOST_PORT as npm start uses, else ${DEFAULT_HOST})
  --council <code>      GSS code, e.g. E06000038 (default: the council the token is for)
  --token <token>       the council's token (default $BINFO_TOKEN); not needed for list

Disruption (post needs --title, --reason, --from and one effect):
  --title <text>        what residents see first, e.g. "Snow: collections cancelled"
  --reason <reason>     SEVERE_WEATHER, INDUSTRIAL_ACTION, VEHICLE_BREAKDOWN, ROAD_CLOSURE, OPERATIONAL, OTHER
  --message <text>      more detail for residents
  --cancelled           collections do not happen
  --delayed-days <n>    collections happen n days later (1-31)
  --leave-out           "leave your bin out, crews will return"
  --from <date>         first day affected: YYYY-MM-DD, today or tomorrow
  --to <date>           last day affected (default: until further notice)
  --open-ended          (edit) remove the last day: until further notice
  --postcodes <list>    only these postcodes, outward codes or sectors: "RG1,RG2 6,RG4 5AB"
  --rounds <list>       only these rounds: "REFUSE-MON-A,REFUSE-TUE-B"
  --whole-council       (edit) the whole council area again (the default for post)
  --services <list>     only these services: GENERAL_WASTE,RECYCLING,… (default: all)
  --all-services        (edit) every service again
  --url <url>           a page with more information

Output:
  --active <date>       (list) only those in force on that day (YYYY-MM-DD, today or tomorrow)
  --json                print the server's JSON instead
  -h, --help            this help`;

const OPTIONS = {
  host: { type: 'string' },
  council: { type: 'string' },
  token: { type: 'string' },
  title: { type: 'string' },
  reason: { type: 'string' },
  message: { type: 'string' },
  cancelled: { type: 'boolean' },
  'delayed-days': { type: 'string' },
  'leave-out': { type: 'boolean' },
  from: { type: 'string' },
  to: { type: 'string' },
  'open-ended': { type: 'boolean' },
  postcodes: { type: 'string' },
  rounds: { type: 'string' },
  'whole-council': { type: 'boolean' },
  services: { type: 'string' },
  'all-services': { type: 'boolean' },
  url: { type: 'string' },
  active: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** A mistake in the command line (exit 2), as opposed to a refusal by the server (exit 1). */
class UsageError extends Error {}

interface DisruptionJson {
  id: string;
  councilCode: string;
  title: string;
  reason: string;
  message: string | null;
  serviceTypes: string[] | null;
  area: 'council' | { postcodes: string[] } | { rounds: string[] };
  effect: 'cancelled' | 'leave-out' | { delayedDays: number };
  startsOn: string;
  endsOn: string | null;
  url: string | null;
  updatedAt: string;
  withdrawnAt: string | null;
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
}

/** Runs the command; returns the exit status. */
export async function run(argv: string[], io: Io): Promise<number> {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true }));
  } catch (error) {
    io.err(`disruption: ${(error as Error).message}\nRun with --help for the options.`);
    return 2;
  }
  if (values.help || positionals.length === 0) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : 2;
  }
  try {
    return await command(positionals, values, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`disruption: ${error.message}\nRun with --help for the options.`);
      return 2;
    }
    io.err(`disruption: ${(error as Error).message}`);
    return 1;
  }
}

async function command(positionals: string[], values: Values, io: Io): Promise<number> {
  const [name, id, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected ${extra.map((e) => JSON.stringify(e)).join(' ')}`);
  // `||` for the environment: an empty variable means unset.
  // The same port npm start gives the council host, so `COUNCIL_HOST_PORT=4102 npm run disruption …` just works.
  const port = io.env.COUNCIL_HOST_PORT && /^\d{1,5}$/.test(io.env.COUNCIL_HOST_PORT) ? io.env.COUNCIL_HOST_PORT : null;
  const host = (values.host ?? (io.env.BINFO_COUNCIL_HOST || (port ? `http://127.0.0.1:${port}` : DEFAULT_HOST))).replace(/\/+$/, '');
  const token = values.token ?? (io.env.BINFO_TOKEN || undefined);
  const council = councilCode(values.council, token);
  const base = `${host}/councils/${council}/disruptions`;
  const needId = () => {
    if (!id) throw new UsageError(`${name} needs the disruption's id: disruption ${name} <id>`);
    return `${base}/${encodeURIComponent(id)}`;
  };
  const noId = () => {
    if (id) throw new UsageError(`${name} takes no id (got ${JSON.stringify(id)})`);
  };

  switch (name) {
    case 'list': {
      noId();
      const active = values.active === undefined ? null : date(values.active, '--active');
      const body = await call(active ? `${base}?active=${active}` : base, { method: 'GET' });
      if (values.json) return print(io, body);
      const list = (body as { disruptions: DisruptionJson[] }).disruptions;
      if (list.length === 0) io.out(`No disruptions for ${council}${active ? ` in force on ${active}` : ''}.`);
      for (const d of list) io.out(summaryLine(d));
      return 0;
    }
    case 'post': {
      noId();
      const body = await call(base, { method: 'POST', token: needToken(token), body: postBody(values) });
      return values.json ? print(io, body) : show(io, 'Posted', body);
    }
    case 'edit': {
      const url = needId();
      const patch = editBody(values);
      if (Object.keys(patch).length === 0) throw new UsageError('edit needs at least one change, e.g. --to 2026-12-03 or --delayed-days 2');
      const body = await call(url, { method: 'PATCH', token: needToken(token), body: patch });
      return values.json ? print(io, body) : show(io, 'Updated', body);
    }
    case 'withdraw': {
      const url = needId();
      const body = await call(url, { method: 'DELETE', token: needToken(token) });
      return values.json ? print(io, body) : show(io, 'Withdrew', body);
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(name)}: use post, edit, withdraw or list`);
  }
}

// ---- Building the request body from flags ----------------------------------------------------

function postBody(values: Values): Record<string, unknown> {
  const missing = (['title', 'reason', 'from'] as const).filter((flag) => values[flag] === undefined);
  if (missing.length > 0) throw new UsageError(`post needs ${missing.map((flag) => `--${flag}`).join(', ')}`);
  const body = editBody(values);
  if (body.effect === undefined) throw new UsageError('post needs an effect: --cancelled, --delayed-days <n> or --leave-out');
  return { area: 'council', ...body };
}

/** Only what the flags say; the server checks the values and lists every problem. */
function editBody(values: Values): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (values.title !== undefined) body.title = values.title;
  if (values.reason !== undefined) body.reason = values.reason.trim().toUpperCase().replace(/[\s-]+/g, '_');
  if (values.message !== undefined) body.message = values.message;
  if (values.url !== undefined) body.url = values.url;
  if (values.from !== undefined) body.startsOn = date(values.from, '--from');
  if (values.to !== undefined && values['open-ended']) throw new UsageError('give --to or --open-ended, not both');
  if (values.to !== undefined) body.endsOn = date(values.to, '--to');
  if (values['open-ended']) body.endsOn = null;

  const effects = [values.cancelled && 'cancelled', values['delayed-days'] !== undefined && 'delayed', values['leave-out'] && 'leave-out'].filter(Boolean);
  if (effects.length > 1) throw new UsageError('give one effect: --cancelled, --delayed-days <n> or --leave-out');
  if (values.cancelled) body.effect = 'cancelled';
  if (values['leave-out']) body.effect = 'leave-out';
  if (values['delayed-days'] !== undefined) {
    const days = Number(values['delayed-days']);
    if (!Number.isInteger(days)) throw new UsageError(`--delayed-days must be a whole number, got ${JSON.stringify(values['delayed-days'])}`);
    body.effect = { delayedDays: days };
  }

  const areas = [values.postcodes !== undefined, values.rounds !== undefined, values['whole-council'] === true].filter(Boolean);
  if (areas.length > 1) throw new UsageError('give one area: --postcodes, --rounds or --whole-council');
  if (values.postcodes !== undefined) body.area = { postcodes: list(values.postcodes) };
  if (values.rounds !== undefined) body.area = { rounds: list(values.rounds) };
  if (values['whole-council']) body.area = 'council';

  if (values.services !== undefined && values['all-services']) throw new UsageError('give --services or --all-services, not both');
  if (values.services !== undefined) body.serviceTypes = list(values.services).map((s) => s.toUpperCase().replace(/[\s-]+/g, '_'));
  if (values['all-services']) body.serviceTypes = null;
  return body;
}

function list(text: string): string[] {
  return text.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
}

function date(text: string, flag: string): string {
  const word = text.trim().toLowerCase();
  if (word === 'today') return todayInLondon(new Date());
  if (word === 'tomorrow') return addDays(todayInLondon(new Date()), 1);
  if (!isIsoDate(text.trim())) throw new UsageError(`${flag} must be a date written YYYY-MM-DD (or today, tomorrow), got ${JSON.stringify(text)}`);
  return text.trim();
}

function councilCode(flag: string | undefined, token: string | undefined): string {
  // Tokens name their council (binfo_<code>_…), so one flag fewer to get right under pressure.
  const code = flag ?? /^binfo_([A-Z]\d{8})_/.exec(token ?? '')?.[1];
  if (!code) throw new UsageError('say which council: --council E06000038 (or give its token)');
  if (!/^[A-Z]\d{8}$/.test(code)) throw new UsageError(`--council must be a GSS code such as E06000038, got ${JSON.stringify(code)}`);
  return code;
}

function needToken(token: string | undefined): string {
  if (!token) throw new UsageError('changing disruptions needs the council\'s token: --token <token> or BINFO_TOKEN');
  return token;
}

// ---- HTTP ---------------------------------------------------------------------------------------

async function call(url: string, request: { method: string; token?: string; body?: unknown }): Promise<unknown> {
  // binfo-client: the audit trail names the command line, not the council's systems, as the writer.
  const headers: Record<string, string> = { accept: 'application/json', 'binfo-client': 'cli' };
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    // undici says only "fetch failed"; the reason (refused, DNS, timeout) is in `cause`.
    const cause = (error as Error).cause as Error | undefined;
    throw new Error(`cannot reach ${new URL(url).origin}: ${cause?.message ?? (error as Error).message}`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${request.method} ${url} answered ${response.status} without JSON: ${text.slice(0, 200)}`);
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string; problems?: string[] } }).error;
    const problems = error?.problems?.length ? `\n${error.problems.map((p) => `  - ${p}`).join('\n')}` : '';
    throw new Error(`${error?.message ?? `the host answered ${response.status}`} (${response.status}${error?.code ? ` ${error.code}` : ''})${problems}`);
  }
  return body;
}

// ---- Output ---------------------------------------------------------------------------------------

function print(io: Io, body: unknown): number {
  io.out(JSON.stringify(body, null, 2));
  return 0;
}

function show(io: Io, verb: string, body: unknown): number {
  const d = (body as { disruption: DisruptionJson }).disruption;
  io.out(`${verb} disruption ${d.id}`);
  for (const [label, value] of details(d)) io.out(`  ${label.padEnd(9)} ${value}`);
  return 0;
}

function details(d: DisruptionJson): Array<[string, string]> {
  const rows: Array<[string, string | null]> = [
    ['Title', d.title],
    ['Council', d.councilCode],
    ['Status', status(d)],
    ['Reason', d.reason],
    ['Effect', effectText(d.effect)],
    ['Dates', datesText(d)],
    ['Area', areaText(d.area)],
    ['Services', d.serviceTypes ? d.serviceTypes.join(', ') : 'all'],
    ['Message', d.message],
    ['More', d.url],
  ];
  return rows.filter((row): row is [string, string] => row[1] !== null);
}

function summaryLine(d: DisruptionJson): string {
  return `${d.id}  ${status(d).padEnd(9)}  ${datesText(d).padEnd(24)}  ${effectText(d.effect).padEnd(18)}  ${d.title}`;
}

function status(d: DisruptionJson): string {
  const today = todayInLondon(new Date());
  if (d.withdrawnAt) return 'withdrawn';
  if (d.endsOn !== null && d.endsOn < today) return 'ended';
  return d.startsOn > today ? 'upcoming' : 'active';
}

function effectText(effect: DisruptionJson['effect']): string {
  if (effect === 'cancelled') return 'cancelled';
  if (effect === 'leave-out') return 'leave bins out';
  return `delayed ${effect.delayedDays} day${effect.delayedDays === 1 ? '' : 's'}`;
}

function datesText(d: DisruptionJson): string {
  return d.endsOn === null ? `${d.startsOn} onwards` : d.endsOn === d.startsOn ? d.startsOn : `${d.startsOn} to ${d.endsOn}`;
}

function areaText(area: DisruptionJson['area']): string {
  if (area === 'council') return 'whole council';
  return 'postcodes' in area ? `postcodes ${area.postcodes.join(', ')}` : `rounds ${area.rounds.join(', ')}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line), env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`disruption: ${(error as Error).message}`);
      process.exitCode = 1;
    },
  );
}
