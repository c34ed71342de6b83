import { vi } from 'vitest';
import type { QmApi } from '../../src-preload/api.ts';
import type {
  AccountsState,
  AppInfo,
  ConnectionTestResult,
  EventName,
  Events,
  ProfileView,
  Result,
  Settings,
} from '../../src-preload/contract.ts';

export const ok = <T>(data: T): Result<T> => ({ ok: true, data });
export const fail = (code: string, message: string, detail?: Record<string, unknown>): Result<never> => ({
  ok: false,
  error: { code, message, ...(detail ? { detail } : {}) },
});

export const APP_INFO: AppInfo = {
  name: 'QM Desk',
  version: '0.1.0',
  node: '24.11.0',
  electron: null,
  platform: 'linux',
  dataDir: '/home/reviewer/.config/QM Desk',
};

/** 32 hex characters derived from an id, so each fake profile has a distinct, valid SID. */
const hexOf = (id: string): string =>
  [...id]
    .map((c) => c.charCodeAt(0).toString(16))
    .join('')
    .padStart(32, '0')
    .slice(-32);

export function profile(overrides: Partial<ProfileView> & { id: string; label: string }): ProfileView {
  return {
    accountSid: `AC${hexOf(overrides.id)}`,
    credential: { kind: 'authToken' },
    region: null,
    edge: null,
    baseUrl: null,
    color: '#3b82f6',
    hasSecret: true,
    source: 'file',
    sessionOnly: false,
    ...overrides,
  };
}

export function accountsState(overrides: Partial<AccountsState> = {}): AccountsState {
  return { profiles: [], activeId: null, keychain: { usable: true }, recovered: null, ...overrides };
}

/**
 * A stand-in for `window.qm` with the QmApi shape: every method a vi.fn() answering a plausible
 * Result, and `emit()` to push an event to whoever subscribed with `on()`.
 */
export function createFakeQm(initial: { accounts?: AccountsState; settings?: Settings } = {}) {
  let accounts = initial.accounts ?? accountsState();
  let settings: Settings = initial.settings ?? { theme: 'system' };
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  const api = {
    app: {
      info: vi.fn(async () => ok(APP_INFO)),
      openDataFolder: vi.fn(async () => ok(null)),
    },
    settings: {
      get: vi.fn(async () => ok(settings)),
      update: vi.fn(async (request: Partial<Settings>) => {
        settings = { ...settings, ...request };
        return ok(settings);
      }),
    },
    accounts: {
      list: vi.fn(async () => ok(accounts)),
      add: vi.fn(async (request: { profile: { label: string } }) =>
        ok(profile({ id: `new-${accounts.profiles.length + 1}`, label: request.profile.label })),
      ),
      update: vi.fn(async (request: { id: string; profile: { label: string } }) =>
        ok(profile({ id: request.id, label: request.profile.label })),
      ),
      remove: vi.fn(async () => ok(null)),
      use: vi.fn(async (request: { id: string }) => {
        accounts = { ...accounts, activeId: request.id };
        return ok(accounts);
      }),
      test: vi.fn(async (): Promise<Result<ConnectionTestResult>> =>
        ok({ status: 'ok', message: 'Connected to Flex Insights.', ms: 120 }),
      ),
      testDraft: vi.fn(async (): Promise<Result<ConnectionTestResult>> =>
        ok({ status: 'ok', message: 'Connected to Flex Insights.', ms: 95 }),
      ),
    },
    on: vi.fn((name: string, listener: (payload: unknown) => void) => {
      const set = listeners.get(name) ?? new Set();
      set.add(listener);
      listeners.set(name, set);
      return () => void set.delete(listener);
    }),
  };

  return {
    api,
    /** Installs the fake as window.qm and returns it. */
    install() {
      window.qm = api as unknown as QmApi;
      return this;
    },
    emit<E extends EventName>(name: E, payload: Events[E]): void {
      listeners.get(name)?.forEach((listener) => listener(payload));
    },
    listenerCount(name: EventName): number {
      return listeners.get(name)?.size ?? 0;
    },
    setAccounts(next: AccountsState): void {
      accounts = next;
    },
  };
}

export type FakeQm = ReturnType<typeof createFakeQm>;

/** Dispatches a keydown on window (where the app listens for shortcuts). */
export function pressKey(init: KeyboardEventInit, target: EventTarget = window): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
}
