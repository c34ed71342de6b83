import { describe, expect, it } from 'vitest';
import {
  CHANNEL_PREFIX,
  ERROR_CODES,
  EVENTS,
  EVENT_NAMES,
  ProfileInputSchema,
  SETTINGS_DEFAULTS,
  SYNC_CONCURRENCY_DEFAULT,
  SYNC_CONCURRENCY_MAX,
  SettingsSchema,
  contract,
  eventChannel,
  listChannels,
} from '../../src-preload/contract.ts';

describe('contract', () => {
  it('pins the channel list: a new channel must be a visible change here', () => {
    expect(listChannels().map((c) => c.name)).toEqual([
      'qm:app.info',
      'qm:app.openDataFolder',
      'qm:app.openLogsFolder',
      'qm:app.copyDiagnostics',
      'qm:settings.get',
      'qm:settings.update',
      'qm:data.usage',
      'qm:data.clear',
      'qm:accounts.list',
      'qm:accounts.add',
      'qm:accounts.update',
      'qm:accounts.remove',
      'qm:accounts.use',
      'qm:accounts.test',
      'qm:accounts.testDraft',
      'qm:jobs.list',
      'qm:jobs.cancel',
      'qm:sync.start',
      'qm:store.overview',
      'qm:store.segments',
      'qm:store.agents',
      'qm:store.assessments',
      'qm:store.comments',
      'qm:store.distinct',
      'qm:store.scores',
      'qm:store.row',
      'qm:scores.groups',
      'qm:scores.answers',
      'qm:agents.scorecards',
      'qm:agents.detail',
      'qm:calibration.report',
      'qm:views.list',
      'qm:views.save',
      'qm:views.remove',
      'qm:export.start',
      'qm:export.reveal',
      'qm:export.copyRows',
      'qm:demo.open',
      'qm:demo.remove',
    ]);
  });

  it('lists every event of the EVENTS table, and only those', () => {
    expect([...EVENT_NAMES].sort()).toEqual(Object.keys(EVENTS).sort());
    expect(EVENT_NAMES).toEqual(
      expect.arrayContaining([
        'accounts.changed',
        'accounts.switched',
        'settings.changed',
        'jobs.progress',
        'jobs.done',
        'data.cleared',
      ]),
    );
    expect(new Set(EVENT_NAMES).size).toBe(EVENT_NAMES.length);
  });

  it('keeps error codes unique', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  it('names the profile in every store request', () => {
    for (const { ns, name, request } of listChannels().filter((c) => c.ns === 'store')) {
      const missing = request.safeParse({});
      expect(missing.success, name).toBe(false);
      expect(JSON.stringify(missing.error?.issues), `${ns}: profileId`).toContain('profileId');
    }
  });

  it('puts every channel and event under one prefix', () => {
    for (const { name } of listChannels()) expect(name.startsWith(CHANNEL_PREFIX)).toBe(true);
    for (const name of EVENT_NAMES) expect(eventChannel(name)).toBe(`qm:event:${name}`);
  });

  it('rejects payloads for argument-less channels', () => {
    expect(contract.app.info.request.safeParse(undefined).success).toBe(true);
    expect(contract.app.info.request.safeParse({ path: '/etc/passwd' }).success).toBe(false);
  });

  it('rejects unknown keys on object requests (no smuggled fields)', () => {
    expect(contract.settings.update.request.safeParse({ theme: 'dark' }).success).toBe(true);
    expect(contract.settings.update.request.safeParse({ theme: 'dark', extra: 1 }).success).toBe(false);
    expect(contract.settings.update.request.safeParse({ theme: 'neon' }).success).toBe(false);
  });

  it('takes a deep-partial settings patch, strict at every level, and pins valid defaults', () => {
    const update = contract.settings.update.request;
    expect(update.safeParse({}).success).toBe(true);
    expect(update.safeParse({ sync: { pageSize: 50 } }).success).toBe(true);
    expect(update.safeParse({ export: { columns: 'all' } }).success).toBe(true);
    expect(update.safeParse({ sync: { pageSize: 50, extra: 1 } }).success).toBe(false);
    expect(update.safeParse({ export: { columns: 'some' } }).success).toBe(false);
    expect(update.safeParse({ sync: { pageSize: 0 } }).success).toBe(false);
    expect(update.safeParse({ sync: { concurrency: SYNC_CONCURRENCY_MAX + 1 } }).success).toBe(false);
    expect(SettingsSchema.parse(SETTINGS_DEFAULTS)).toEqual(SETTINGS_DEFAULTS);
    expect(SETTINGS_DEFAULTS.sync.concurrency).toBe(SYNC_CONCURRENCY_DEFAULT);
  });

  it('validates profiles with reviewer-readable messages', () => {
    const good = {
      label: ' Support EU ',
      accountSid: 'AC' + 'a'.repeat(32),
      credential: { kind: 'apiKey', apiKeySid: 'SK' + '0'.repeat(32) },
      region: 'IE1',
      edge: 'dublin',
      baseUrl: null,
    };
    const parsed = ProfileInputSchema.parse(good);
    expect(parsed.label).toBe('Support EU');
    expect(parsed.region).toBe('ie1');
    expect(parsed.color).toMatch(/^#[0-9a-f]{6}$/i);

    const bad = ProfileInputSchema.safeParse({
      ...good,
      accountSid: 'AC123',
      credential: { kind: 'apiKey', apiKeySid: 'x' },
    });
    expect(bad.success).toBe(false);
    const messages = bad.error?.issues.map((i) => i.message) ?? [];
    expect(messages).toContain('An Account SID is AC followed by 32 hex characters.');
    expect(messages).toContain('An API Key SID is SK followed by 32 hex characters.');
  });
});
