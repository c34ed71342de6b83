// Fuzzes every contract channel through the real dispatch over the real services (accounts on a
// temp folder, SQLite stores, jobs; only the keychain, dialogs, clipboard and shell are fakes).
// Whatever a renderer sends, the answer is a typed Result: never `internal`, never a throw, a
// hang, an unhandled rejection, a half-written file or a polluted prototype.
//
// Replay a failure: QM_FUZZ_SEED=<seed> npx vitest run tests/main/ipc-fuzz.test.ts -t '<channel>'
// Longer hunts: QM_FUZZ_RUNS=<runs per channel> QM_FUZZ_BUDGET_MS=<time per channel>.
//
// No network: every profile points at the demo origin (answered in-process) or at a closed
// loopback port; a valid payload naming any other host is pointed at that port before it is sent.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemorySecrets } from '../../src-main/accounts/memory-secrets.ts';
import { createDispatch, type Dispatch } from '../../src-main/dispatch.ts';
import { createHandlers, type HandlerContext } from '../../src-main/handlers.ts';
import { silentLogger, type LoggerPort, type Ports } from '../../src-main/ports.ts';
import { createServices, type Services } from '../../src-main/services.ts';
import {
  AGENT_COLUMNS,
  ASSESSMENT_COLUMNS,
  COMMENT_COLUMNS,
  DISTINCT_COLUMNS,
  ERROR_CODES,
  SCORE_COLUMNS,
  SCORE_GROUPS,
  SEGMENT_LIST_COLUMNS,
  listChannels,
  type JobSnapshot,
  type Result,
  type StoreOverview,
} from '../../src-preload/contract.ts';
import { POLLUTION_MARKERS, describePayload, payloadFor } from '../support/ipc-fuzz.ts';

