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

/** Turns anything thrown into the IPC error body; unknown errors never leak their internals. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof AppError) {
    const body: ErrorBody = { code: error.code, message: error.message };
    if (error.detail) body.detail = error.detail;
    return body;
  }
  return {
    code: 'internal',
    message: 'Something went wrong inside QM Desk. Try again; if it repeats, restart the app.',
  };
}
