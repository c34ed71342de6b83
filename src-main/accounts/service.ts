import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { checkBaseUrl, secretDestination } from './base-url.ts';
import { ENV_PROFILE_ID, readEnvProfile } from './env-profile.ts';
import {
  accountsError,
  classifyKeychainError,
  isKeychainError,
  keychainError,
  keychainStateOf,
} from './errors.ts';
import type { ProbingSecretsPort } from './keytar-secrets.ts';
import { createMemorySecrets } from './memory-secrets.ts';
import {
  readProfilesFile,
  writeProfilesFile,
  type ProfilesFile,
  type StoredProfile,
} from './profiles-file.ts';
import type { FlexTarget } from '../flex/types.ts';
import type { Ports } from '../ports.ts';
import {
  ProfileIdSchema,
  type AccountsState,
  type ConnectionTestResult,
  type KeychainState,
  type Profile,
  type ProfileView,
} from '../../src-preload/contract.ts';

export interface AccountsDeps extends Ports {
  testConnection: (target: FlexTarget) => Promise<ConnectionTestResult>;
}

export interface AccountsService {
  list(): Promise<AccountsState>;
  add(req: { profile: Profile; secret: string; sessionOnly: boolean }): Promise<ProfileView>;
  update(req: { id: string; profile: Profile; secret?: string }): Promise<ProfileView>;
  remove(req: { id: string; deleteData: boolean }): Promise<null>;
  use(req: { id: string }): Promise<AccountsState>;
  test(req: { id: string }): Promise<ConnectionTestResult>;
  testDraft(req: { profile: Profile; secret: string }): Promise<ConnectionTestResult>;
  /** For later sync/export: the active profile and its resolved Flex target (secret included — main process only). */
  activeTarget(): Promise<{ profile: ProfileView; target: FlexTarget; dataDir: string } | null>;
  /** userData/accounts/<id>/ — each profile's own data folder. */
  dataDirOf(id: string): string;
  close(): Promise<void>;
}

/** A profile as the service handles it: from profiles.json, or the read-only environment one. */
type Entry =
  { stored: StoredProfile; source: 'file' } | { stored: StoredProfile; source: 'env'; secret: string };

/**
 * The profile registry: non-secret fields in profiles.json, secrets in the keychain (or in memory
 * for "this session only"), one data folder per profile. Mutations run one at a time.
 */