const SEED = Number(process.env['QM_FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env['QM_FUZZ_RUNS'] ?? 60);
/** Per channel; fast-check stops generating (without failing) when it is up. */
const CHANNEL_BUDGET_MS = Number(process.env['QM_FUZZ_BUDGET_MS'] ?? 1_000);
const CALL_TIMEOUT_MS = 10_000;
/** Demo assessments synced before the run (then the demo sync is cancelled). */
const DEMO_ROWS = 1_000;
/** Nothing listens there: a connection is refused at once. */
const CLOSED_URL = 'http://127.0.0.1:9';
const SID = 'AC0123456789abcdef0123456789abcdef';
/** Appears in every secret the examples send; must never come back in a result, a log or an event. */
const SECRET_MARK = 'FUZZ-SECRET';
const SECRET = `tok-${SECRET_MARK}-0001`;
/** These take an account's data away; they run last so the other channels see a full store. */
const DESTRUCTIVE = ['qm:accounts.remove', 'qm:data.clear', 'qm:demo.remove'];

const profileInput = {
  label: 'Fuzz loopback',
  accountSid: SID,
  credential: { kind: 'authToken' },
  region: null,
  edge: null,
  baseUrl: CLOSED_URL,
  color: '#123456',
};

interface Known {
  demo: string;
  loopback: string;
  assessmentSid: string;
  agentId: string;
  syncJobId: string;
  exportJobId: string;
}

/** A valid payload per channel, the seed of the near-valid ones. Each must pass its schema. */
function examples(k: Known): Record<string, unknown> {
  const filters = {
    segmentIds: ['seg-1'],
    agentIds: [k.agentId],
    teams: ['Team A'],
    answers: ['Yes'],
    since: 0,
    until: 2_000_000_000_000,
    text: 'good',
    scoreMin: 0,
    scoreMax: 100,
    report: false,
  };
  const window = { profileId: k.demo, filters, offset: 0, limit: 50 };
  return {
    'qm:app.info': undefined,
    'qm:app.openDataFolder': undefined,
    'qm:app.openLogsFolder': undefined,
    'qm:app.copyDiagnostics': undefined,
    'qm:settings.get': undefined,
    'qm:settings.update': {
      theme: 'dark',
      sync: { pageSize: 500, concurrency: 4 },
      export: { bom: false, formulaGuard: true, columns: 'all' },
    },
    'qm:data.usage': undefined,
    'qm:data.clear': { profileId: k.loopback },
    'qm:accounts.list': undefined,
    'qm:accounts.add': {
      profile: { ...profileInput, label: 'Fuzz added' },
      secret: SECRET,
      sessionOnly: true,
    },
    'qm:accounts.update': { id: k.loopback, profile: profileInput, secret: SECRET },
    'qm:accounts.remove': { id: k.loopback, deleteData: true },
    'qm:accounts.use': { id: k.demo },
    'qm:accounts.test': { id: k.loopback },
    'qm:accounts.testDraft': { profile: profileInput, secret: SECRET },
    'qm:jobs.list': undefined,
    'qm:jobs.cancel': { jobId: k.syncJobId },
    'qm:sync.start': {
      profileId: k.demo,
      target: {
        segments: ['seg-1'],
        agents: [k.agentId],
        reservations: ['WR0123456789abcdef0123456789abcdef'],
        conversations: [],
        all: false,
        stored: false,
      },
      options: { concurrency: 2, pageSize: 100 },
    },
    'qm:store.overview': { profileId: k.demo },
    'qm:store.segments': {
      profileId: k.demo,
      search: 'a',
      sort: { column: SEGMENT_LIST_COLUMNS[0], dir: 'desc' },
      offset: 0,
      limit: 50,
    },
    'qm:store.agents': { profileId: k.demo, search: 'a', limit: 20 },
    'qm:store.assessments': { ...window, sort: [{ column: ASSESSMENT_COLUMNS[0], dir: 'asc' }] },
    'qm:store.comments': { ...window, sort: [{ column: COMMENT_COLUMNS[0], dir: 'desc' }] },
    'qm:store.distinct': {
      profileId: k.demo,
      kind: 'assessments',
      column: DISTINCT_COLUMNS[0],
      filters,
      prefix: 'a',
      limit: 20,
    },
    'qm:store.scores': { ...window, sort: [{ column: SCORE_COLUMNS[0], dir: 'asc' }] },
    'qm:store.row': { profileId: k.demo, kind: 'assessments', sid: k.assessmentSid },
    'qm:scores.groups': { profileId: k.demo, filters, by: SCORE_GROUPS[0], period: 'week', limit: 50 },
    'qm:scores.answers': { profileId: k.demo, filters, limit: 50 },
    'qm:agents.scorecards': {
      profileId: k.demo,
      filters,
      search: '',
      sort: { column: AGENT_COLUMNS[0], dir: 'asc' },
      offset: 0,
      limit: 50,
    },
    'qm:agents.detail': { profileId: k.demo, agentId: k.agentId, filters },
    'qm:calibration.report': { profileId: k.demo, filters },
    'qm:views.list': { profileId: k.demo },
    'qm:views.save': { profileId: k.demo, name: 'Fuzz view', filters },
    'qm:views.remove': { profileId: k.demo, name: 'Fuzz view' },
    'qm:export.start': {
      profileId: k.demo,
      kind: 'assessments',
      filters: {},
      columns: ASSESSMENT_COLUMNS.slice(0, 3),
      sort: [{ column: ASSESSMENT_COLUMNS[0], dir: 'asc' }],
      options: { header: true, bom: true, formulaGuard: true, splitRows: null },
    },
    'qm:export.reveal': { jobId: k.exportJobId },
    'qm:export.copyRows': {
      profileId: k.demo,
      kind: 'assessments',
      keys: [k.assessmentSid],
      columns: ASSESSMENT_COLUMNS.slice(0, 3),
      header: true,
    },
    'qm:demo.open': undefined,
    'qm:demo.remove': undefined,
  };
}

const CODES: ReadonlySet<string> = new Set(ERROR_CODES);
const channels = listChannels().sort(
  (a, b) => Number(DESTRUCTIVE.includes(a.name)) - Number(DESTRUCTIVE.includes(b.name)),
);

let root: string;
let userData: string;
let services: Services;
let dispatch: Dispatch;
let known: Known;
let valid: Record<string, unknown>;
const logs: { level: string; message: string; detail?: Record<string, unknown> }[] = [];
const emitted: unknown[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
/** The built-in prototypes a payload could reach through __proto__ or constructor.prototype. */
const PROTOTYPES = { Object: Object.prototype, Array: Array.prototype, Function: Function.prototype };
type PrototypeState = Map<string, unknown>;
const prototypeState = (): PrototypeState =>
  new Map(
    Object.entries(PROTOTYPES).flatMap(([name, proto]) =>
      Reflect.ownKeys(proto).map((key) => {
        const d = Object.getOwnPropertyDescriptor(proto, key)!;
        return [`${name}.prototype.${String(key)}`, d.value ?? d.get] as const;
      }),
    ),
  );
const pristine = prototypeState();
/** Keys added to, removed from or replaced on a built-in prototype since the file loaded. */
function prototypeChanges(): string[] {
  const now = prototypeState();
  const keys = new Set([...pristine.keys(), ...now.keys()]);
  return [...keys].filter((k) => !now.has(k) || !pristine.has(k) || now.get(k) !== pristine.get(k));
}
let exportCount = 0;
const rerouted = { count: 0 };
/** Per channel: answers by outcome (`ok` or the error code), to show how far the payloads got. */
const outcomes = new Map<string, Map<string, number>>();
function count(channel: string, result: Result<unknown>): void {
  const byOutcome = outcomes.get(channel) ?? new Map<string, number>();
  const key = result.ok ? 'ok' : result.error.code;
  byOutcome.set(key, (byOutcome.get(key) ?? 0) + 1);
  outcomes.set(channel, byOutcome);
}

const recordingLogger: LoggerPort = {
  info: (message, detail) => void logs.push({ level: 'info', message, detail }),
  warn: (message, detail) => void logs.push({ level: 'warn', message, detail }),
  error: (message, detail) => void logs.push({ level: 'error', message, detail }),
};

function ports(): Ports {
  let tick = 0;
  return {
    secrets: createMemorySecrets(),
    paths: { userData },
    shell: { openPath: async () => undefined, showItemInFolder: () => undefined },
    // Moves on by a second per reading: deterministic, and never stands still for throttles.
    clock: { now: () => Date.UTC(2026, 0, 1) + 1_000 * tick++ },
    events: { emit: (_name, payload) => void emitted.push(payload) },
    runtime: { appVersion: '0.0.0-fuzz', electronVersion: null },
    logger: recordingLogger,
    dialogs: { saveFile: async () => join(root, `export-${++exportCount}.csv`) },
    clipboard: { writeText: () => undefined },
    env: {},
  };
}

const ctx = (): HandlerContext => ({ signal: new AbortController().signal, sender: 'fuzz' });

async function call(
  channel: string,
  payload: unknown,
  via: Dispatch = dispatch,
  timeoutMs = CALL_TIMEOUT_MS,
): Promise<Result<unknown>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_done, fail) => {
    timer = setTimeout(() => fail(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([via(channel, payload, ctx()), hang]);
  } finally {
    clearTimeout(timer);
  }
}

async function ok<T>(channel: string, payload?: unknown): Promise<T> {
  const result = await call(channel, payload);
  if (!result.ok)
    throw new Error(`${channel} failed in the setup: ${result.error.code} ${result.error.message}`);
  return result.data as T;
}

const readOrNull = (file: string): Buffer | null => {
  try {
    return readFileSync(file);
  } catch {
    return null;
  }
};
const stateFiles = () => ['profiles.json', 'settings.json'].map((name) => join(userData, name));

/** Every SQLite file under a folder (the accounts' stores). */
function sqliteFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sqliteFiles(path);
    return entry.name.endsWith('.sqlite') && statSync(path).size > 0 ? [path] : [];
  });
}

