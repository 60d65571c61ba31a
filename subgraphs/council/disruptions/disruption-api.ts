// The HTTP API a council's waste team uses to post, edit and withdraw disruptions.
// Plugged into the council host as `extraRoutes`:
//
//   GET    /councils/<code>/disruptions[?active=YYYY-MM-DD]   public: all (withdrawn too), newest first
//   GET    /councils/<code>/disruptions/<id>                  public
//   POST   /councils/<code>/disruptions                       token → 201 { disruption }
//   PATCH  /councils/<code>/disruptions/<id>                  token → 200 { disruption }
//   DELETE /councils/<code>/disruptions/<id>                  token → 200 { disruption } (withdrawn; idempotent)
//
// Writes need `Authorization: Bearer <token>` issued for that very council. Errors are
// `{ "error": { "code", "message", "problems"? } }` so a script or a person can read what to fix.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { isIsoDate } from '../../../domain/dates.js';
import { isActiveOn, parsePostcodeArea, type Disruption, type DisruptionArea, type DisruptionEffect } from '../../../domain/disruptions/apply.js';
import { CHANGE_REASONS, SERVICE_TYPES } from '../../../domain/types.js';
import { readBody, RequestBodyTooLarge, sendJson } from '../../../lib/http/apollo-handler.js';
import { ErrorCode } from '../../../schema/error-codes.js';
import type { CouncilTokens } from './council-tokens.js';
import { disruptionJson } from './disruption-json.js';
export { disruptionJson, type DisruptionJson } from './disruption-json.js';
import {
  DisruptionNotFoundError,
  DisruptionValidationError,
  DisruptionWithdrawnError,
  type DisruptionInput,
  type DisruptionPatch,
  type DisruptionStore,
  type DisruptionActor,
  TOKEN_ACTOR,
} from './disruption-store.js';

export const DISRUPTION_BODY_LIMIT_BYTES = 64 * 1024;

/** The API's error codes: the graph's own where one fits, plus the plain HTTP ones this REST API needs. */
export const DisruptionApiErrorCode = {
  BAD_USER_INPUT: ErrorCode.BAD_USER_INPUT,
  UNAUTHENTICATED: ErrorCode.UNAUTHENTICATED,
  FORBIDDEN: ErrorCode.FORBIDDEN,
  INTERNAL_SERVER_ERROR: ErrorCode.INTERNAL_SERVER_ERROR,
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** The disruption was withdrawn: it can no longer be edited. */
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
} as const;
type ApiErrorCode = (typeof DisruptionApiErrorCode)[keyof typeof DisruptionApiErrorCode];

export interface DisruptionRoutesOptions {
  /** Whether this host serves the council: the API answers 404 for any other. */
  isServed(councilCode: string): boolean;
  /** Structured log lines (writes, refusals, failures); the token is never included. */
  log?: (entry: Record<string, unknown>) => void;
  bodyLimitBytes?: number;
}

export type ExtraRoutes = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

// ---- The body, in the words a council team writes ---------------------------------------------

const FIELDS = ['title', 'reason', 'message', 'serviceTypes', 'area', 'effect', 'startsOn', 'endsOn', 'url'] as const;
const AREA_HELP = 'must be "council", { "postcodes": ["RG1", "RG2 6", "RG4 5AB"] } or { "rounds": ["REFUSE-MON-A"] }';
const EFFECT_HELP = 'must be "cancelled", "leave-out" or { "delayedDays": 2 }';

const isoDate = z
  .string({ error: 'must be a date written YYYY-MM-DD' })
  .refine(isIsoDate, { error: (issue) => `must be a real date written YYYY-MM-DD, got ${JSON.stringify(issue.input)}` });

const postcodeEntry = z
  .string({ error: 'must be a postcode, outward code or sector written as text' })
  .refine((entry) => parsePostcodeArea(entry) !== null, {
    error: (issue) => `${JSON.stringify(issue.input)} is not a postcode ("RG4 5AB"), outward code ("RG1") or sector ("RG2 6")`,
  });

