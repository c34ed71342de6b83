/** Shared pieces for the accounts tests: ports over a temp userData, recorded events, profiles. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemorySecrets } from '../../src-main/accounts/memory-secrets.ts';
import type { AccountsDeps } from '../../src-main/accounts/service.ts';
import type { FlexTarget } from '../../src-main/flex/types.ts';
import { silentLogger, type SecretsPort } from '../../src-main/ports.ts';
import {
  ProfileInputSchema,
  type ConnectionTestResult,
  type EventName,
  type Events,
  type Profile,
  type ProfileInput,
} from '../../src-preload/contract.ts';

export const SID_A = 'AC0123456789abcdef0123456789abcdef';
export const SID_B = 'ACfedcba9876543210fedcba9876543210';
export const KEY_A = 'SK0123456789abcdef0123456789abcdef';
export const KEY_B = 'SKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';

export function profile(overrides: Partial<ProfileInput> = {}): Profile {
  return ProfileInputSchema.parse({
    label: 'Support EU',
    accountSid: SID_A,
    credential: { kind: 'authToken' },
    region: null,
    edge: null,
    baseUrl: null,
    ...overrides,
  });
}

export interface Recorded {
  name: EventName;
  payload: Events[EventName];
}

export interface Fixture {
  userData: string;
  events: Recorded[];
  /** Every target the fake network was asked to test. */
  tested: FlexTarget[];
  deps(overrides?: Partial<AccountsDeps>): AccountsDeps;
  cleanup(): Promise<void>;
}

export async function createFixture(
  options: { secrets?: SecretsPort; env?: Record<string, string>; result?: ConnectionTestResult } = {},
): Promise<Fixture> {
  const root = await mkdtemp(join(tmpdir(), 'qm-accounts-'));
  const userData = join(root, 'user data');
  const events: Recorded[] = [];
  const tested: FlexTarget[] = [];
  const secrets = options.secrets ?? createMemorySecrets();
  const result = options.result ?? { status: 'ok', message: 'Connected.', ms: 12 };
  return {
    userData,
    events,
    tested,
    deps: (overrides = {}) => ({
      secrets,
      paths: { userData },
      shell: { openPath: async () => {} },
      clock: { now: () => Date.UTC(2025, 0, 2, 3, 4, 5) },
      events: { emit: (name, payload) => events.push({ name, payload: structuredClone(payload) }) },
      runtime: { appVersion: '0.0.0-test', electronVersion: null },
      logger: silentLogger,
      env: options.env ?? {},
      testConnection: async (target) => {
        tested.push({ ...target });
        return result;
      },
      ...overrides,
    }),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** Every file under `dir`, recursively, as [path, bytes]. */
export async function readAllFiles(dir: string): Promise<Array<[string, Buffer]>> {
  const out: Array<[string, Buffer]> = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      out.push([path, await readFile(path)]);
    }
  }
  return out;
}

/** The secret in every form it could leak in: plain, base64 (Basic auth), hex. */
export function leakForms(secret: string, username?: string): string[] {
  const forms = [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')];
  if (username) forms.push(Buffer.from(`${username}:${secret}`).toString('base64'));
  return forms;
}

/** Byte-wise search of every file under `dir` for every form of every secret. */
export async function findLeaks(dir: string, secrets: string[]): Promise<string[]> {
  const leaks: string[] = [];
  for (const [path, bytes] of await readAllFiles(dir)) {
    for (const s of secrets)
      if (bytes.includes(Buffer.from(s))) leaks.push(`${path} contains ${s.slice(0, 3)}…`);
  }
  return leaks;
}
