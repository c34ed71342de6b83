/**
 * `export --db <file>`: which Twilio account a store file belongs to, read from the file itself
 * (openStore needs the Account SID and refuses a file of another one). Opened read-only, for one
 * small query, before the store's own workers open it.
 */
import { stat } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import { AppError } from '../errors.ts';
import { ACCOUNT_SID } from '../../src-preload/contract.ts';

/** 'QMDK', the application_id every QM Desk store carries (store/database.ts). */
const APPLICATION_ID = 0x514d444b;

const notAStore = (file: string, cause?: unknown): AppError =>
  new AppError(
    'store_corrupt',
    `${file} is not a QM Desk store. Point --db at a store-AC….sqlite file from an account's data folder.`,
    { detail: { file }, cause },
  );

export async function storeAccountSid(file: string): Promise<string> {
  const found = await stat(file).catch(() => null);
  if (!found?.isFile()) {
    throw new AppError('invalid_request', `There is no store file at ${file}. Check the --db path.`, {
      detail: { file },
    });
  }
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file, { readOnly: true });
  } catch (error) {
    throw notAStore(file, error);
  }
  try {
    const applicationId = Object.values(db.prepare('PRAGMA application_id').get() ?? {})[0];
    if (Number(applicationId) !== APPLICATION_ID) throw notAStore(file);
    const row = db.prepare("SELECT value FROM meta WHERE key = 'account_sid'").get() as
      { value: unknown } | undefined;
    const sid = row?.value;
    if (typeof sid !== 'string' || !ACCOUNT_SID.test(sid)) throw notAStore(file);
    return sid;
  } catch (error) {
    throw error instanceof AppError ? error : notAStore(file, error);
  } finally {
    db.close();
  }
}
