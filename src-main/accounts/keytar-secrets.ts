import { classifyKeychainError, isKeychainError, keychainError, keychainStateOf } from './errors.ts';
import type { SecretsPort } from '../ports.ts';
import type { KeychainState } from '../../src-preload/contract.ts';

/** The keychain entries' service name: the app id (account = profile id). */
export const DEFAULT_KEYCHAIN_SERVICE = 'com.qmdesk.app';
export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 5_000;

/** The part of keytar we use; injectable so load failures and hangs can be tested. */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export type ProbingSecretsPort = SecretsPort & {
  /** Whether the keychain answers at all, as the state the renderer shows. */
  probe(): Promise<KeychainState>;
};

export interface KeytarSecretsOptions {
  service: string;
  /** Every keychain call gives up after this long (a locked keyring may wait on a prompt forever). */
  timeoutMs?: number;
  load?: () => Promise<KeytarLike>;
}

// An account name no profile id can take (ids never contain an underscore).
const PROBE_ACCOUNT = '__qm_probe__';

async function loadKeytar(): Promise<KeytarLike> {
  const mod = (await import('keytar')) as { default?: KeytarLike } & KeytarLike;
  return mod.default ?? mod;
}

export function createKeytarSecrets(options: KeytarSecretsOptions): ProbingSecretsPort {
  const { service } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS;
  const load = options.load ?? loadKeytar;
  // Loaded on first use, so a broken native module is a typed error instead of a crash at startup.
  let loaded: Promise<KeytarLike> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  function keytar(): Promise<KeytarLike> {
    loaded ??= load().catch((error: unknown) => {
      throw keychainError('keychain_load_failed', reasonOf(error));
    });
    return loaded;
  }

  async function call<T>(op: (k: KeytarLike) => Promise<T>, secret?: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(keychainError('keychain_timeout', `no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    // One keychain call at a time, in order: a call that timed out may still land later, and what
    // was asked after it (the cleanup delete of a failed add, say) must land after it, not before.
    const work = queue.then(keytar).then(op);
    queue = work.catch(() => {}); // after a timeout the call may still fail; nobody is listening then
    try {
      return await Promise.race([work, timeout]);
    } catch (error) {
      if (isKeychainError(error)) throw error;
      throw keychainError(classifyKeychainError(error), reasonOf(error, secret));
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    get: (profileId) => call((k) => k.getPassword(service, profileId)),
    set: (profileId, secret) => call((k) => k.setPassword(service, profileId, secret), secret),
    delete: (profileId) => call((k) => k.deletePassword(service, profileId)),
    async probe() {
      try {
        await call((k) => k.getPassword(service, PROBE_ACCOUNT));
        return { usable: true };
      } catch (error) {
        if (isKeychainError(error)) return keychainStateOf(error);
        throw error;
      }
    },
  };
}

/** OS messages never quote the password, but a secret must not reach an error even by accident. */
function reasonOf(error: unknown, secret?: string): string {
  const text = error instanceof Error ? error.message : String(error);
  return (secret ? text.split(secret).join('[secret]') : text).slice(0, 300);
}