/** A payload as the main process gets it from ipcRenderer.invoke; null when IPC could not carry it. */
function overIpc(payload: unknown): { payload: unknown } | null {
  try {
    return { payload: structuredClone(payload) };
  } catch {
    return null;
  }
}

/** Valid payloads that name a host stay on loopback: any profile's baseUrl becomes the closed port. */
function offline(schema: { safeParse(v: unknown): { success: boolean } }, payload: unknown): unknown {
  if (payload === null || typeof payload !== 'object' || !schema.safeParse(payload).success) return payload;
  const profile = (payload as { profile?: { baseUrl?: unknown } }).profile;
  if (!profile || profile.baseUrl === CLOSED_URL) return payload;
  rerouted.count += 1;
  return { ...payload, profile: { ...profile, baseUrl: CLOSED_URL } };
}

/** What must hold after every call, whatever was sent. */
function checkAnswer(result: unknown, before: (Buffer | null)[]): void {
  expect(result, 'dispatch answers a Result envelope').toMatchObject({ ok: expect.any(Boolean) });
  const envelope = result as Result<unknown>;
  if (!envelope.ok) {
    expect(CODES.has(envelope.error.code), `typed error code, got ${envelope.error.code}`).toBe(true);
    expect(envelope.error.code, envelope.error.message).not.toBe('internal');
    expect(typeof envelope.error.message).toBe('string');
    expect(envelope.error.message.length).toBeGreaterThan(0);
  }
  // The answer crosses IPC back: it must survive structured cloning.
  expect(() => structuredClone(result)).not.toThrow();
  expect(JSON.stringify(result) ?? '').not.toContain(SECRET_MARK);
  const after = stateFiles().map(readOrNull);
  after.forEach((bytes) => {
    if (bytes !== null) expect(() => JSON.parse(bytes.toString('utf8'))).not.toThrow();
  });
  if (!envelope.ok && envelope.error.code === 'invalid_request') {
    after.forEach((bytes, i) => {
      const same = bytes === null ? before[i] === null : before[i] !== null && bytes.equals(before[i]!);
      expect(same, `${stateFiles()[i]} unchanged by a refused call`).toBe(true);
    });
  }
  for (const marker of POLLUTION_MARKERS) {
    expect(({} as Record<string, unknown>)[marker], `Object.prototype.${marker}`).toBeUndefined();
  }
  expect(prototypeChanges(), 'built-in prototypes changed').toEqual([]);
  expect(unhandled, 'unhandled rejections').toEqual([]);
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  root = await mkdtemp(join(tmpdir(), 'qm-ipc-fuzz-'));
  userData = join(root, 'user data');
  services = await createServices(ports());
  dispatch = createDispatch(createHandlers(services), recordingLogger);

  // The demo account, synced for real (in-process API, no network), and an account on a closed port.
  const demo = await ok<{ profileId: string; job: JobSnapshot | null }>('qm:demo.open');
  if (!demo.job) throw new Error('a fresh demo account should start its sync');
  // The whole demo is 50,000 assessments: a few pages of them are real data enough, and quick.
  const deadline = Date.now() + 90_000;
  let stored = 0;
  while (stored < DEMO_ROWS && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 100));
    stored = (await ok<StoreOverview>('qm:store.overview', { profileId: demo.profileId })).assessments;
  }
  await ok('qm:jobs.cancel', { jobId: demo.job.jobId });
  const synced = await services.jobs.wait(demo.job.jobId);
  const loopback = await ok<{ id: string }>('qm:accounts.add', {
    profile: profileInput,
    secret: SECRET,
    sessionOnly: false,
  });
  const rows = await ok<{ rows: { sid: string; agentId: string | null }[] }>('qm:store.assessments', {
    profileId: demo.profileId,
    limit: 5,
  });
  const withAgent = rows.rows.find((r) => r.agentId !== null);
  const exported = await ok<JobSnapshot>('qm:export.start', {
    profileId: demo.profileId,
    kind: 'assessments',
    columns: ASSESSMENT_COLUMNS.slice(0, 2),
  });
  await services.jobs.wait(exported.jobId);
  if (stored < DEMO_ROWS || !withAgent?.agentId)
    throw new Error('the demo store should hold synced rows with agents');
  known = {
    demo: demo.profileId,
    loopback: loopback.id,
    assessmentSid: withAgent.sid,
    agentId: withAgent.agentId,
    syncJobId: synced.jobId,
    exportJobId: exported.jobId,
  };
  valid = examples(known);
}, 120_000);

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await rm(root, { recursive: true, force: true });
});

