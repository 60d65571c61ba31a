// Manages the people who may sign in to the council console (there is no sign-up: an administrator adds them).
//
//   echo 'a long passphrase' | npm run console-account -- add --council E06000038 --email a@council.gov.uk --name "A Person" --role editor [--role publisher]
//   npm run console-account -- add ...           # in a terminal: a strong password is generated and shown once
//   npm run console-account -- list --council E06000038
//   npm run console-account -- disable --email a@council.gov.uk
//   npm run console-account -- unlock --email a@council.gov.uk
//   echo 'a new passphrase' | npm run console-account -- reset-password --email a@council.gov.uk
//
// The database defaults to $BINFO_DISRUPTIONS_DB, else <project>/var/disruptions.sqlite: the file the
// council host reads, so a disabled account is signed out on its next request.
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig, SETTINGS } from '../config/config.js';
import { ConsoleAccountError, ConsoleAccounts, type ConsoleAccount } from '../subgraphs/council/console/auth/accounts.js';
import { PASSWORD_RULE } from '../subgraphs/council/console/auth/passwords.js';
import { openDisruptionsDatabase } from '../subgraphs/council/disruptions/disruption-store.js';
import { loadCouncilRegistry } from '../subgraphs/directory/council-registry.js';

const USAGE = `Usage: npm run console-account -- <command> [options]

  add --council <GSS code> --email <address> --name <name> --role editor|publisher [--role ...]
        adds a person; the password is read from standard input when one is piped in,
        otherwise (or with --generate-password) a strong one is generated and printed once
  list --council <GSS code>          the council's accounts and whether each can sign in
  disable --email <address>          stops the person signing in and ends their sessions
  unlock --email <address>           lifts a lock-out after too many wrong passwords
  reset-password --email <address>   sets a new password (piped in, or generated) and ends their sessions

  --db   the disruptions database (default: $BINFO_DISRUPTIONS_DB or ${SETTINGS.disruptionsDb.default})

An editor drafts disruptions; a publisher publishes, changes and withdraws them. ${PASSWORD_RULE}`;

const COMMANDS = ['add', 'list', 'disable', 'unlock', 'reset-password'] as const;
type Command = (typeof COMMANDS)[number];

class UsageError extends Error {}

/** The password to set: piped in on stdin, or generated (and then printed once). */
async function passwordFor(generate: boolean): Promise<{ password: string; generated: boolean }> {
  if (generate || process.stdin.isTTY) return { password: randomBytes(18).toString('base64url'), generated: true };
  let input = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) input += chunk;
  // `echo` adds one line ending; anything else typed is part of the password.
  const password = input.replace(/\r?\n$/, '');
  if (!password) throw new UsageError('No password came on standard input. Pipe one in (echo \'…\' | npm run console-account -- …), or add --generate-password.');
  return { password, generated: false };
}

function describe(account: ConsoleAccount, now: number): string {
  const state = account.disabledAt
    ? `disabled since ${account.disabledAt}`
    : account.lockedUntil !== null && account.lockedUntil > now
      ? `paused until ${new Date(account.lockedUntil).toISOString()} after wrong passwords`
      : account.failedAttempts > 0
        ? `active, ${account.failedAttempts} wrong password${account.failedAttempts === 1 ? '' : 's'} in a row`
        : 'active';
  return `${account.email}  ${account.name}  ${account.roles.join(', ')}  ${state}`;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      council: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', multiple: true },
      'generate-password': { type: 'boolean' },
      db: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [command, ...extra] = positionals;
  if (!COMMANDS.includes(command as Command) || extra.length > 0) throw new UsageError(`Say what to do: ${COMMANDS.join(', ')}.`);
  const need = (name: 'council' | 'email' | 'name'): string => {
    const value = values[name]?.trim();
    if (!value) throw new UsageError(`${command} needs --${name}.`);
    return value;
  };
  const councilName = (code: string): string => {
    const council = loadCouncilRegistry().get(code);
    if (!council) throw new ConsoleAccountError(`${JSON.stringify(code)} is not the GSS code of a council Binfo knows (data/councils.json), such as E06000038 for Reading.`);
    return council.name;
  };

  const dbPath = values.db ?? loadConfig(process.env).disruptionsDb;
  // Checked before the database is opened, so a typo does not create an empty file somewhere.
  const plan = ((): (() => Promise<void>) => {
    switch (command as Command) {
      case 'add': {
        const councilCode = need('council');
        const email = need('email');
        const name = need('name');
        const council = councilName(councilCode);
        return async () => {
          const { password, generated } = await passwordFor(Boolean(values['generate-password']));
          const account = await withAccounts(dbPath, (accounts) => accounts.create({ councilCode, email, name, roles: values.role ?? [], password }));
          console.log(`Added ${account.name} <${account.email}> to ${council} (${councilCode}) as ${account.roles.join(' and ')}.`);
          if (generated) console.log(`Password: ${password}\nIt is shown only this once: give it to ${account.name} privately.`);
        };
      }
      case 'list': {
        const councilCode = need('council');
        const council = councilName(councilCode);
        return async () => {
          const list = await withAccounts(dbPath, async (accounts) => accounts.list(councilCode));
          if (list.length === 0) console.log(`${council} (${councilCode}) has no console accounts yet.`);
          else for (const account of list) console.log(describe(account, Date.now()));
        };
      }
      case 'disable': {
        const email = need('email');
        return async () => {
          const account = await withAccounts(dbPath, async (accounts) => accounts.disable(email));
          console.log(`Disabled ${account.email}: they cannot sign in, and any session they had has ended.`);
        };
      }
      case 'unlock': {
        const email = need('email');
        return async () => {
          const account = await withAccounts(dbPath, async (accounts) => accounts.unlock(email));
          console.log(`Unlocked ${account.email}: they can sign in again now.`);
        };
      }
      case 'reset-password': {
        const email = need('email');
        return async () => {
          const { password, generated } = await passwordFor(Boolean(values['generate-password']));
          const account = await withAccounts(dbPath, (accounts) => accounts.resetPassword(email, password));
          console.log(`Set a new password for ${account.email}; their sessions have ended.`);
          if (generated) console.log(`Password: ${password}\nIt is shown only this once: give it to ${account.name} privately.`);
        };
      }
    }
  })();
  await plan();
  return 0;
}

async function withAccounts<T>(dbPath: string, use: (accounts: ConsoleAccounts) => Promise<T>): Promise<T> {
  const database = openDisruptionsDatabase(dbPath);
  try {
    return await use(new ConsoleAccounts(database));
  } finally {
    database.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: Error) => {
      if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        console.error(`console-account: ${error.message}\nnpm run console-account -- --help shows how to use it.`);
        process.exitCode = 2;
      } else {
        console.error(`console-account: ${error.message}`);
        process.exitCode = 1;
      }
    },
  );
}
