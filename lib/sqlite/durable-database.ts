// Every SQLite file Binfo writes (disruptions, the national event log, national webhooks) is opened the
// same way: directories created, WAL with synchronous = FULL (an acknowledged write survives a crash or a
// power cut), a busy timeout (the CLI or a second process may hold the write lock), and its schema brought
// up to date by numbered migration steps kept in `PRAGMA user_version`.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';

export interface DurableDatabaseOptions {
  /** Named in errors: "The disruptions database is at schema version 5, newer than this Binfo (4)." */
  name: string;
  /** Schema steps, applied in order from the file's user_version. Never edit a step that has shipped: add one. */
  migrations: readonly string[];
}

/** Opens (creating directories and tables as needed) a SQLite file for durable writes. */
export function openDurableDatabase(path: string, options: DurableDatabaseOptions): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const db = new Database(path);
  try {
    // Wait rather than fail when another process (the CLI, a second host) holds the write lock.
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    // FULL: in WAL mode NORMAL may lose the last commits on power loss; an acknowledged write must survive.
    db.pragma('synchronous = FULL');
    migrate(db, options);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function migrate(db: Database.Database, { name, migrations }: DurableDatabaseOptions): void {
  // IMMEDIATE takes the write lock first, so two processes opening a new file cannot both migrate.
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > migrations.length) {
      throw new Error(`The ${name} database is at schema version ${version}, newer than this Binfo (${migrations.length}).`);
    }
    for (let step = version; step < migrations.length; step++) db.exec(migrations[step]);
    db.pragma(`user_version = ${migrations.length}`);
  }).immediate();
}
