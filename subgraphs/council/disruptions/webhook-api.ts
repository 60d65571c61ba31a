// Webhook subscriptions over HTTP, next to the disruptions API and with the same council tokens:
//
//   GET    /councils/<code>/webhooks                 token → 200 { subscriptions }
//   POST   /councils/<code>/webhooks   { "url" }     token → 201 { subscription, secret }  (the secret is shown only here)
//   GET    /councils/<code>/webhooks/<id>            token → 200 { subscription, deliveries } (latest attempts first)
//   DELETE /councils/<code>/webhooks/<id>            token → 204
//   POST   /councils/<code>/webhooks/<id>/resume     token → 200 { subscription }
//
// Every route needs the token: a subscription's URL is the app's business, not the public's.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../../../lib/http/apollo-handler.js';
import { answerJsonApi, ApiRefusal as Refusal, methodNotAllowed as notAllowed, readBodyWithin } from '../../../lib/http/json-api.js';
import type { CouncilTokens } from './council-tokens.js';
import { DisruptionApiErrorCode, type ExtraRoutes } from './disruption-api.js';
import { WebhookNotFoundError, WebhookUrlError, type WebhookSubscriptions } from './webhooks.js';

export interface WebhookRoutesOptions {
  isServed(councilCode: string): boolean;
  log?: (entry: Record<string, unknown>) => void;
}

const PATH = /^\/councils\/([^/]+)\/webhooks(?:\/([^/]+)(\/resume)?)?\/?$/;
const GSS_CODE = /^[A-Z]\d{8}$/;
const BODY_LIMIT_BYTES = 8 * 1024;

export function webhookRoutes(subscriptions: WebhookSubscriptions, tokens: CouncilTokens, options: WebhookRoutesOptions): ExtraRoutes {
  const log = (entry: Record<string, unknown>) => {
    try {
      options.log?.(entry);
    } catch {
      /* best effort */
    }
  };

  function authorise(req: IncomingMessage, councilCode: string): void {
    const bearer = req.headers.authorization ? /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization) : null;
    if (!bearer) {
      throw new Refusal(401, DisruptionApiErrorCode.UNAUTHENTICATED, `Webhooks need ${councilCode}'s token: send "Authorization: Bearer <token>".`, {
        'www-authenticate': 'Bearer realm="binfo-disruptions"',
      });
    }
    const owner = tokens.verify(bearer[1]);
    if (owner === null) {
      throw new Refusal(401, DisruptionApiErrorCode.UNAUTHENTICATED, 'The token is not valid: it is unknown or has been revoked. Ask for a new one.', {
        'www-authenticate': 'Bearer realm="binfo-disruptions", error="invalid_token"',
      });
    }
    if (owner !== councilCode) throw new Refusal(403, DisruptionApiErrorCode.FORBIDDEN, `This token is for council ${owner}; it cannot manage the webhooks of ${councilCode}.`);
  }

  async function urlFromBody(req: IncomingMessage): Promise<string> {
    const text = await readBodyWithin(req, BODY_LIMIT_BYTES);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Refusal(400, DisruptionApiErrorCode.BAD_USER_INPUT, 'The body must be JSON such as { "url": "https://app.example/binfo-webhook" }.');
    }
    const url = body !== null && typeof body === 'object' ? (body as Record<string, unknown>).url : undefined;
    if (typeof url !== 'string') throw new Refusal(400, DisruptionApiErrorCode.BAD_USER_INPUT, 'url is required: the address we should POST events to.');
    return url;
  }

  async function route(req: IncomingMessage, res: ServerResponse, councilCode: string, id: string | null, resume: boolean): Promise<void> {
    if (!GSS_CODE.test(councilCode) || !options.isServed(councilCode)) throw new Refusal(404, DisruptionApiErrorCode.NOT_FOUND, `No council ${councilCode} is served by this host.`);
    const method = req.method ?? 'GET';
    authorise(req, councilCode);
    if (id === null) {
      if (method === 'GET') return sendJson(res, 200, { subscriptions: subscriptions.list(councilCode) }, { 'cache-control': 'no-store' });
      if (method === 'POST') {
        const created = subscriptions.add(councilCode, await urlFromBody(req));
        log({ level: 'info', msg: 'webhook subscription added', council: councilCode, id: created.subscription.id });
        return sendJson(res, 201, created, { 'cache-control': 'no-store', location: `/councils/${councilCode}/webhooks/${created.subscription.id}` });
      }
      throw notAllowed('GET, POST');
    }
    if (resume) {
      if (method !== 'POST') throw notAllowed('POST');
      return sendJson(res, 200, { subscription: subscriptions.resume(councilCode, id) });
    }
    if (method === 'GET') {
      const subscription = subscriptions.get(councilCode, id);
      if (!subscription) throw new WebhookNotFoundError(councilCode, id);
      return sendJson(res, 200, { subscription, deliveries: subscriptions.log(councilCode, id) }, { 'cache-control': 'no-store' });
    }
    if (method === 'DELETE') {
      subscriptions.remove(councilCode, id);
      log({ level: 'info', msg: 'webhook subscription removed', council: councilCode, id });
      res.writeHead(204).end();
      return;
    }
    throw notAllowed('GET, DELETE');
  }

  return async (req, res, url) => {
    const match = PATH.exec(url.pathname);
    if (!match) return false;
    await answerJsonApi(res, () => route(req, res, decodeURIComponent(match[1]), match[2] ? decodeURIComponent(match[2]) : null, Boolean(match[3])), {
      refusalOf: (error) =>
        error instanceof WebhookUrlError
          ? new Refusal(400, DisruptionApiErrorCode.BAD_USER_INPUT, error.message)
          : error instanceof WebhookNotFoundError
            ? new Refusal(404, DisruptionApiErrorCode.NOT_FOUND, error.message)
            : error instanceof URIError
              ? new Refusal(404, DisruptionApiErrorCode.NOT_FOUND, 'The address is not valid.')
              : null,
      internalMessage: 'Something went wrong managing webhooks; list them to see what was saved.',
      logFailure: (error) => log({ level: 'error', msg: 'webhook request failed', error: String(error) }),
    });
    return true;
  };
}

