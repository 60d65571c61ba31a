// The gateway's web front: a GOV.UK-style bin-day page and iCalendar feeds, built on the national graph.
//
//   GET /                                   postcode form; ?postcode=… lists the addresses to choose from
//   GET /address?postcode=…&property=…      the address form's target: redirects to the address page
//   GET /address/<council>/<uprn>           the coming collections of one address
//   GET /calendar/<council>/<uprn>.ics      the same as an iCalendar feed to subscribe to
//   GET /assets/…                           stylesheets and icon, served from this origin only
//
// The gateway calls `webRoutes(deps)` once and tries the returned handler before its own routes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { todayInLondon } from '../../domain/dates.js';
import { ASSET_PREFIX, handleAsset } from '../../lib/web/assets.js';
import { publicBaseUrlFromRequest } from './base-url.js';
import { CALENDAR_PREFIX, handleCalendarFeed } from './calendar-feed.js';
import type { WebContext } from './context.js';
import type { ExecuteGraphQL } from './graph.js';
import { languageOf } from './language.js';
import { allowReadOnly, sendHtml, sendText } from '../../lib/web/http.js';
import { ADDRESS_PREFIX, handleAddressPage } from './pages/address-page.js';
import { handleAddressChoice, handlePostcodePage } from './pages/postcode-page.js';
import { problemPage } from './pages/problem-page.js';

export interface WebDeps {
  /** Runs an operation against the national graph (in the gateway, through its own ApolloServer). */
  execute: ExecuteGraphQL;
  /** The public origin for absolute links (calendar subscriptions); by default from the request's Host. */
  publicBaseUrl?: (req: IncomingMessage) => string;
  /** Today's date in the UK, YYYY-MM-DD; tests pin it. Defaults to the clock. */
  today?: () => string;
  /** Where unexpected failures are logged; defaults to one JSON line on stderr. */
  log?: (entry: Record<string, unknown>) => void;
}

type Handler = (context: WebContext, req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

interface Route {
  handler: Handler;
  /** How an unexpected failure is answered: a page for people, plain text for calendar apps. */
  answersWith: 'html' | 'text';
}

function routeFor(path: string): Route | null {
  if (path === '/') return { handler: handlePostcodePage, answersWith: 'html' };
  if (path === '/address') return { handler: handleAddressChoice, answersWith: 'html' };
  if (path.startsWith(ADDRESS_PREFIX)) return { handler: handleAddressPage, answersWith: 'html' };
  if (path.startsWith(CALENDAR_PREFIX)) return { handler: handleCalendarFeed, answersWith: 'text' };
  if (path.startsWith(ASSET_PREFIX)) return { handler: (_context, req, res, url) => handleAsset(req, res, url), answersWith: 'text' };
  return null;
}

const defaultLog = (entry: Record<string, unknown>) => console.error(JSON.stringify(entry));

/** The web routes; the returned handler answers true when it handled the request, false to let the caller go on. */
export function webRoutes(deps: WebDeps): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  const context: WebContext = {
    execute: deps.execute,
    publicBaseUrl: deps.publicBaseUrl ?? publicBaseUrlFromRequest,
    today: deps.today ?? (() => todayInLondon(new Date())),
  };
  const log = deps.log ?? defaultLog;

  return async (req, res, url) => {
    const route = routeFor(url.pathname);
    if (!route) return false;
    if (!allowReadOnly(req, res)) return true;
    try {
      await route.handler(context, req, res, url);
    } catch (error) {
      log({ level: 'error', msg: 'web route failed', path: url.pathname, error: String(error) });
      if (res.headersSent) res.destroy();
      else if (route.answersWith === 'html') sendHtml(req, res, 500, problemPage(languageOf(url)));
      else sendText(req, res, 500, 'Sorry, there is a problem with the service. Try again later.\n');
    }
    return true;
  };
}
