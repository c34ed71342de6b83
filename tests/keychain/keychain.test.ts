/**
 * Real keytar against a private Secret Service (never the person's own keyring). Everything that
 * calls keytar in this process lives in this file: libsecret keeps its first bus connection.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createKeytarSecrets, type KeytarLike } from '../../src-main/accounts/keytar-secrets.ts';
import { createAccountsService, type AccountsService } from '../../src-main/accounts/service.ts';
import {
  createFixture,
  findLeaks,
  KEY_A,
  leakForms,
  profile,
  SID_A,
  SID_B,
  type Fixture,
} from '../support/accounts-fixture.ts';
import { secretServiceOrSkip } from '../support/keychain-gate.ts';

const savedEnv = { ...process.env };
const secretService = await secretServiceOrSkip('keychain');
// Before keytar's first call: this process talks only to the private bus.
if (secretService) Object.assign(process.env, secretService.env);

afterAll(async () => {
  await secretService?.stop();
  for (const key of Object.keys(secretService?.env ?? {})) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
});

const TOKEN = `tok-${randomUUID()}`;
const TOKEN_2 = `tok2-${randomUUID()}`;
const KEY_SECRET = `key-${randomUUID()}`;

describe.skipIf(!secretService)('keytar on a private Secret Service', () => {
  let keytar: KeytarLike;
  let service: string;
  let fx: Fixture;
  let accounts: AccountsService;

  beforeEach(async () => {
    keytar = ((await import('keytar')) as { default: KeytarLike }).default;
    service = `com.qmdesk.test.${randomUUID()}`;
    fx = await createFixture({ secrets: createKeytarSecrets({ service }) });
    accounts = await createAccountsService(fx.deps());
  });

  afterEach(async () => {
    await accounts.close();
    await fx.cleanup();
  });

  it('round-trips a secret through the port and reports the keychain usable', async () => {
    const secrets = createKeytarSecrets({ service });
    expect(await secrets.probe()).toEqual({ usable: true });
    await secrets.set('p-1', TOKEN);
    expect(await keytar.getPassword(service, 'p-1')).toBe(TOKEN);
    expect(await secrets.get('p-1')).toBe(TOKEN);
    expect(await secrets.delete('p-1')).toBe(true);
    expect(await keytar.getPassword(service, 'p-1')).toBeNull();
    expect((await accounts.list()).keychain).toEqual({ usable: true });
  });

  it('creates, reads back, updates with and without a secret, switches and removes', async () => {
    const a = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    expect(await keytar.getPassword(service, a.id)).toBe(TOKEN);

    // Read back from a fresh service over the same files and keychain.
    const fresh = await createAccountsService(fx.deps());
    expect((await fresh.list()).profiles).toMatchObject([{ id: a.id, hasSecret: true, sessionOnly: false }]);
    expect((await fresh.activeTarget())?.target.password).toBe(TOKEN);
    await fresh.close();

    await accounts.update({ id: a.id, profile: profile({ label: 'Support EMEA', region: 'ie1' }) });
    expect(await keytar.getPassword(service, a.id)).toBe(TOKEN);
    await accounts.update({ id: a.id, profile: profile({ label: 'Support EMEA' }), secret: TOKEN_2 });
    expect(await keytar.getPassword(service, a.id)).toBe(TOKEN_2);

    const b = await accounts.add({
      profile: profile({
        label: 'Sales',
        accountSid: SID_B,
        credential: { kind: 'apiKey', apiKeySid: KEY_A },
      }),
      secret: KEY_SECRET,
      sessionOnly: false,
    });
    expect((await accounts.use({ id: b.id })).activeId).toBe(b.id);
    await accounts.test({ id: b.id });
    expect(fx.tested.at(-1)).toMatchObject({ accountSid: SID_B, username: KEY_A, password: KEY_SECRET });

    await accounts.remove({ id: a.id, deleteData: true });
    expect(await keytar.getPassword(service, a.id)).toBeNull();
    expect(await keytar.getPassword(service, b.id)).toBe(KEY_SECRET);
    await accounts.remove({ id: b.id, deleteData: false });
    expect(await keytar.getPassword(service, b.id)).toBeNull();
  });

  it('keeps both keychain entries when two services on one folder add an account each', async () => {
    const other = await createAccountsService(fx.deps());
    try {
      expect((await other.list()).profiles).toEqual([]); // its view, stale after the next add
      const a = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
      const b = await other.add({
        profile: profile({ label: 'Sales', accountSid: SID_B }),
        secret: TOKEN_2,
        sessionOnly: false,
      });
      await accounts.use({ id: a.id });
      const state = await accounts.list();
      expect(state.profiles.map((p) => [p.id, p.hasSecret])).toEqual([
        [a.id, true],
        [b.id, true],
      ]);
      expect(await keytar.getPassword(service, a.id)).toBe(TOKEN);
      expect(await keytar.getPassword(service, b.id)).toBe(TOKEN_2);
      await other.remove({ id: a.id, deleteData: true });
      expect(await keytar.getPassword(service, a.id)).toBeNull();
      expect((await accounts.list()).profiles.map((p) => p.id)).toEqual([b.id]);
      expect((await accounts.target(b.id)).password).toBe(TOKEN_2);
    } finally {
      await other.close();
    }
  });

  it('leaks no secret into files, events or console output over a full cycle', async () => {
    const logged: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      vi
        .spyOn(console, level)
        .mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' '))),
    );
    try {
      const a = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
      const b = await accounts.add({
        profile: profile({ label: 'Sales', credential: { kind: 'apiKey', apiKeySid: KEY_A } }),
        secret: KEY_SECRET,
        sessionOnly: false,
      });
      await accounts.update({ id: a.id, profile: profile({ label: 'Support 2' }), secret: TOKEN_2 });
      await accounts.use({ id: b.id });
      expect((await accounts.test({ id: a.id })).status).toBe('ok');
      expect((await accounts.test({ id: b.id })).status).toBe('ok');
      const errors: unknown[] = [];
      await accounts
        .update({ id: a.id, profile: profile({ label: 'Sales' }), secret: TOKEN })
        .catch((e) => errors.push(e));
      await accounts.remove({ id: a.id, deleteData: false });
      await accounts.remove({ id: b.id, deleteData: true });
      expect(fx.tested.map((t) => t.password)).toEqual([TOKEN_2, KEY_SECRET]);

      const forms = [
        ...leakForms(TOKEN, SID_A),
        ...leakForms(TOKEN_2, SID_A),
        ...leakForms(KEY_SECRET, KEY_A),
      ];
      expect(await findLeaks(fx.userData, forms)).toEqual([]);
      const captured = [
        JSON.stringify(fx.events),
        ...logged,
        ...errors.map((e) => JSON.stringify(e) + String(e)),
      ];
      expect(errors).toHaveLength(1);
      expect(fx.events.length).toBeGreaterThan(5);
      for (const text of captured) for (const form of forms) expect(text).not.toContain(form);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
