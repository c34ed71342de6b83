import { describe, expect, it } from 'vitest';
import { classifyKeychainError } from '../../../src-main/accounts/errors.ts';
import { createKeytarSecrets, type KeytarLike } from '../../../src-main/accounts/keytar-secrets.ts';
import { AppError } from '../../../src-main/errors.ts';

/** A keytar stand-in: a Map, optionally failing or never answering. */
function fakeKeytar(behaviour: { fail?: string; hang?: boolean } = {}) {
  const store = new Map<string, string>();
  const calls: string[] = [];
  const act = async <T>(name: string, value: () => T): Promise<T> => {
    calls.push(name);
    if (behaviour.hang) return new Promise<T>(() => {});
    if (behaviour.fail) throw new Error(behaviour.fail);
    return value();
  };
  const keytar: KeytarLike = {
    getPassword: (s, a) => act(`get ${s}/${a}`, () => store.get(`${s}/${a}`) ?? null),
    setPassword: (s, a, p) => act(`set ${s}/${a}`, () => void store.set(`${s}/${a}`, p)),
    deletePassword: (s, a) => act(`delete ${s}/${a}`, () => store.delete(`${s}/${a}`)),
  };
  return { keytar, store, calls };
}

async function caught(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('createKeytarSecrets', () => {
  it('keys entries by service and profile id', async () => {
    const fake = fakeKeytar();
    const secrets = createKeytarSecrets({ service: 'com.qmdesk.test', load: async () => fake.keytar });
    await secrets.set('p-1', 'hunter2');
    expect(fake.store.get('com.qmdesk.test/p-1')).toBe('hunter2');
    expect(await secrets.get('p-1')).toBe('hunter2');
    expect(await secrets.delete('p-1')).toBe(true);
    expect(await secrets.delete('p-1')).toBe(false);
    expect(await secrets.get('p-1')).toBeNull();
    expect(await secrets.probe()).toEqual({ usable: true });
  });

  it('gives up on a call that never answers with keychain_timeout', async () => {
    const fake = fakeKeytar({ hang: true });
    const secrets = createKeytarSecrets({ service: 's', timeoutMs: 50, load: async () => fake.keytar });
    const error = await caught(secrets.get('p-1'));
    expect(error.code).toBe('keychain_timeout');
    expect(error.message).toMatch(/unlock prompt/);
    expect((await caught(secrets.set('p-1', 'x'))).code).toBe('keychain_timeout');
    expect(await secrets.probe()).toMatchObject({ usable: false, code: 'keychain_timeout' });
  });

  it('runs calls in order, so a cleanup after a timed-out write still removes the late entry', async () => {
    const fake = fakeKeytar();
    let release: () => void = () => {};
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const setPassword = fake.keytar.setPassword;
    fake.keytar.setPassword = async (s, a, p) => {
      await stuck; // a keyring waiting on an unlock prompt
      return setPassword(s, a, p);
    };
    const secrets = createKeytarSecrets({ service: 's', timeoutMs: 50, load: async () => fake.keytar });
    expect((await caught(secrets.set('p-1', 'late'))).code).toBe('keychain_timeout');
    const cleanup = secrets.delete('p-1').catch((e: unknown) => e);
    release();
    await cleanup;
    await secrets.get('p-1'); // queued behind both
    expect(fake.calls).toEqual(['set s/p-1', 'delete s/p-1', 'get s/p-1']);
    expect(fake.store.has('s/p-1')).toBe(false);
  });

  it('also times out a module load that never finishes', async () => {
    const secrets = createKeytarSecrets({ service: 's', timeoutMs: 50, load: () => new Promise(() => {}) });
    expect((await caught(secrets.get('p-1'))).code).toBe('keychain_timeout');
  });

  it('turns a native module that fails to load into keychain_load_failed, loading once', async () => {
    let loads = 0;
    const secrets = createKeytarSecrets({
      service: 's',
      load: async () => {
        loads++;
        throw new Error('libsecret-1.so.0: cannot open shared object file');
      },
    });
    const error = await caught(secrets.get('p-1'));
    expect(error.code).toBe('keychain_load_failed');
    expect(error.detail).toMatchObject({ reason: expect.stringContaining('libsecret-1.so.0') });
    expect(await secrets.probe()).toMatchObject({
      usable: false,
      code: 'keychain_load_failed',
      fix: expect.any(String),
    });
    expect(loads).toBe(1);
  });

  it('classifies OS failures and never repeats the secret in the error', async () => {
    const secret = 'super-secret-token-123';
    const fake = fakeKeytar({ fail: `Cannot create an item in a locked collection (${secret})` });
    const secrets = createKeytarSecrets({ service: 's', load: async () => fake.keytar });
    const error = await caught(secrets.set('p-1', secret));
    expect(error.code).toBe('keychain_locked');
    expect(error.message).toMatch(/session only/);
    expect(`${error.message} ${JSON.stringify(error.detail)}`).not.toContain(secret);
    expect(String(error.detail?.['reason'])).toContain('locked collection');
  });

  it('loads the real keytar module through the default loader without calling the keychain', async () => {
    // No keychain call here: the main layer must never touch a real keyring.
    const mod = (await import('keytar')) as { default: KeytarLike };
    expect(typeof mod.default.getPassword).toBe('function');
  });
});

describe('classifyKeychainError', () => {
  it.each([
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'keychain_no_dbus'],
    ['Could not connect: No such file or directory', 'keychain_no_dbus'],
    ['The name org.freedesktop.secrets was not provided by any .service files', 'keychain_unavailable'],
    ['Object does not exist at path “/org/freedesktop/secrets/collection/login”', 'keychain_locked'],
    ['Cannot create an item in a locked collection', 'keychain_locked'],
    ['User interaction is not allowed.', 'keychain_locked'],
    ['Something else entirely', 'keychain_error'],
  ])('%s -> %s', (message, code) => {
    expect(classifyKeychainError(new Error(message))).toBe(code);
  });
});
