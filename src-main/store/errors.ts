import { AppError } from '../errors.ts';
import type { ErrorBody, ErrorCode } from '../../src-preload/contract.ts';

export type StoreErrorCode = Extract<
  ErrorCode,
  'store_account_mismatch' | 'store_too_new' | 'store_corrupt' | 'store_failed' | 'store_closed'
>;

interface SqliteError extends Error {
  code: 'ERR_SQLITE_ERROR';
  errcode: number;
  errstr: string;
}

export function isSqliteError(error: unknown): error is SqliteError {
  return error instanceof Error && (error as Partial<SqliteError>).code === 'ERR_SQLITE_ERROR';
}

// Primary result codes (the low byte of the extended code).
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_NOMEM = 7;
const SQLITE_READONLY = 8;
const SQLITE_IOERR = 10;
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;
const SQLITE_CANTOPEN = 14;
const SQLITE_NOTADB = 26;

/** What went wrong in words a reviewer can act on; the SQLite reason goes to `detail`. */
function sqliteMessage(primary: number): { code: StoreErrorCode; message: string } {
  switch (primary) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return {
        code: 'store_corrupt',
        message:
          "This account's local data file is damaged or is not a QM Desk store. Remove the account's " +
          'local data and sync again.',
      };
    case SQLITE_FULL:
      return {
        code: 'store_failed',
        message: 'The disk is full, so the local data could not be saved. Free some space and try again.',
      };
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return {
        code: 'store_failed',
        message:
          "This account's local data is busy in another QM Desk window or command. Try again in a moment.",
      };
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
      return {
        code: 'store_failed',
        message:
          "QM Desk cannot open this account's local data file. Check that the data folder exists and " +
          'that you may write to it.',
      };
    case SQLITE_IOERR:
      return {
        code: 'store_failed',
        message: "Reading or writing this account's local data failed (a disk error). Try again.",
      };
    case SQLITE_NOMEM:
      return { code: 'store_failed', message: 'QM Desk ran out of memory working on the local data.' };
    default:
      return { code: 'store_failed', message: "Working on this account's local data failed. Try again." };
  }
}

/** Any error thrown inside the store as an AppError: SQLite errors get a reviewer's message. */
export function toStoreError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isSqliteError(error)) {
    const { code, message } = sqliteMessage(error.errcode & 0xff);
    return new AppError(code, message, { detail: { sqlite: error.errstr, reason: error.message } });
  }
  return new AppError('store_failed', "Working on this account's local data failed. Try again.", {
    detail: { reason: error instanceof Error ? error.message : String(error) },
  });
}

/** The body that crosses the worker boundary. */
export function storeErrorBody(error: unknown): ErrorBody {
  const appError = toStoreError(error);
  const body: ErrorBody = { code: appError.code, message: appError.message };
  if (appError.detail) body.detail = appError.detail;
  return body;
}

export const closedError = (): AppError =>
  new AppError('store_closed', "This account's local data is closed. Open the account again.");
