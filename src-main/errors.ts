import { randomBytes } from 'node:crypto';
import type { LoggerPort } from './ports.ts';
import type { ErrorBody, ErrorCode } from '../src-preload/contract.ts';

/**
 * The one error type services throw. `code` is stable and machine-readable; `message` is written
 * for a reviewer (what happened, what to do). It never carries a secret.
 */
export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly detail: Record<string, unknown> | undefined;

  constructor(code: C, message: string, options: { detail?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.detail = options.detail;
  }
}

/** Where an unexpected error is reported: the log, under a name for the place it happened. */
export interface ErrorReport {
  logger: LoggerPort;
  where: string;
}

/**
 * Turns anything thrown into the IPC error body; unknown errors never leak their internals.
 * Given a report, an unknown error is logged with its stack under a short ref the reviewer sees,
 * so "ref 7f3a" in a screenshot finds the line in the log.
 */
export function toErrorBody(error: unknown, report?: ErrorReport): ErrorBody {
  if (error instanceof AppError) {
    const body: ErrorBody = { code: error.code, message: error.message };
    if (error.detail) body.detail = error.detail;
    return body;
  }
  if (!report) {
    return {
      code: 'internal',
      message: 'Something went wrong inside QM Desk. Try again; if it repeats, restart the app.',
    };
  }
  const ref = randomBytes(2).toString('hex');
  report.logger.error(`Internal error (ref ${ref}) in ${report.where}`, {
    ref,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  return {
    code: 'internal',
    message: `Something went wrong (ref ${ref}). Details are in the log.`,
    detail: { ref },
  };
}
