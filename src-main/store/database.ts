/**
 * Opens an account's SQLite file: refuses files that are not ours, newer than this code or of
 * another Account SID, then (writer only) migrates. Runs inside the store worker.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { AppError } from '../errors.ts';
import { migrate, SCHEMA_VERSION } from './migrations.ts';

export type Role = 'writer' | 'reader';

/** 'QMDK': marks the file as a QM Desk store, so a foreign SQLite file is never migrated into. */
const APPLICATION_ID = 0x514d444b;

const pragma = (db: DatabaseSync, name: string): unknown =>
  Object.values(db.prepare(`PRAGMA ${name}`).get() ?? {})[0];

const notOurs = (): AppError =>
  new AppError(
    'store_corrupt',
    "This account's local data file is not a QM Desk store. Remove the account's local data and sync again.",
  );

export function openDatabase(file: string, accountSid: string, role: Role): DatabaseSync {
  mkdirSync(dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  try {
    // A second process (the CLI beside the app) may hold the write lock for a moment.
    db.exec('PRAGMA busy_timeout = 10000');
    const version = Number(pragma(db, 'user_version'));
    checkOwnership(db, version);
    if (version > SCHEMA_VERSION) {
      throw new AppError(
        'store_too_new',
        `This account's local data was written by a newer QM Desk (store version ${version}; this one ` +
          `knows up to ${SCHEMA_VERSION}). Update QM Desk to open it.`,
        { detail: { version, known: SCHEMA_VERSION } },
      );
    }
    if (version >= 1) checkAccount(db, accountSid);
    db.exec('PRAGMA foreign_keys = ON');
    db.exec('PRAGMA temp_store = MEMORY');
    if (role === 'writer') {
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = NORMAL');
      db.exec('PRAGMA cache_size = -32768');
      if (version === 0) db.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
      migrate(db);
      db.prepare("INSERT INTO meta(key, value) VALUES ('account_sid', ?) ON CONFLICT(key) DO NOTHING").run(
        accountSid,
      );
      checkAccount(db, accountSid);
    } else {
      if (version !== SCHEMA_VERSION) throw new Error(`reader opened a store at version ${version}`);
      db.exec('PRAGMA cache_size = -65536');
      db.exec('PRAGMA mmap_size = 268435456');
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function checkOwnership(db: DatabaseSync, version: number): void {
  const applicationId = Number(pragma(db, 'application_id'));
  if (applicationId === APPLICATION_ID) return;
  if (applicationId !== 0) throw notOurs();
  // An empty file (new store) is fine; a SQLite file with tables and no mark of ours is not.
  const tables = db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number };
  if (version !== 0 || tables.n > 0) throw notOurs();
}

function checkAccount(db: DatabaseSync, accountSid: string): void {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'account_sid'").get() as
    { value: string } | undefined;
  if (row === undefined || row.value === accountSid) return;
  throw new AppError(
    'store_account_mismatch',
    `This local data belongs to Twilio account ${row.value}, not ${accountSid}. Data of two Twilio accounts ` +
      'never mix: QM Desk keeps a separate store for each account.',
    { detail: { storedAccountSid: row.value, accountSid } },
  );
}

/** The writer leaves fresh planner statistics behind (cheap: analysis is bounded), then closes. */
export function closeDatabase(db: DatabaseSync, role: Role): void {
  if (role === 'writer') {
    try {
      db.exec('PRAGMA analysis_limit = 1000; PRAGMA optimize;');
    } catch {
      // Statistics are a nicety: a failure here must not keep the file from closing.
    }
  }
  db.close();
}
