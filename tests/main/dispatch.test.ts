import { describe, expect, it, vi } from 'vitest';
import { createDispatch } from '../../src-main/dispatch.ts';
import { AppError } from '../../src-main/errors.ts';
import type { HandlerContext, Handlers } from '../../src-main/handlers.ts';

function fakeHandlers(overrides: Partial<Handlers['accounts']> = {}): Handlers {
  const unexpected = () => Promise.reject(new Error('not used in this test'));
  return {
    jobs: { list: vi.fn(unexpected), cancel: vi.fn(unexpected) },
    sync: { start: vi.fn(unexpected) },
    store: {
      overview: vi.fn(unexpected),
      segments: vi.fn(unexpected),
      agents: vi.fn(unexpected),
      assessments: vi.fn(unexpected),
      comments: vi.fn(unexpected),
      distinct: vi.fn(unexpected),
      scores: vi.fn(unexpected),
      row: vi.fn(unexpected),
    },
    scores: { groups: vi.fn(unexpected), answers: vi.fn(unexpected) },
    agents: { scorecards: vi.fn(unexpected), detail: vi.fn(unexpected) },
    calibration: { report: vi.fn(unexpected) },
    views: { list: vi.fn(unexpected), save: vi.fn(unexpected), remove: vi.fn(unexpected) },
    export: { start: vi.fn(unexpected), reveal: vi.fn(unexpected), copyRows: vi.fn(unexpected) },
    demo: { open: vi.fn(unexpected), remove: vi.fn(unexpected) },
    app: {
      info: vi.fn(unexpected),
      openDataFolder: vi.fn(unexpected),
      openLogsFolder: vi.fn(unexpected),
      copyDiagnostics: vi.fn(unexpected),
    },
    settings: {
      // Only the envelope matters here, not a whole Settings.
      get: vi.fn(async () => ({ theme: 'dark' }) as never),
      update: vi.fn(unexpected),
    },
    data: { usage: vi.fn(unexpected), clear: vi.fn(unexpected) },
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

const ctx: HandlerContext = { signal: new AbortController().signal, sender: 'test' };
const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

describe('dispatch', () => {
  it('returns the handler result in an ok envelope', async () => {
    const dispatch = createDispatch(fakeHandlers(), logger);
    await expect(dispatch('qm:settings.get', undefined, ctx)).resolves.toEqual({
      ok: true,
      data: { theme: 'dark' },
    });
  });

  it('passes the parsed request (defaults applied) to the handler', async () => {
    const add = vi.fn(async () => ({}) as never);
    const dispatch = createDispatch(fakeHandlers({ add }), logger);
    const result = await dispatch('qm:accounts.add', { profile, secret: 's3cr3t' }, ctx);
    expect(result.ok).toBe(true);
    expect(add).toHaveBeenCalledWith(
      {
        profile: { ...profile, color: '#3b82f6' },
        secret: 's3cr3t',
        sessionOnly: false,
      },
      ctx,
    );
  });

  it('hands the caller context (signal, sender) to the handler', async () => {
    const dispatch = createDispatch(
      {
        ...fakeHandlers(),
        sync: {
          start: vi.fn(async (_request, context: HandlerContext) => {
            expect(context.signal.aborted).toBe(false);
            return { jobId: context.sender } as never;
          }),
        },
      },
      logger,
    );
    const controller = new AbortController();
    const result = await dispatch(
      'qm:sync.start',
      { profileId: 'p1', target: { segments: ['s1'] } },
      { signal: controller.signal, sender: 'webContents:7' },
    );
    expect(result).toEqual({ ok: true, data: { jobId: 'webContents:7' } });
  });

  it('applies the sync defaults and refuses an empty target', async () => {
    const start = vi.fn(async () => ({}) as never);
    const dispatch = createDispatch({ ...fakeHandlers(), sync: { start } }, logger);
    await dispatch('qm:sync.start', { profileId: 'p1', target: { segments: [' s1 '] } }, ctx);
    expect(start).toHaveBeenCalledWith(
      {
        profileId: 'p1',
        target: {
          segments: ['s1'],
          agents: [],
          reservations: [],
          conversations: [],
          all: false,
          stored: false,
        },
        options: { concurrency: 8, pageSize: 1000 },
      },
      ctx,
    );
    const empty = await dispatch('qm:sync.start', { profileId: 'p1', target: {} }, ctx);
    expect(empty).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(start).toHaveBeenCalledTimes(1);
  });

  it('turns a bad payload into invalid_request without calling the handler', async () => {
    const add = vi.fn(async () => ({}) as never);
    const dispatch = createDispatch(fakeHandlers({ add }), logger);
    const result = await dispatch(
      'qm:accounts.add',
      {
        profile: { ...profile, accountSid: 'nope' },
        secret: '',
      },
      ctx,
    );
    expect(add).not.toHaveBeenCalled();
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    if (!result.ok) {
      expect(result.error.message).toContain('profile.accountSid');
      expect(result.error.detail?.['issues']).toHaveLength(2);
    }
  });

  it('answers an unknown channel with a typed error', async () => {
    const result = await createDispatch(fakeHandlers(), logger)(
      'qm:fs.readFile',
      { path: '/etc/passwd' },
      ctx,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
  });

  it('keeps AppError codes and hides the internals of anything else', async () => {
    const use = vi.fn(async () => {
      throw new AppError('not_found', 'That account no longer exists.');
    });
    const test = vi.fn(async () => {
      throw new Error('ECONNRESET at /home/me/secret/path');
    });
    const dispatch = createDispatch(fakeHandlers({ use, test }), logger);
    expect(await dispatch('qm:accounts.use', { id: 'abc' }, ctx)).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'That account no longer exists.' },
    });
    const hidden = await dispatch('qm:accounts.test', { id: 'abc' }, ctx);
    expect(hidden).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(hidden)).not.toContain('secret/path');
    // The reviewer gets a short ref; the log gets the same ref with the stack.
    if (hidden.ok) throw new Error('expected a failure');
    const ref = (hidden.error.detail as { ref: string }).ref;
    expect(ref).toMatch(/^[0-9a-f]{4}$/);
    expect(hidden.error.message).toBe(`Something went wrong (ref ${ref}). Details are in the log.`);
    expect(logger.error).toHaveBeenCalledWith(
      `Internal error (ref ${ref}) in qm:accounts.test`,
      expect.objectContaining({ ref, error: expect.stringContaining('ECONNRESET') }),
    );
  });
});