export async function createAccountsService(deps: AccountsDeps): Promise<AccountsService> {
  const { secrets, paths, events, clock } = deps;
  const filePath = join(paths.userData, 'profiles.json');
  await mkdir(paths.userData, { recursive: true });
  const loaded = await readProfilesFile(filePath, clock.now());
  const recovered = loaded.recovered;
  let file: ProfilesFile = loaded.file;

  const fromEnv = readEnvProfile(deps.env);
  const envEntry: Entry | null = fromEnv
    ? {
        stored: { ...fromEnv.profile, id: ENV_PROFILE_ID, secretStore: 'session' },
        source: 'env',
        secret: fromEnv.secret,
      }
    : null;

  const session = createMemorySecrets();
  // Whether the keychain holds a secret per profile id, so listing does not ask the keychain every time.
  const stored = new Map<string, boolean>();
  const probe =
    typeof (secrets as Partial<ProbingSecretsPort>).probe === 'function'
      ? () => (secrets as ProbingSecretsPort).probe()
      : null;
  let keychain: Promise<KeychainState> = probe ? probe() : Promise.resolve({ usable: true });
  let queue: Promise<unknown> = Promise.resolve();

  function serial<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work, work);
    queue = run.catch(() => {});
    return run;
  }

  /** Every keychain call: failures become typed errors and the state the UI shows. */
  async function viaKeychain<T>(call: () => Promise<T>): Promise<T> {
    try {
      const result = await call();
      keychain = Promise.resolve({ usable: true });
      return result;
    } catch (error) {
      const typed = isKeychainError(error) ? error : keychainError(classifyKeychainError(error));
      keychain = Promise.resolve(keychainStateOf(typed));
      throw typed;
    }
  }

  async function refreshKeychain(): Promise<void> {
    const state = await keychain;
    // Ask again while unusable: the reviewer may have unlocked or started the keyring since.
    if (!state.usable && probe && state.code !== 'keychain_load_failed') keychain = probe();
  }

  async function hasSecret(entry: Entry): Promise<boolean> {
    if (entry.source === 'env') return true;
    const { id, secretStore } = entry.stored;
    if (secretStore === 'session') return (await session.get(id)) !== null;
    // Checked per profile: after one call times out, the others must not wait too.
    if (!(await keychain).usable) return false;
    const known = stored.get(id);
    if (known !== undefined) return known;
    try {
      const present = (await viaKeychain(() => secrets.get(id))) !== null;
      stored.set(id, present);
      return present;
    } catch {
      return false; // the keychain state now says why
    }
  }

  function entries(): Entry[] {
    const fromFile: Entry[] = file.profiles.map((p) => ({ stored: p, source: 'file' }));
    return envEntry ? [...fromFile, envEntry] : fromFile;
  }

  /** The remembered active id, if that profile still exists (the environment one may be gone). */
  function activeId(): string | null {
    return entries().some((e) => e.stored.id === file.activeId) ? file.activeId : null;
  }

  function find(id: string): Entry {
    const entry = entries().find((e) => e.stored.id === id);
    if (!entry)
      throw accountsError('profile_not_found', 'That account no longer exists. Pick another one.', { id });
    return entry;
  }

  function findEditable(id: string): StoredProfile {
    const entry = find(id);
    if (entry.source === 'env') {
      throw accountsError(
        'profile_read_only',
        'The Environment account comes from TWILIO_* variables and cannot be changed here. Change the variables and restart QM Desk.',
        { id },
      );
    }
    return entry.stored;
  }

  function viewOf(entry: Entry, secret: boolean): ProfileView {
    const { id, label, accountSid, credential, region, edge, baseUrl, color, secretStore } = entry.stored;
    return {
      id,
      label,
      accountSid,
      credential,
      region,
      edge,
      baseUrl,
      color,
      hasSecret: secret,
      source: entry.source,
      sessionOnly: entry.source === 'file' && secretStore === 'session',
    };
  }

  async function view(id: string): Promise<ProfileView> {
    const entry = find(id);
    await refreshKeychain();
    return viewOf(entry, await hasSecret(entry));
  }

  async function state(): Promise<AccountsState> {
    await refreshKeychain();
    const views: ProfileView[] = [];
    for (const entry of entries()) views.push(viewOf(entry, await hasSecret(entry)));
    return { profiles: views, activeId: activeId(), keychain: await keychain, recovered };
  }

  function checkProfile(profile: Profile, selfId: string | null): Profile {
    const label = profile.label.toLowerCase();
    const clash = entries().find((e) => e.stored.id !== selfId && e.stored.label.toLowerCase() === label);
    if (clash) {
      throw accountsError(
        'duplicate_label',
        `An account called “${clash.stored.label}” already exists. Pick another label.`,
        {
          label: profile.label,
        },
      );
    }
    return { ...profile, baseUrl: checkBaseUrl(profile.baseUrl) };
  }

  async function save(next: ProfilesFile): Promise<void> {
    const before = activeId();
    await writeProfilesFile(filePath, next);
    file = next;
    const now = await state();
    if (now.activeId !== before) events.emit('accounts.switched', { activeId: now.activeId });
    events.emit('accounts.changed', now);
  }

  async function secretOf(entry: Entry): Promise<string> {
    const { id, secretStore, label, credential } = entry.stored;
    const secret =
      entry.source === 'env'
        ? entry.secret
        : secretStore === 'session'
          ? await session.get(id)
          : await viaKeychain(() => secrets.get(id));
    if (secret === null) {
      if (entry.source === 'file' && secretStore === 'keychain') stored.set(id, false);
      const what = credential.kind === 'apiKey' ? 'API key secret' : 'Auth Token';
      throw accountsError(
        'secret_missing',
        `No ${what} is stored for “${label}”. Edit the account and paste its ${what}.`,
        { id },
      );
    }
    return secret;
  }

  function dataDirOf(id: string): string {
    if (!ProfileIdSchema.safeParse(id).success) {
      throw accountsError('profile_not_found', 'That account does not exist.', { id });
    }
    return join(paths.userData, 'accounts', id);
  }

  /**
   * Stores a profile's new secret and says where it went, with a way to put the old one back.
   * A session-only profile moves to the keychain as soon as the keychain works again.
   */
  async function replaceSecret(
    id: string,
    from: StoredProfile['secretStore'],
    secret: string,
  ): Promise<{ secretStore: StoredProfile['secretStore']; undo: () => Promise<void> }> {
    const known = stored.get(id);
    const restoreKnown = (): void => void (known === undefined ? stored.delete(id) : stored.set(id, known));
    if (from === 'keychain') {
      const previous = await viaKeychain(() => secrets.get(id));
      await viaKeychain(() => secrets.set(id, secret));
      stored.set(id, true);
      return {
        secretStore: 'keychain',
        undo: async () => {
          await (previous === null ? secrets.delete(id) : secrets.set(id, previous));
          restoreKnown();
        },
      };
    }
    const previous = await session.get(id);
    const restoreSession = () => (previous === null ? session.delete(id) : session.set(id, previous));
    try {
      await viaKeychain(() => secrets.set(id, secret));
    } catch (error) {
      if (!isKeychainError(error)) throw error;
      await session.set(id, secret);
      stored.set(id, false);
      return {
        secretStore: from,
        undo: async () => {
          await restoreSession();
          restoreKnown();
        },
      };
    }
    await session.delete(id);
    stored.set(id, true);
    return {
      secretStore: 'keychain',
      undo: async () => {
        await secrets.delete(id);
        await restoreSession();
        restoreKnown();
      },
    };
  }

  return {
    list: state,

    add: ({ profile, secret, sessionOnly }) =>
      serial(async () => {
        const checked = checkProfile(profile, null);
        const id = randomUUID();
        if (sessionOnly) await session.set(id, secret);
        else
          await viaKeychain(() => secrets.set(id, secret)).catch((error: unknown) => {
            // A write that timed out may still land: the delete queued behind it removes it then.
            void secrets.delete(id).catch(() => false);
            throw error;
          });
        stored.set(id, !sessionOnly);
        const dataDir = dataDirOf(id);
        try {
          // The account's own SQLite store (a later issue) will live in this folder.
          await mkdir(dataDir, { recursive: true }).catch((error: unknown) => {
            throw accountsError(
              'data_folder_failed',
              `QM Desk could not create this account's data folder (${(error as NodeJS.ErrnoException).code ?? 'error'}). Check that ${dataDir} is writable.`,
              { path: dataDir },
            );
          });
          const entry: StoredProfile = { ...checked, id, secretStore: sessionOnly ? 'session' : 'keychain' };
          await save({ activeId: activeId() ?? id, profiles: [...file.profiles, entry] });
        } catch (error) {
          // Leave nothing behind for a profile that was never saved.
          await (sessionOnly ? session.delete(id) : secrets.delete(id)).catch(() => false);
          stored.delete(id);
          await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
          throw error;
        }
        return view(id);
      }),

    update: ({ id, profile, secret }) =>
      serial(async () => {
        const current = findEditable(id);
        const checked = checkProfile(profile, id);
        if (secret === undefined && !sameIdentity(checked, current)) {
          throw accountsError(
            'secret_required',
            checked.credential.kind === current.credential.kind
              ? 'The stored secret belongs to the old credential. Paste the secret for the new one.'
              : `Switching between Auth Token and API key needs the new ${checked.credential.kind === 'apiKey' ? 'API key secret' : 'Auth Token'}: paste it too.`,
            { id },
          );
        }
        if (
          secret === undefined &&
          secretDestination(checked.baseUrl) !== secretDestination(current.baseUrl)
        ) {
          // A stored secret only ever goes where the reviewer first sent it; a new destination needs it typed again.
          throw accountsError(
            'secret_required',
            'The API address changed. Paste the secret again to send it to the new address.',
            { id },
          );
        }
        const change = secret === undefined ? null : await replaceSecret(id, current.secretStore, secret);
        const next: StoredProfile = {
          ...checked,
          id,
          secretStore: change?.secretStore ?? current.secretStore,
        };
        try {
          await save({ ...file, profiles: file.profiles.map((p) => (p.id === id ? next : p)) });
        } catch (error) {
          // The file still describes the old profile: put its old secret back so the two agree.
          await change?.undo().catch(() => undefined);
          throw error;
        }
        return view(id);
      }),

    remove: ({ id, deleteData }) =>
      serial(async () => {
        const current = findEditable(id);
        // The keychain entry goes first: if the keychain refuses, the profile stays so nothing is orphaned.
        if (current.secretStore === 'keychain') await viaKeychain(() => secrets.delete(id));
        await session.delete(id);
        stored.delete(id);
        await save({
          activeId: file.activeId === id ? null : file.activeId,
          profiles: file.profiles.filter((p) => p.id !== id),
        });
        if (deleteData) {
          const dir = dataDirOf(id);
          await rm(dir, { recursive: true, force: true }).catch((error: unknown) => {
            throw accountsError(
              'data_folder_failed',
              `The account was removed, but its cached data could not be deleted (${(error as NodeJS.ErrnoException).code ?? 'error'}). Delete ${dir} by hand.`,
              { path: dir },
            );
          });
        }
        return null;
      }),

    use: ({ id }) =>
      serial(async () => {
        find(id);
        if (activeId() !== id) await save({ ...file, activeId: id });
        return state();
      }),

    async test({ id }) {
      const entry = find(id);
      return deps.testConnection(targetOf(entry.stored, await secretOf(entry)));
    },

    async testDraft({ profile, secret }) {
      return deps.testConnection(targetOf({ ...profile, baseUrl: checkBaseUrl(profile.baseUrl) }, secret));
    },

    async activeTarget() {
      const id = activeId();
      if (id === null) return null;
      const entry = find(id);
      const secret = await secretOf(entry);
      return {
        profile: await view(id),
        target: targetOf(entry.stored, secret),
        dataDir: dataDirOf(id),
      };
    },

    dataDirOf,

    async close() {
      await queue;
      session.clear();
      stored.clear();
    },
  };
}

/** Who the secret belongs to: the Account SID for an Auth Token, the key SID for an API key. */
function identityOf(profile: Profile): string {
  return profile.credential.kind === 'apiKey' ? profile.credential.apiKeySid : profile.accountSid;
}

function sameIdentity(a: Profile, b: Profile): boolean {
  return (
    a.credential.kind === b.credential.kind && identityOf(a).toLowerCase() === identityOf(b).toLowerCase()
  );
}

function targetOf(profile: Profile, secret: string): FlexTarget {
  return {
    accountSid: profile.accountSid,
    username: identityOf(profile),
    password: secret,
    region: profile.region,
    edge: profile.edge,
    baseUrl: profile.baseUrl,
  };
}
