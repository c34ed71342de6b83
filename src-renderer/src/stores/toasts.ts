import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ErrorBody } from '../../../src-preload/contract.ts';

export type ToastKind = 'error' | 'info' | 'success';

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
  /** What the reviewer was doing, e.g. "Switching account" (shown as the toast title). */
  context?: string;
  /** Technical details behind a "Details" disclosure (errors only). */
  code?: string;
  detail?: Record<string, unknown>;
}

/** Info and success toasts leave on their own; errors stay until the reviewer dismisses them. */
const AUTO_DISMISS_MS = 5000;
const MAX_TOASTS = 5;

export const useToasts = defineStore('toasts', () => {
  const toasts = ref<Toast[]>([]);
  let nextId = 1;

  function push(toast: Omit<Toast, 'id'>): number {
    const id = nextId++;
    toasts.value = [...toasts.value, { ...toast, id }].slice(-MAX_TOASTS);
    if (toast.kind !== 'error') setTimeout(() => dismiss(id), AUTO_DISMISS_MS);
    return id;
  }

  function error(body: ErrorBody, context?: string): number {
    return push({
      kind: 'error',
      message: body.message,
      code: body.code,
      ...(context ? { context } : {}),
      ...(body.detail ? { detail: body.detail } : {}),
    });
  }

  function info(message: string): number {
    return push({ kind: 'info', message });
  }

  function success(message: string): number {
    return push({ kind: 'success', message });
  }

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((t) => t.id !== id);
  }

  return { toasts, push, error, info, success, dismiss };
});