type Channel = (typeof channels)[number];

interface FuzzOptions {
  runs: number;
  budgetMs: number;
  /** Count the outcomes (the real run only). */
  record?: boolean;
  via?: Dispatch;
  timeoutMs?: number;
  /** Stop at the first failure, without shrinking (the fuzzer's own controls). */
  endOnFailure?: boolean;
}

/** Sends generated payloads to one channel; throws with the replay line on the first broken answer. */
async function fuzzChannel(c: Channel, options: FuzzOptions): Promise<void> {
  const property = fc.asyncProperty(payloadFor(valid[c.name]), async (generated) => {
    const sent = overIpc(offline(c.request, generated));
    if (sent === null) return;
    const before = stateFiles().map(readOrNull);
    let result: unknown;
    try {
      result = await call(c.name, sent.payload, options.via, options.timeoutMs);
    } catch (error) {
      throw new Error(`${c.name} threw instead of answering: ${(error as Error).message}`, { cause: error });
    }
    try {
      checkAnswer(result, before);
      if (options.record) count(c.name, result as Result<unknown>);
    } catch (error) {
      throw new Error(
        `${c.name} <- ${describePayload(sent.payload)}\n-> ${describePayload(result)}\n${(error as Error).message}`,
        { cause: error },
      );
    }
  });
  try {
    await fc.assert(property, {
      seed: SEED,
      numRuns: options.runs,
      endOnFailure: options.endOnFailure ?? false,
      // The broken check's own message belongs in the report, not only in a `cause` runners may not print.
      includeErrorInReport: true,
      plugins: [fc.interruptAfterTimeLimit(options.budgetMs)],
    });
  } catch (error) {
    // fast-check's message carries the seed and the path; the replay line says how to use them.
    throw new Error(
      `Replay: QM_FUZZ_SEED=${SEED} npx vitest run tests/main/ipc-fuzz.test.ts -t '${c.name}'\n${(error as Error).message}`,
      { cause: error },
    );
  }
}