const areaSchema = z.union(
  [
    z.literal('council'),
    z.strictObject({
      postcodes: z.array(postcodeEntry).min(1, { error: 'must list at least one postcode, outward code or sector' }).max(1000),
    }),
    z.strictObject({
      rounds: z.array(z.string().trim().min(1, { error: 'must not be empty' }).max(100)).min(1, { error: 'must list at least one round' }).max(1000),
    }),
  ],
  { error: AREA_HELP },
);

const effectSchema = z.union(
  [
    z.literal('cancelled'),
    z.literal('leave-out'),
    z.strictObject({ delayedDays: z.int({ error: 'must be a whole number of days' }).min(1, { error: 'must be at least 1' }).max(31, { error: 'must be at most 31' }) }),
  ],
  { error: EFFECT_HELP },
);

const bodyFields = {
  title: z.string({ error: 'must be text' }).trim().min(1, { error: 'must not be empty' }).max(200, { error: 'must be at most 200 characters' }),
  reason: z.enum(CHANGE_REASONS, { error: `must be one of ${CHANGE_REASONS.join(', ')}` }),
  message: z.string({ error: 'must be text or null' }).max(2000, { error: 'must be at most 2000 characters' }).nullable().optional(),
  serviceTypes: z
    .array(z.enum(SERVICE_TYPES, { error: `must be one of ${SERVICE_TYPES.join(', ')}` }), { error: 'must be a list of service types, or null for every service' })
    .min(1, { error: 'must list at least one service type, or be null for every service' })
    .nullable()
    .optional(),
  area: areaSchema,
  effect: effectSchema,
  startsOn: isoDate,
  endsOn: isoDate.nullable().optional(),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) address' }).max(2000).nullable().optional(),
};

const createBody = z.strictObject(bodyFields);
const patchBody = z
  .strictObject(bodyFields)
  .partial()
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), { error: `must change at least one of ${FIELDS.join(', ')}` });

type CreateBody = z.infer<typeof createBody>;
type PatchBody = z.infer<typeof patchBody>;

function toArea(area: CreateBody['area']): DisruptionArea {
  if (area === 'council') return { kind: 'council' };
  return 'postcodes' in area ? { kind: 'postcodes', postcodes: area.postcodes } : { kind: 'rounds', roundIds: area.rounds };
}

function toEffect(effect: CreateBody['effect']): DisruptionEffect {
  if (effect === 'cancelled') return { kind: 'cancelled' };
  if (effect === 'leave-out') return { kind: 'leave-out' };
  return { kind: 'delayed', days: effect.delayedDays };
}

function toPatch(body: PatchBody): DisruptionPatch {
  const { area, effect, ...rest } = body;
  return { ...rest, area: area === undefined ? undefined : toArea(area), effect: effect === undefined ? undefined : toEffect(effect) };
}


// ---- Errors ------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly problems?: string[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function sendError(res: ServerResponse, error: ApiError): void {
  const body = { error: { code: error.code, message: error.message, ...(error.problems ? { problems: error.problems } : {}) } };
  sendJson(res, error.status, body, error.headers);
}

function invalid(problems: string[]): ApiError {
  return new ApiError(400, DisruptionApiErrorCode.BAD_USER_INPUT, 'The disruption was not saved: fix the problems listed and send it again.', problems);
}

