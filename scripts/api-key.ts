// Issues, revokes and lists the API keys that give a client (a council's app, a researcher's export) its own,
// larger rate limit at the gateway. Keys are stored hashed (gateway/limits/api-keys.ts).
//
//   npm run --silent api-key -- issue reading-my-area [--db var/api-keys.sqlite]   # prints a new key, once
//   npm run api-key -- revoke reading-my-area                                      # revokes all its keys
//   npm run api-key -- list                                                        # names and dates, never keys
//
// The database defaults to $BINFO_API_KEYS_DB, else <project>/var/api-keys.sqlite: the file `npm start`
// gives the gateway, so a revoked key stops counting as a key on the gateway's next request.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import { ApiKeyStore, DEFAULT_API_KEYS_DB } from '../gateway/limits/api-keys.js';

const USAGE = `Usage:
  npm run --silent api-key -- issue <client name> [--db <path>]   print a new key for the client (shown once)
  npm run api-key -- revoke <client name> [--db <path>]           revoke every key of the client
  npm run api-key -- list [--db <path>]                           the clients and when their keys were issued

  <client name>  lower-case letters, digits, ".", "_", "-" (e.g. reading-my-area): shown in logs, never the key
  --db           the key database (default: $BINFO_API_KEYS_DB or ${DEFAULT_API_KEYS_DB})`;

function main(): number {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { db: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  const [command, name, ...extra] = positionals;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const needsName = command === 'issue' || command === 'revoke';
  if (!(needsName || command === 'list') || (needsName && !name) || (!needsName && name) || extra.length > 0) {
    console.error(USAGE);
    return 2;
  }
  const db = values.db ?? loadConfig(process.env).apiKeysDb;
  const keys = ApiKeyStore.open(db);
  try {
    if (command === 'issue') {
      // The key alone on stdout, so `BINFO_API_KEY=$(npm run --silent api-key -- issue …)` works.
      console.log(keys.issue(name));
      console.error(`Issued an API key for ${name} in ${db}. It is not stored and cannot be shown again: give it to the client and keep it secret.`);
    } else if (command === 'revoke') {
      const count = keys.revoke(name);
      console.log(`Revoked ${count} key${count === 1 ? '' : 's'} of ${name} in ${db}.`);
    } else {
      for (const key of keys.list()) console.log(`${key.name}\tissued ${key.createdAt}${key.revokedAt ? `\trevoked ${key.revokedAt}` : ''}`);
    }
    return 0;
  } finally {
    keys.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exitCode = main();
  } catch (error) {
    console.error(`api-key: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