const channelNamed = (name: string): Channel => {
  const found = channels.find((c) => c.name === name);
  if (!found) throw new Error(`the contract has no ${name}`);
  return found;
};

/** The recursive merge that prototype pollution is made of (what the checks must catch). */
function careless(target: Record<string, unknown>, source: unknown): void {
  if (source === null || typeof source !== 'object') return;
  for (const key in source) {
    const value = (source as Record<string, unknown>)[key];
    if (value !== null && typeof value === 'object') {
      target[key] ??= {};
      careless(target[key] as Record<string, unknown>, value);
    } else {
      target[key] = value;
    }
  }
}

describe('the fuzzer catches what it looks for', () => {
  const quick = { runs: 40, budgetMs: 5_000, endOnFailure: true };
  const settingsUpdate = () => channelNamed('qm:settings.update');

  it('an internal error', async () => {
    const handlers = createHandlers(services);
    const broken = createDispatch(
      {
        ...handlers,
        settings: {
          ...handlers.settings,
          update: async () => {
            throw new TypeError('Cannot read properties of undefined');
          },
        },
      },
      silentLogger,
    );
    await expect(fuzzChannel(settingsUpdate(), { ...quick, via: broken })).rejects.toThrow(
      /Replay: QM_FUZZ_SEED=\d+[\s\S]*internal/,
    );
  });

  it('a call that never answers', async () => {
    const stuck: Dispatch = () => new Promise(() => undefined);
    await expect(fuzzChannel(settingsUpdate(), { ...quick, via: stuck, timeoutMs: 50 })).rejects.toThrow(
      /no answer within 50 ms/,
    );
  });

  it('a polluted prototype', async () => {
    const polluting: Dispatch = async (_channel, payload) => {
      try {
        careless({}, payload);
      } catch {
        // too deep to merge: not what this control is about
      }
      return { ok: true, data: null };
    };
    try {
      await expect(fuzzChannel(settingsUpdate(), { ...quick, via: polluting })).rejects.toThrow(
        /Object\.prototype/,
      );
    } finally {
      for (const marker of POLLUTION_MARKERS) delete (Object.prototype as Record<string, unknown>)[marker];
    }
  });

  it('a refused call that still wrote a file', async () => {
    const file = join(userData, 'settings.json');
    const saved = readOrNull(file);
    const writing: Dispatch = async () => {
      writeFileSync(file, JSON.stringify({ theme: 'light', written: Date.now() }));
      return { ok: false, error: { code: 'invalid_request', message: 'The request was not valid.' } };
    };
    try {
      await expect(fuzzChannel(settingsUpdate(), { ...quick, via: writing })).rejects.toThrow(/unchanged/);
    } finally {
      if (saved) writeFileSync(file, saved);
    }
  });
});