/** `area.postcodes[0]: "XX" is not a postcode …`, one line per problem. */
function describeIssues(issues: readonly z.core.$ZodIssue[], body: unknown): string[] {
  return issues.map((issue) => {
    const where = issue.path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '') || 'body';
    if (issue.code === 'unrecognized_keys') return `${where}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    if (isAbsent(body, issue.path)) return issue.code === 'invalid_type' ? `${where}: is required` : `${where}: is required (${issue.message})`;
    return `${where}: ${issue.message}`;
  });
}

/** True when the last key of `path` is missing from its parent in `body`, as opposed to present but wrong. */
function isAbsent(body: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return false;
  let parent = body;
  for (const key of path.slice(0, -1)) parent = parent !== null && typeof parent === 'object' ? (parent as Record<PropertyKey, unknown>)[key] : undefined;
  return parent !== null && typeof parent === 'object' && !Object.hasOwn(parent, path[path.length - 1]);
}

/**
 * Zod skips an object's cross-field checks while any field is wrong, and the store checks the order of
 * the dates only once the body is valid: so say it here too, and every problem is reported at once.
 */
function datesOutOfOrder(body: Record<string, unknown>): string[] {
  const { startsOn, endsOn } = body;
  return isIsoDate(startsOn) && isIsoDate(endsOn) && endsOn < startsOn ? [`endsOn ${endsOn} is before startsOn ${startsOn}`] : [];
}

/** The store and the domain name fields as the code does; the API shows the names the team wrote. */
function inApiWords(problem: string): string {
  return problem.replace(/^area\.roundIds/, 'area.rounds').replace(/^effect\.days/, 'effect.delayedDays');
}

// ---- Routes --------------------------------------------------------------------------------------

const COLLECTION_PATH = /^\/councils\/([^/]+)\/disruptions\/?$/;
const ITEM_PATH = /^\/councils\/([^/]+)\/disruptions\/([^/]+)\/?$/;
const GSS_CODE = /^[A-Z]\d{8}$/;

export function disruptionRoutes(store: DisruptionStore, tokens: CouncilTokens, options: DisruptionRoutesOptions): ExtraRoutes {
  const limit = options.bodyLimitBytes ?? DISRUPTION_BODY_LIMIT_BYTES;
  // A failing logger must not turn a committed write into an error answer.
  const log = (entry: Record<string, unknown>) => {
    try {
      options.log?.(entry);
    } catch {
      /* logging is best effort */
    }
  };

  /** The council the token is for, or an ApiError; the body is not read before this passes. */
  function authorise(req: IncomingMessage, councilCode: string, action: string): void {
    const header = req.headers.authorization;
    const bearer = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const refuse = (status: 401 | 403, code: ApiErrorCode, message: string, headers: Record<string, string> = {}) => {
      log({ level: 'warn', msg: 'disruption write refused', council: councilCode, action, status });
      return new ApiError(status, code, message, undefined, headers);
    };
    if (!bearer) {
      throw refuse(401, DisruptionApiErrorCode.UNAUTHENTICATED, `Changing disruptions needs ${councilCode}'s token: send "Authorization: Bearer <token>".`, {
        'www-authenticate': 'Bearer realm="binfo-disruptions"',
      });
    }
    const owner = tokens.verify(bearer[1]);
    if (owner === null) {
      throw refuse(401, DisruptionApiErrorCode.UNAUTHENTICATED, 'The token is not valid: it is unknown or has been revoked. Ask for a new one.', {
        'www-authenticate': 'Bearer realm="binfo-disruptions", error="invalid_token"',
      });
    }
    if (owner !== councilCode) {
      throw refuse(403, DisruptionApiErrorCode.FORBIDDEN, `This token is for council ${owner}; it cannot change the disruptions of ${councilCode}.`);
    }
  }

  async function jsonBody(req: IncomingMessage): Promise<unknown> {
    let text: string;
    try {
      text = await readBody(req, limit);
    } catch (error) {
      if (error instanceof RequestBodyTooLarge) throw new ApiError(413, DisruptionApiErrorCode.PAYLOAD_TOO_LARGE, `The body is larger than ${limit} bytes.`);
      throw error;
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw invalid([`body: is not valid JSON (${(error as Error).message})`]);
    }
  }

  function parsed<T>(schema: z.ZodType<T>, body: unknown): T {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid(['body: must be a JSON object']);
    const result = schema.safeParse(body, { reportInput: true });
    if (!result.success) throw invalid([...describeIssues(result.error.issues, body), ...datesOutOfOrder(body as Record<string, unknown>)]);
    return result.data;
  }

  function logWrite(action: 'create' | 'update' | 'withdraw', d: Disruption): void {
    const done = { create: 'created', update: 'updated', withdraw: 'withdrawn' }[action];
    log({ level: 'info', msg: `disruption ${done}`, council: d.councilCode, id: d.id, action });
  }

  async function route(req: IncomingMessage, res: ServerResponse, councilCode: string, id: string | null, url: URL): Promise<void> {
    if (!GSS_CODE.test(councilCode)) throw new ApiError(404, DisruptionApiErrorCode.NOT_FOUND, `${JSON.stringify(councilCode)} is not a GSS council code such as E06000038.`);
    if (!options.isServed(councilCode)) throw new ApiError(404, DisruptionApiErrorCode.NOT_FOUND, `No council ${councilCode} is served by this host.`);
    const method = req.method ?? 'GET';
    const self = (d: Disruption) => `/councils/${d.councilCode}/disruptions/${encodeURIComponent(d.id)}`;

    if (id === null) {
      if (method === 'GET') {
        const active = url.searchParams.get('active');
        if (active !== null && !isIsoDate(active)) throw invalid([`active: must be a real date written YYYY-MM-DD, got ${JSON.stringify(active)}`]);
        const all = store.list(councilCode);
        const shown = active === null ? all : all.filter((d) => isActiveOn(d, active));
        sendJson(res, 200, { councilCode, disruptions: shown.map(disruptionJson) }, { 'cache-control': 'no-cache' });
        return;
      }
      if (method === 'POST') {
        authorise(req, councilCode, 'create');
        const body = parsed(createBody, await jsonBody(req));
        const input: DisruptionInput = { ...body, area: toArea(body.area), effect: toEffect(body.effect) };
        const created = store.create(councilCode, input, actorOf(req));
        logWrite('create', created);
        sendJson(res, 201, { disruption: disruptionJson(created) }, { location: self(created) });
        return;
      }
      throw notAllowed('GET, POST');
    }

    if (method === 'GET') {
      const found = store.get(councilCode, id);
      if (!found) throw new DisruptionNotFoundError(councilCode, id);
      sendJson(res, 200, { disruption: disruptionJson(found) }, { 'cache-control': 'no-cache' });
      return;
    }
    if (method === 'PATCH') {
      authorise(req, councilCode, 'update');
      const patch = toPatch(parsed(patchBody, await jsonBody(req)));
      const updated = store.update(councilCode, id, patch, actorOf(req));
      logWrite('update', updated);
      sendJson(res, 200, { disruption: disruptionJson(updated) });
      return;
    }
    if (method === 'DELETE') {
      authorise(req, councilCode, 'withdraw');
      const withdrawn = store.withdraw(councilCode, id, actorOf(req));
      logWrite('withdraw', withdrawn);
      sendJson(res, 200, { disruption: disruptionJson(withdrawn) });
      return;
    }
    throw notAllowed('GET, PATCH, DELETE');
  }

  return async (req, res, url) => {
    const collection = COLLECTION_PATH.exec(url.pathname);
    const item = collection ? null : ITEM_PATH.exec(url.pathname);
    if (!collection && !item) return false;
    try {
      const councilCode = decodeURIComponent((collection ?? item)![1]);
      const id = item ? decodeURIComponent(item[2]) : null;
      await route(req, res, councilCode, id, url);
    } catch (error) {
      sendError(res, asApiError(error, log));
    }
    return true;
  };
}

