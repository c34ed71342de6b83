import { describe, expect, it, vi } from 'vitest';
import { createDispatch } from '../../src-main/dispatch.ts';
import { AppError } from '../../src-main/errors.ts';
import type { Handlers } from '../../src-main/handlers.ts';

function fakeHandlers(overrides: Partial<Handlers['accounts']> = {}): Handlers {
  const unexpected = () => Promise.reject(new Error('not used in this test'));
  return {
    app: { info: vi.fn(unexpected), openDataFolder: vi.fn(unexpected) },
    settings: { get: vi.fn(async () => ({ theme: 'dark' as const })), update: vi.fn(unexpected) },
    accounts: {
      list: vi.fn(unexpected),
      add: vi.fn(unexpected),
      update: vi.fn(unexpected),
      remove: vi.fn(unexpected),
      use: vi.fn(unexpected),
      test: vi.fn(unexpected),
      testDraft: vi.fn(unexpected),
      ...overrides,
    },
  };
}

const profile = {
  label: 'Support',
  accountSid: 'AC' + 'b'.repeat(32),
  credential: { kind: 'authToken' },
  region: null,
  edge: null,
  baseUrl: null,
};

describe('dispatch', () => {
  it('returns the handler result in an ok envelope', async () => {
    const dispatch = createDispatch(fakeHandlers());
    await expect(dispatch('qm:settings.get', undefined)).resolves.toEqual({
      ok: true,
      data: { theme: 'dark' },
    });
  });

  it('passes the parsed request (defaults applied) to the handler', async () => {
    const add = vi.fn(async () => ({}) as never);
    const dispatch = createDispatch(fakeHandlers({ add }));
    const result = await dispatch('qm:accounts.add', { profile, secret: 's3cr3t' });
    expect(result.ok).toBe(true);
    expect(add).toHaveBeenCalledWith({
      profile: { ...profile, color: '#3b82f6' },
      secret: 's3cr3t',
      sessionOnly: false,
    });
  });

  it('turns a bad payload into invalid_request without calling the handler', async () => {
    const add = vi.fn(async () => ({}) as never);
    const dispatch = createDispatch(fakeHandlers({ add }));
    const result = await dispatch('qm:accounts.add', {
      profile: { ...profile, accountSid: 'nope' },
      secret: '',
    });
    expect(add).not.toHaveBeenCalled();
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    if (!result.ok) {
      expect(result.error.message).toContain('profile.accountSid');
      expect(result.error.detail?.['issues']).toHaveLength(2);
    }
  });

  it('answers an unknown channel with a typed error', async () => {
    const result = await createDispatch(fakeHandlers())('qm:fs.readFile', { path: '/etc/passwd' });
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
  });

  it('keeps AppError codes and hides the internals of anything else', async () => {
    const use = vi.fn(async () => {
      throw new AppError('not_found', 'That account no longer exists.');
    });
    const test = vi.fn(async () => {
      throw new Error('ECONNRESET at /home/me/secret/path');
    });
    const dispatch = createDispatch(fakeHandlers({ use, test }));
    expect(await dispatch('qm:accounts.use', { id: 'abc' })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'That account no longer exists.' },
    });
    const hidden = await dispatch('qm:accounts.test', { id: 'abc' });
    expect(hidden).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(hidden)).not.toContain('secret/path');
  });
});
