// National webhook subscriptions over HTTP at the gateway, for apps holding an API key (`npm run api-key`):
//
//   POST   /webhooks   { "url", "councils"? }   key → 201 { subscription, secret }  (the secret is shown only here)
//   GET    /webhooks                            key → 200 { subscriptions }
//   GET    /webhooks/<id>                       key → 200 { subscription }
//   GET    /webhooks/<id>/deliveries            key → 200 { deliveries } (latest attempts first)
//   POST   /webhooks/<id>/resume                key → 200 { subscription }
//   DELETE /webhooks/<id>                       key → 204
//
// The key goes in `x-api-key` (as for /graphql) or `Authorization: Bearer`. An app sees and changes only its
// own subscriptions: another app's id answers 404, as a missing one does. Refusals are JSON
// `{ "error": { "code", "message" } }` with a sentence saying what to do.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EdgeErrorCode, sendJson } from '../../lib/http/apollo-handler.js';
import { answerJsonApi, ApiRefusal as Refusal, methodNotAllowed as notAllowed, readBodyWithin } from '../../lib/http/json-api.js';
import { ErrorCode } from '../../schema/error-codes.js';
import type { ApiKeyVerifier } from '../limits/api-keys.js';
import { NationalWebhookError, type NationalSubscriptions } from './national-subscriptions.js';

export const WebhookApiErrorCode = {
  BAD_USER_INPUT: ErrorCode.BAD_USER_INPUT,
  UNAUTHENTICATED: ErrorCode.UNAUTHENTICATED,
  INTERNAL_SERVER_ERROR: ErrorCode.INTERNAL_SERVER_ERROR,
  PAYLOAD_TOO_LARGE: EdgeErrorCode.PAYLOAD_TOO_LARGE,
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** The app already has as many subscriptions as it may. */
  CONFLICT: 'CONFLICT',
} as const;

export const WEBHOOKS_PATH = '/webhooks';
const PATH = /^\/webhooks(?:\/([^/]+)(?:\/(deliveries|resume))?)?\/?$/;
const BODY_LIMIT_BYTES = 16 * 1024;
const NO_STORE = { 'cache-control': 'no-store' };

export interface WebhookRoutesOptions {
  subscriptions: NationalSubscriptions;
  /** The gateway's issued keys; without them every request is refused, saying how to get one. */
  apiKeys?: ApiKeyVerifier;
  /** Whether a GSS code is a council Binfo knows (a subscription's `councils` filter is checked against it). */
  isKnownCouncil(code: string): boolean;
  log?: (entry: Record<string, unknown>) => void;
}

/** Answers a /webhooks request and returns true; false (nothing sent) for any other path. */
export function webhookRoutes(options: WebhookRoutesOptions): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  const { subscriptions } = options;
  const log = (entry: Record<string, unknown>) => {
    try {
      options.log?.(entry);
    } catch {
      /* best effort */
    }
  };

  function ownerOf(req: IncomingMessage): string {
    const header = req.headers['x-api-key'];
    const bearer = req.headers.authorization ? /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization)?.[1] : undefined;
    const key = (typeof header === 'string' ? header.trim() : undefined) || bearer;
    const challenge = { 'www-authenticate': 'Bearer realm="binfo-webhooks"' };
    if (!key) throw new Refusal(401, WebhookApiErrorCode.UNAUTHENTICATED, 'National webhooks need an API key: send it as "x-api-key: <key>". Keys are issued by the operator with `npm run api-key -- issue <name>`.', challenge);
    const verified = options.apiKeys?.verify(key);
    if (!verified) throw new Refusal(401, WebhookApiErrorCode.UNAUTHENTICATED, 'The API key is not valid: it is unknown or has been revoked. Ask the operator for a new one.', challenge);
    return verified.name;
  }

  async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
    const text = await readBodyWithin(req, BODY_LIMIT_BYTES);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new Refusal(400, WebhookApiErrorCode.BAD_USER_INPUT, 'The body must be a JSON object such as { "url": "https://app.example/binfo-webhook", "councils": ["E06000038"] }.');
    }
    return body as Record<string, unknown>;
  }

  async function route(req: IncomingMessage, res: ServerResponse, id: string | null, action: string | undefined): Promise<void> {
    const method = req.method ?? 'GET';
    const owner = ownerOf(req);
    if (id === null) {
      if (method === 'GET') return sendJson(res, 200, { subscriptions: subscriptions.list(owner) }, NO_STORE);
      if (method === 'POST') {
        const body = await jsonBody(req);
        if (body.url === undefined) throw new Refusal(400, WebhookApiErrorCode.BAD_USER_INPUT, 'url is required: the address we should POST events to.');
        const created = subscriptions.add(owner, { url: body.url, councils: body.councils }, options.isKnownCouncil);
        log({ level: 'info', msg: 'national webhook subscription added', client: owner, id: created.subscription.id });
        return sendJson(res, 201, created, { ...NO_STORE, location: `${WEBHOOKS_PATH}/${created.subscription.id}` });
      }
      throw notAllowed('GET, POST');
    }
    if (action === 'deliveries') {
      if (method !== 'GET') throw notAllowed('GET');
      return sendJson(res, 200, { deliveries: subscriptions.log(owner, id) }, NO_STORE);
    }
    if (action === 'resume') {
      if (method !== 'POST') throw notAllowed('POST');
      return sendJson(res, 200, { subscription: subscriptions.resume(owner, id) }, NO_STORE);
    }
    if (method === 'GET') {
      const subscription = subscriptions.get(owner, id);
      if (!subscription) throw new NationalWebhookError('not-found', `You have no national webhook subscription ${id}.`);
      return sendJson(res, 200, { subscription }, NO_STORE);
    }
    if (method === 'DELETE') {
      subscriptions.remove(owner, id);
      log({ level: 'info', msg: 'national webhook subscription removed', client: owner, id });
      res.writeHead(204).end();
      return;
    }
    throw notAllowed('GET, DELETE');
  }

  return async (req, res, url) => {
    const match = PATH.exec(url.pathname);
    if (!match) return false;
    await answerJsonApi(res, () => route(req, res, match[1] ? decodeURIComponent(match[1]) : null, match[2]), {
      refusalOf: refusalFor,
      internalMessage: 'Something went wrong managing webhooks; list them to see what was saved.',
      logFailure: (error) => log({ level: 'error', msg: 'national webhook request failed', error: String(error) }),
      headers: NO_STORE,
    });
    return true;
  };
}

function refusalFor(error: unknown): Refusal | null {
  if (error instanceof NationalWebhookError) {
    if (error.kind === 'invalid') return new Refusal(400, WebhookApiErrorCode.BAD_USER_INPUT, error.message);
    if (error.kind === 'not-found') return new Refusal(404, WebhookApiErrorCode.NOT_FOUND, error.message);
    return new Refusal(409, WebhookApiErrorCode.CONFLICT, error.message);
  }
  if (error instanceof URIError) return new Refusal(404, WebhookApiErrorCode.NOT_FOUND, 'The address is not valid.');
  return null;
}

