import type { QmApi } from '../../src-preload/api.ts';
import type { ErrorBody, Result } from '../../src-preload/contract.ts';
import { useToasts } from './stores/toasts.ts';

declare global {
  interface Window {
    qm: QmApi;
  }
}

/**
 * The typed `window.qm`. Every property is read from `window` at call time, so tests (and the
 * browser harness) can install their own implementation after this module was imported.
 */
export const qm: QmApi = new Proxy({} as QmApi, {
  get(_target, key) {
    const api = window.qm as QmApi | undefined;
    if (!api) throw new Error('window.qm is missing: the QM Desk preload did not run.');
    return Reflect.get(api, key);
  },
});

/** One line a reviewer can read, from an error body. */
export function errorText(error: ErrorBody): string {
  return error.message || `Something went wrong (${error.code}).`;
}

/** The data of a successful Result, or undefined after showing the error as a toast. */
export function orToast<T>(result: Result<T>, context?: string): T | undefined {
  if (result.ok) return result.data;
  useToasts().error(result.error, context);
  return undefined;
}