/**
 * Who the audit trail names for a token's write: the CLI says so in a header (`binfo-client: cli`);
 * anything else is the council's own systems. Only a holder of the council's token can write either way.
 */
function actorOf(req: IncomingMessage): DisruptionActor {
  return req.headers['binfo-client'] === 'cli' ? { kind: 'cli' } : TOKEN_ACTOR;
}

function notAllowed(allow: string): ApiError {
  return new ApiError(405, DisruptionApiErrorCode.METHOD_NOT_ALLOWED, `Use ${allow} here.`, undefined, { allow });
}

function asApiError(error: unknown, log: (entry: Record<string, unknown>) => void): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof DisruptionValidationError) return invalid(error.problems.map(inApiWords));
  if (error instanceof DisruptionNotFoundError) return new ApiError(404, DisruptionApiErrorCode.NOT_FOUND, error.message);
  if (error instanceof DisruptionWithdrawnError) return new ApiError(409, DisruptionApiErrorCode.CONFLICT, error.message);
  if (error instanceof URIError) return new ApiError(404, DisruptionApiErrorCode.NOT_FOUND, 'The address is not valid.');
  log({ level: 'error', msg: 'disruption request failed', error: String(error) });
  return new ApiError(500, DisruptionApiErrorCode.INTERNAL_SERVER_ERROR, 'Something went wrong reading or saving disruptions. List them to see what was saved before trying again.');
}
