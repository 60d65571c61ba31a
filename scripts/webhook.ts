// Manages the webhook subscriptions of a council, on the disruptions database the council host reads.
//
//   npm run webhook -- add E06000038 https://app.example/binfo-webhook   # prints the new secret, once
//   npm run webhook -- list E06000038
//   npm run webhook -- log E06000038 <id>        # latest delivery attempts
//   npm run webhook -- resume E06000038 <id>     # after it was paused for failing
//   npm run webhook -- remove E06000038 <id>
//
// Apps can do the same over HTTP with the council's token: see README "Webhooks for app developers".
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig, SETTINGS } from '../config/config.js';
import { WebhookNotFoundError, WebhookSubscriptions, WebhookUrlError } from '../subgraphs/council/disruptions/webhooks.js';

const USAGE = `Usage:
  npm run webhook -- add <GSS code> <url> [--db <path>]     register a URL; prints its signing secret (shown once)
  npm run webhook -- list <GSS code> [--db <path>]          the council's subscriptions
  npm run webhook -- log <GSS code> <id> [--db <path>]      the latest delivery attempts of one
  npm run webhook -- resume <GSS code> <id> [--db <path>]   resume a paused one; what was queued is sent at once
  npm run webhook -- remove <GSS code> <id> [--db <path>]   stop delivering to it

  --db   the disruptions database (default: $BINFO_DISRUPTIONS_DB or ${SETTINGS.disruptionsDb.default})`;

const ARITY: Record<string, number> = { add: 2, list: 1, log: 2, resume: 2, remove: 2 };

export function main(argv: string[], env: NodeJS.ProcessEnv, out: (line: string) => void, err: (line: string) => void): number {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { db: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exitCode = main(process.argv.slice(2), process.env, console.log, console.error);
  } catch (error) {
    console.error(`webhook: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
