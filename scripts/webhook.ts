// Manages the webhook subscriptions of a council, on the disruptions database the council host reads.
//
//   npm run webhook -- add E06000038 https://app.example/binfo-webhook   # prints the new secret, once
//   npm run webhook -- list E06000038
//   npm run webhook -- log E06000038 <id>        # latest delivery attempts
//   npm run webhook -- resume E06000038 <id>     # after it was paused for failing
//   npm run webhook -- remove E06000038 <id>
//
// With --national, the same commands manage the gateway's national subscriptions of an app, named by its
// API key's client name (`npm run api-key`), on BINFO_WEBHOOKS_DB:
//   npm run webhook -- add --national reading-my-area https://app.example/hook [--councils E06000038,E06000023]
//
// Apps can do the same over HTTP, with the council's token or their API key: see README "Webhooks for app developers".
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig, SETTINGS } from '../config/config.js';
import { NationalSubscriptions, NationalWebhookError } from '../gateway/webhooks/national-subscriptions.js';
import { WebhookNotFoundError, WebhookSubscriptions, WebhookUrlError } from '../subgraphs/council/disruptions/webhooks.js';
import { CLIENT_NAME_SHAPE } from '../gateway/limits/api-keys.js';

const USAGE = `Usage:
  npm run webhook -- add <GSS code> <url> [--db <path>]     register a URL; prints its signing secret (shown once)
  npm run webhook -- list <GSS code> [--db <path>]          the council's subscriptions
  npm run webhook -- log <GSS code> <id> [--db <path>]      the latest delivery attempts of one
  npm run webhook -- resume <GSS code> <id> [--db <path>]   resume a paused one; what was queued is sent at once
  npm run webhook -- remove <GSS code> <id> [--db <path>]   stop delivering to it

  --db   the disruptions database (default: $BINFO_DISRUPTIONS_DB or ${SETTINGS.disruptionsDb.default})

  --national, with an app's client name (as issued by npm run api-key) instead of a GSS code: the gateway's
  national subscriptions of that app, on $BINFO_WEBHOOKS_DB (default ${SETTINGS.webhooksDb.default}).
  npm run webhook -- add --national <client name> <url> [--councils <GSS code>,…]   every council's events, or those listed`;

const ARITY: Record<string, number> = { add: 2, list: 1, log: 2, resume: 2, remove: 2 };

export function main(argv: string[], env: NodeJS.ProcessEnv, out: (line: string) => void, err: (line: string) => void): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { db: { type: 'string' }, national: { type: 'boolean' }, councils: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    err(`webhook: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const [command, councilCode, arg, ...extra] = positionals;
  if (!command || !(command in ARITY) || positionals.length - 1 !== ARITY[command] || extra.length > 0) {
    err(USAGE);
    return 2;
  }
  if (values.national) return national(command, councilCode, arg, { db: values.db ?? loadConfig(env).webhooksDb, councils: values.councils }, out, err);
  if (values.councils !== undefined) {
    err('webhook: --councils is for --national subscriptions; a council\'s own webhooks hear only that council.');
    return 2;
  }
  if (!/^[A-Z]\d{8}$/.test(councilCode)) {
    err(`webhook: ${JSON.stringify(councilCode)} is not a GSS council code such as E06000038.`);
    return 2;
  }
  const db = values.db ?? loadConfig(env).disruptionsDb;
  const subscriptions = WebhookSubscriptions.open(db);
  try {
    switch (command) {
      case 'add': {
        const { subscription, secret } = subscriptions.add(councilCode, arg);
        out(`${subscription.id}\t${secret}`);
        err(`Registered ${arg} for ${councilCode}'s disruption events. Give the app its secret now: it is not shown again.`);
        break;
      }
      case 'list':
        for (const s of subscriptions.list(councilCode)) {
          out(`${s.id}\t${s.url}\t${s.pausedAt ? `PAUSED since ${s.pausedAt}` : 'active'}\t${s.consecutiveFailures} failures in a row`);
        }
        break;
      case 'log':
        for (const entry of subscriptions.log(councilCode, arg)) {
          out(`${entry.at}\t${entry.eventId}\tattempt ${entry.attempt}\t${entry.status ?? '-'}\t${entry.error ?? 'delivered'}`);
        }
        break;
      case 'resume':
        subscriptions.resume(councilCode, arg);
        out(`Resumed ${arg}: its queued events are sent now.`);
        break;
      case 'remove':
        subscriptions.remove(councilCode, arg);
        out(`Removed ${arg}: it receives nothing more.`);
        break;
    }
    return 0;
  } catch (error) {
    if (error instanceof WebhookUrlError || error instanceof WebhookNotFoundError) {
      err(`webhook: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    subscriptions.close();
  }
}

/** The gateway's national subscriptions of the app `owner`. */
function national(command: string, owner: string, arg: string | undefined, options: { db: string; councils?: string }, out: (line: string) => void, err: (line: string) => void): number {
  if (options.councils !== undefined && command !== 'add') {
    err('webhook: --councils is given when adding a subscription.');
    return 2;
  }
  if (!CLIENT_NAME_SHAPE.test(owner)) {
    err(`webhook: ${JSON.stringify(owner)} is not a client name as npm run api-key issues them (e.g. reading-my-area).`);
    return 2;
  }
  const subscriptions = NationalSubscriptions.open(options.db);
  try {
    switch (command) {
      case 'add': {
        const councils = options.councils?.split(',').map((code) => code.trim());
        const { subscription, secret } = subscriptions.add(owner, { url: arg, councils });
        out(`${subscription.id}\t${secret}`);
        err(`Registered ${arg} for ${councils ? councils.join(', ') : 'every council'}'s disruption events, for ${owner}. Give the app its secret now: it is not shown again.`);
        break;
      }
      case 'list':
        for (const s of subscriptions.list(owner)) {
          out(`${s.id}\t${s.url}\t${s.councils?.join(',') ?? 'every council'}\t${s.pausedAt ? `PAUSED since ${s.pausedAt}` : 'active'}\t${s.consecutiveFailures} failures in a row`);
        }
        break;
      case 'log':
        for (const entry of subscriptions.log(owner, arg!)) {
          out(`${entry.at}\t${entry.eventId}\tattempt ${entry.attempt}\t${entry.status ?? '-'}\t${entry.error ?? 'delivered'}`);
        }
        break;
      case 'resume':
        subscriptions.resume(owner, arg!);
        out(`Resumed ${arg}: its queued events are sent within a second by the running gateway.`);
        break;
      case 'remove':
        subscriptions.remove(owner, arg!);
        out(`Removed ${arg}: it receives nothing more.`);
        break;
    }
    return 0;
  } catch (error) {
    if (error instanceof NationalWebhookError) {
      err(`webhook: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    subscriptions.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exitCode = main(process.argv.slice(2), process.env, console.log, console.error);
  } catch (error) {
    console.error(`webhook: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