describe('IPC fuzzing over the real services', () => {
  it('has a valid example for every channel (the seed of the near-valid payloads)', () => {
    for (const c of channels) {
      expect(Object.hasOwn(valid, c.name), `add an example for ${c.name} to examples()`).toBe(true);
      const parsed = c.request.safeParse(valid[c.name]);
      expect(parsed.success, `${c.name}: ${parsed.error?.message}`).toBe(true);
    }
  });

  const fuzz = (c: Channel) =>
    it(`${c.name} answers every payload with a typed Result`, async () => {
      // The job list is bounded: point the examples at jobs it still knows.
      const latest = (kind: string) =>
        services.jobs.list().findLast((j) => j.kind === kind && j.state === 'done');
      known.exportJobId = latest('export')?.jobId ?? known.exportJobId;
      known.syncJobId = latest('sync')?.jobId ?? known.syncJobId;
      valid = examples(known);
      await fuzzChannel(c, { runs: RUNS, budgetMs: CHANNEL_BUDGET_MS, record: true });
      await stopJobs();
      const reached = [...(outcomes.get(c.name) ?? new Map<string, number>())].filter(
        ([k]) => k !== 'invalid_request',
      );
      expect(reached.length, `no payload got past the schema of ${c.name}`).toBeGreaterThan(0);
    });

  channels.filter((c) => !DESTRUCTIVE.includes(c.name)).forEach(fuzz);

  it('leaves sound stores behind (while the accounts still have their data)', () => {
    const stores = sqliteFiles(userData);
    expect(stores.length, 'the demo store at least').toBeGreaterThanOrEqual(1);
    stores.forEach(checkIntegrity);
  });

  channels.filter((c) => DESTRUCTIVE.includes(c.name)).forEach(fuzz);

  it('refuses channels outside the contract, prototype names included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom('__proto__', 'constructor', 'toString', 'qm:', 'qm:__proto__.x', 'qm:app'),
          fc.string(),
        ),
        nastySafe(),
        async (name, payload) => {
          if (channels.some((c) => c.name === name)) return;
          const result = await call(name, payload);
          expect(result).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
        },
      ),
      { seed: SEED, numRuns: 50 },
    );
  });

  it('leaves readable files, sound stores, clean logs and untouched prototypes', async () => {
    await services.close();
    for (const file of stateFiles()) {
      const bytes = readOrNull(file);
      if (bytes !== null) expect(() => JSON.parse(bytes.toString('utf8')), file).not.toThrow();
    }
    const stores = sqliteFiles(userData);
    stores.forEach(checkIntegrity);
    const said = JSON.stringify([logs, emitted]);
    expect(said).not.toContain(SECRET_MARK);
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
    for (const marker of POLLUTION_MARKERS) expect(({} as Record<string, unknown>)[marker]).toBeUndefined();
    expect(prototypeChanges()).toEqual([]);
    // Events go to every window over IPC: each payload must survive structured cloning.
    for (const payload of emitted) expect(() => structuredClone(payload)).not.toThrow();
    expect(unhandled).toEqual([]);
    const summary = [...outcomes].map(
      ([name, by]) => `${name} ${[...by].map(([k, n]) => `${k}:${n}`).join(' ')}`,
    );
    console.warn(
      `ipc-fuzz: seed ${SEED}, ${channels.length} channels, ${rerouted.count} payloads kept on loopback\n${summary.join('\n')}`,
    );
  });
});

/** Syncs and exports the payloads started stay on this channel's clock, not the next one's. */
async function stopJobs(): Promise<void> {
  const running = services.jobs.list().filter((j) => j.state === 'running');
  for (const job of running) services.jobs.cancel(job.jobId);
  await Promise.all(running.map((job) => services.jobs.wait(job.jobId)));
}

function checkIntegrity(file: string): void {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    expect(db.prepare('PRAGMA integrity_check').all(), file).toEqual([{ integrity_check: 'ok' }]);
  } finally {
    db.close();
  }
}

function nastySafe(): fc.Arbitrary<unknown> {
  return fc.oneof(fc.constant(undefined), fc.jsonValue());
}
