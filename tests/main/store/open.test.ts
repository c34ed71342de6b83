import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src-main/errors.ts';
import { openStore } from '../../../src-main/store/index.ts';
import { SCHEMA_VERSION } from '../../../src-main/store/migrations.ts';
import { ACCOUNT_SID, OTHER_ACCOUNT_SID, tempDir } from './fixture.ts';

let temp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  temp = await tempDir();
});
afterEach(async () => {
  await temp.remove();
});

async function refusal(file: string, accountSid = ACCOUNT_SID): Promise<AppError> {
  const error = await openStore({ file, accountSid }).then(
    async (store) => {
      await store.close();
      throw new Error('the store opened');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const inspect = <T>(file: string, fn: (db: DatabaseSync) => T): T => {
  const db = new DatabaseSync(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
};

describe('opening a store', () => {
  it('creates the file and its folder, migrates from empty and records the Account SID', async () => {
    const file = join(temp.dir, 'accounts', 'a', 'store.sqlite');
    const store = await openStore({ file, accountSid: ACCOUNT_SID });
    expect(store.file).toBe(file);
    expect(await store.overview()).toEqual({
      accountSid: ACCOUNT_SID,
      assessments: 0,
      comments: 0,
      segments: 0,
      agents: 0,
      lastSync: null,
    });
    await store.close();
    inspect(file, (db) => {
      const get = (sql: string) => Object.values(db.prepare(sql).get() ?? {})[0];
      expect(get('PRAGMA user_version')).toBe(SCHEMA_VERSION);
      expect(get('PRAGMA journal_mode')).toBe('wal');
      expect(get("SELECT value FROM meta WHERE key = 'account_sid'")).toBe(ACCOUNT_SID);
      const tables = db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .all()
        .map((r) => r.name);
      for (const table of [
        'assessments',
        'assessment_raw',
        'comments',
        'comment_raw',
        'comments_fts',
        'segments',
        'agents',
        'questionnaires',
        'questions',
        'categories',
        'answer_sets',
        'answers',
        'comment_tags',
        'streams',
        'sync_runs',
      ]) {
        expect(tables).toContain(table);
      }
    });
  });

  it('opens its own file again without migrating twice', async () => {
    const file = temp.file();
    await (await openStore({ file, accountSid: ACCOUNT_SID })).close();
    const store = await openStore({ file, accountSid: ACCOUNT_SID });
    expect((await store.overview()).accountSid).toBe(ACCOUNT_SID);
    await store.close();
  });

  it('two stores opening one new file at once migrate it once', async () => {
    const file = temp.file();
    const [a, b] = await Promise.all([
      openStore({ file, accountSid: ACCOUNT_SID }),
      openStore({ file, accountSid: ACCOUNT_SID }),
    ]);
    await Promise.all([a.close(), b.close()]);
    inspect(file, (db) =>
      expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION }),
    );
  });

  it('refuses a file written by a newer version, and leaves it as it was', async () => {
    const file = temp.file();
    await (await openStore({ file, accountSid: ACCOUNT_SID })).close();
    inspect(file, (db) => db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`));
    const error = await refusal(file);
    expect(error.code).toBe('store_too_new');
    expect(error.message).toMatch(/newer QM Desk/);
    inspect(file, (db) =>
      expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION + 1 }),
    );
  });

  it('refuses a file that is not SQLite', async () => {
    const file = temp.file();
    await writeFile(file, Buffer.from('this is not a database, just some text '.repeat(200)));
    const error = await refusal(file);
    expect(error.code).toBe('store_corrupt');
  });

  it('refuses a SQLite file of something else instead of migrating into it', async () => {
    const file = temp.file();
    inspect(file, (db) => db.exec('CREATE TABLE notes (body TEXT)'));
    expect((await refusal(file)).code).toBe('store_corrupt');
    inspect(file, (db) =>
      expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'assessments'").get()).toEqual({
        n: 0,
      }),
    );
  });

  it('refuses a damaged store', async () => {
    const file = temp.file();
    await (await openStore({ file, accountSid: ACCOUNT_SID })).close();
    // Keep the header, overwrite the schema page: SQLite then reports corruption.
    const { open } = await import('node:fs/promises');
    const handle = await open(file, 'r+');
    await handle.write(Buffer.alloc(3000, 0xab), 0, 3000, 100);
    await handle.close();
    expect((await refusal(file)).code).toBe('store_corrupt');
  });

  it('refuses a store of another Twilio account: data of two accounts never mix', async () => {
    const file = temp.file();
    await (await openStore({ file, accountSid: ACCOUNT_SID })).close();
    const error = await refusal(file, OTHER_ACCOUNT_SID);
    expect(error.code).toBe('store_account_mismatch');
    expect(error.message).toContain(ACCOUNT_SID);
    expect(error.message).toMatch(/never mix/);
    inspect(file, (db) =>
      expect(db.prepare("SELECT value FROM meta WHERE key = 'account_sid'").get()).toEqual({
        value: ACCOUNT_SID,
      }),
    );
  });

  it('says why when the folder cannot be created', async () => {
    const blocker = temp.file('plain-file');
    await writeFile(blocker, 'x');
    const error = await refusal(join(blocker, 'store.sqlite'));
    expect(error.code).toBe('store_failed');
  });
});

describe('closing a store', () => {
  it('is idempotent, and every later call is refused with store_closed', async () => {
    const store = await openStore({ file: temp.file(), accountSid: ACCOUNT_SID });
    const pending = store.overview();
    const first = store.close();
    const second = store.close();
    expect(second).toBe(first);
    await first;
    await store.close();
    expect((await pending).accountSid).toBe(ACCOUNT_SID);
    for (const call of [
      () => store.overview(),
      () => store.openPass('assessments', { all: true }),
      () => store.assessments({ filters: {}, sort: [], offset: 0, limit: 10 }),
    ]) {
      const error = await call().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('store_closed');
    }
  });
});
