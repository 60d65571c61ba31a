// Issues and revokes the tokens councils use to post disruptions.
//
//   npx tsx scripts/council-token.ts issue E06000038 [--db var/disruptions.sqlite]   # prints a new token, once
//   npx tsx scripts/council-token.ts revoke E06000038 [--db ...]                     # revokes all its tokens
//
// The database defaults to $BINFO_DISRUPTIONS_DB, else <project>/var/disruptions.sqlite: the file the
// council host reads, so a revoked token stops working on the host's next request.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CouncilTokens } from '../subgraphs/council/disruptions/council-tokens.js';
import { loadConfig, SETTINGS } from '../config/config.js';

const USAGE = `Usage:
  npx tsx scripts/council-token.ts issue <GSS code> [--db <path>]   print a new token for the council (shown once)
  npx tsx scripts/council-token.ts revoke <GSS code> [--db <path>]  revoke every token of the council

  --db   the disruptions database (default: $BINFO_DISRUPTIONS_DB or ${SETTINGS.disruptionsDb.default})`;

function main(): number {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { db: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  const [command, councilCode, ...extra] = positionals;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if ((command !== 'issue' && command !== 'revoke') || !councilCode || extra.length > 0) {
    console.error(USAGE);
    return 2;
  }
  if (!/^[A-Z]\d{8}$/.test(councilCode)) {
    console.error(`council-token: ${JSON.stringify(councilCode)} is not a GSS council code such as E06000038.`);
    return 2;
  }
  const db = values.db ?? loadConfig(process.env).disruptionsDb;
  const tokens = CouncilTokens.open(db);
  try {
    if (command === 'issue') {
      // The token alone on stdout, so `BINFO_TOKEN=$(npx tsx scripts/council-token.ts issue …)` works.
      console.log(tokens.issueToken(councilCode));
      console.error(`Issued a token for ${councilCode} in ${db}. It is not stored and cannot be shown again: keep it secret.`);
    } else {
      const count = tokens.revokeTokens(councilCode);
      console.log(`Revoked ${count} token${count === 1 ? '' : 's'} of ${councilCode} in ${db}.`);
    }
    return 0;
  } finally {
    tokens.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exitCode = main();
  } catch (error) {
    console.error(`council-token: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
