// Opening the database: pragmas, migrations, and the drizzle handle the repositories share.
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import fs from 'node:fs';
import path from 'node:path';
import * as schema from './schema';

/** The drizzle handle; `$client` is the better-sqlite3 connection under it (for streaming reads). */
export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export interface OpenedDatabase {
  db: Db;
  sqlite: Database.Database;
  close(): void;
}

/**
 * Where the committed drizzle-kit migrations are: next to this file when run from source
 * (tests), `out/migrations` next to the bundle when built, `resources/migrations` when packaged.
 */
export function locateMigrations(): string {
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  const candidates = [
    process.env.RISK_DESK_MIGRATIONS,
    path.join(__dirname, 'migrations'), // source: electron/core/store
    path.join(__dirname, '..', 'migrations'), // built: out/main
    path.join(__dirname, '..', '..', 'migrations'), // built chunk: out/main/chunks
    resourcesPath && path.join(resourcesPath, 'migrations'), // packaged app
  ].filter((p): p is string => Boolean(p));
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'meta', '_journal.json')));
  if (!found) throw new Error(`database migrations not found (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * Opens (creating if needed) a SQLite file and brings its schema up to date.
 * WAL lets the dashboard read while the engine writes; foreign keys guard integrity;
 * the busy timeout rides out a second process (e.g. `risk-desk import`) holding the write lock.
 */
export function openDatabase(file: string): OpenedDatabase {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    const db = drizzle(sqlite, { schema });
    migrate(db, { migrationsFolder: locateMigrations() });
    return { db, sqlite, close: () => sqlite.close() };
  } catch (err) {
    sqlite.close();
    throw err;
  }
}
