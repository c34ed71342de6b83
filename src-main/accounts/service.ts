import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { checkBaseUrl, secretDestination } from './base-url.ts';
import { DEMO_PROFILE_ID, DEMO_PROFILE_LABEL, DEMO_STORED_PROFILE, demoTarget } from './demo-profile.ts';
import { envDataFolder, ENV_PROFILE_ID, readEnvProfile } from './env-profile.ts';
import {
  accountsError,
  classifyKeychainError,
  isKeychainError,
  keychainError,
  keychainStateOf,
} from './errors.ts';
import { DEFAULT_LOCK_OPTIONS, type FileLockOptions } from './file-lock.ts';
import type { ProbingSecretsPort } from './keytar-secrets.ts';
import { createMemorySecrets } from './memory-secrets.ts';
import type { ProfilesFile, StoredProfile } from './profiles-file.ts';
import { createProfilesRegistry } from './profiles-registry.ts';
import { watchFile } from './profiles-watch.ts';
import { AppError } from '../errors.ts';
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
  /**
   * Called by `remove` once the profile is gone from profiles.json, before its data folder is
   * deleted (with or without deleteData): workspaces cancel the account's jobs and close its store.
   */
  releaseData?: (profileId: string) => Promise<void>;
  /** How long a change waits for another process holding profiles.json, and when a lock is stale. */
  profilesLock?: Partial<FileLockOptions>;
  /**
   * Watch profiles.json and emit accounts.changed when another process (the CLI beside the app)
   * changes it. On for the app; a one-shot CLI command has no window to tell.
   */
  watchProfiles?: boolean;
}

export interface AccountsService {
  list(): Promise<AccountsState>;
  add(req: { profile: Profile; secret: string; sessionOnly: boolean }): Promise<ProfileView>;
  update(req: { id: string; profile: Profile; secret?: string }): Promise<ProfileView>;
  remove(req: { id: string; deleteData: boolean }): Promise<null>;
  use(req: { id: string }): Promise<AccountsState>;
  test(req: { id: string }): Promise<ConnectionTestResult>;
  testDraft(req: { profile: Profile; secret: string }): Promise<ConnectionTestResult>;
  /** A profile and its data folder, no secret needed (cached data stays browsable without the keychain). */
  resolve(id: string): Promise<{ profile: ProfileView; dataDir: string }>;
  /** The profile's Flex target, secret included (main process only): 'secret_missing', keychain errors. */
  target(id: string): Promise<FlexTarget>;
  /**
   * Adds the built-in demo profile (id `demo`) when it is missing and makes it active, in one
   * change. Its credentials are the public demo ones: nothing goes to the keychain.
   */
  openDemo(): Promise<ProfileView>;
  /** The active profile and its resolved Flex target (secret included — main process only). */
  activeTarget(): Promise<{ profile: ProfileView; target: FlexTarget; dataDir: string } | null>;
  /** userData/accounts/<id>/ — each profile's own data folder; the Environment one's is named after its SID. */
  dataDirOf(id: string): string;
  /** Why the Environment account is missing although TWILIO_* (or QM_BASE_URL) variables are set; else null. */
  envProblem(): AppError | null;
  close(): Promise<void>;
}

/** A profile as the service handles it: from profiles.json (the demo one too), or the read-only environment one. */
type Entry =
  | { stored: StoredProfile; source: 'file' | 'demo' }
  | { stored: StoredProfile; source: 'env'; secret: string };

/**
 * The profile registry: non-secret fields in profiles.json, secrets in the keychain (or in memory
 * for "this session only"), one data folder per profile. Another process (the CLI, a second
 * window) may change profiles.json at any time: every read looks at the file, every change is
 * made under a cross-process lock to what is on disk. Mutations of this process run one at a time.
 */
export async function createAccountsService(deps: AccountsDeps): Promise<AccountsService> {
  const { secrets, paths, events, clock } = deps;
  await mkdir(paths.userData, { recursive: true });

  const fromEnv = readEnvProfile(deps.env);
  const envEntry: Entry | null =
    fromEnv.status === 'ok'
      ? {
          stored: { ...fromEnv.profile, id: ENV_PROFILE_ID, secretStore: 'session' },
          source: 'env',
          secret: fromEnv.secret,
        }
      : null;
  const envProblem = fromEnv.status === 'invalid' ? fromEnv.error : null;

  const session = createMemorySecrets();
  /** Set when a read found another process's change that the windows have not heard of yet. */
  let unannounced: { activeId: string | null } | null = null;
  // Whether the keychain holds a secret per profile id, so listing does not ask the keychain every time.
  const stored = new Map<string, boolean>();
  const registry = createProfilesRegistry({
    path: join(paths.userData, 'profiles.json'),
    now: () => clock.now(),
    lock: { ...DEFAULT_LOCK_OPTIONS, ...deps.profilesLock },
    onExternalChange: (file, previous) => {
      // Another process changed the registry, perhaps a secret too: ask the keychain again, and
      // forget the session secrets of profiles it removed (not of one this process is adding).
      unannounced ??= { activeId: activeIdOf(previous) };
      stored.clear();
      for (const { id } of previous.profiles) {
        if (!file.profiles.some((p) => p.id === id)) void session.delete(id);
      }
    },
  });
  // Moves a corrupt file aside now, so the reviewer hears about it on first listing. A file of a
  // newer format, or one another process keeps locked, is refused by the calls instead, which say so.
  await registry.read().catch((error: unknown) => {
    if (!(
      error instanceof AppError &&
      (error.code === 'profiles_too_new' || error.code === 'profiles_locked')
    ))
      throw error;
  });

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

  /** Tells the windows of a change another process made (found by the watcher or by any read). */
  const announce = (): Promise<void> =>
    serial(async () => {
      const file = await registry.read();
      if (unannounced === null) return;
      const before = unannounced.activeId;
      unannounced = null;
      const now = await stateOf(file);
      if (now.activeId !== before) events.emit('accounts.switched', { activeId: now.activeId });
      events.emit('accounts.changed', now);
    });
  const unwatch = deps.watchProfiles
    ? watchFile(join(paths.userData, 'profiles.json'), () => {
        announce().catch(() => undefined);
      })
    : () => undefined;

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
    if (entry.source !== 'file') return true;
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

  function entriesOf(file: ProfilesFile): Entry[] {
    const fromFile: Entry[] = file.profiles.map((p) =>
      p.id === DEMO_PROFILE_ID
        ? { stored: DEMO_STORED_PROFILE, source: 'demo' }
        : { stored: p, source: 'file' },
    );
    return envEntry ? [...fromFile, envEntry] : fromFile;
  }

  /** The remembered active id, if that profile still exists (the environment one may be gone). */
  function activeIdOf(file: ProfilesFile): string | null {
    return entriesOf(file).some((e) => e.stored.id === file.activeId) ? file.activeId : null;
  }

  function noEnvProfile(): AppError {
    return (
      envProblem ??
      accountsError(
        'profile_not_found',
        'There is no Environment account: set TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET).',
        { id: ENV_PROFILE_ID },
      )
    );
  }

  function findIn(file: ProfilesFile, id: string): Entry {
    const entry = entriesOf(file).find((e) => e.stored.id === id);
    if (entry) return entry;
    if (id === ENV_PROFILE_ID) throw noEnvProfile();
    throw accountsError('profile_not_found', 'That account no longer exists. Pick another one.', { id });
  }

  /** A profile this process may remove: not the Environment one. */
  function findRemovableIn(file: ProfilesFile, id: string): Entry & { source: 'file' | 'demo' } {
    const entry = findIn(file, id);
    if (entry.source === 'env') {
      throw accountsError(
        'profile_read_only',
        'The Environment account comes from TWILIO_* variables and cannot be changed here. Change the variables and restart QM Desk.',
        { id },
      );
    }
    return entry;
  }

  /** A profile whose fields may change: neither the Environment nor the demo one. */
  function findEditableIn(file: ProfilesFile, id: string): StoredProfile {
    const entry = findRemovableIn(file, id);
    if (entry.source === 'demo') {
      throw accountsError(
        'profile_read_only',
        'The demo account’s data is made up by QM Desk and cannot be edited. Remove it and add your own Twilio account instead.',
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
    const entry = findIn(await registry.read(), id);
    await refreshKeychain();
    return viewOf(entry, await hasSecret(entry));
  }

  async function stateOf(file: ProfilesFile): Promise<AccountsState> {
    await refreshKeychain();
    const views: ProfileView[] = [];
    for (const entry of entriesOf(file)) views.push(viewOf(entry, await hasSecret(entry)));
    return {
      profiles: views,
      activeId: activeIdOf(file),
      keychain: await keychain,
      recovered: registry.recovered(),
    };
  }

  function checkProfile(file: ProfilesFile, profile: Profile, selfId: string | null): Profile {
    const label = profile.label.toLowerCase();
    const clash = entriesOf(file).find(
      (e) => e.stored.id !== selfId && e.stored.label.toLowerCase() === label,
    );
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

  /** One change to profiles.json (see the registry), then the events when it was written. */
  async function save(change: (file: ProfilesFile) => Promise<ProfilesFile | null>): Promise<ProfilesFile> {
    let before: string | null = null;
    const { file, written } = await registry.update((current) => {
      before = activeIdOf(current);
      return change(current);
    });
    if (written) {
      const now = await stateOf(file);
      if (now.activeId !== before) events.emit('accounts.switched', { activeId: now.activeId });
      events.emit('accounts.changed', now);
      // What another process changed before this write went out with it.
      unannounced = null;
    }
    return file;
  }

  /** Every secret this process handles is one the log scrubs, in every spelling. */
  const remember = (profile: Profile, secret: string): void =>
    deps.logger.redact?.(secret, identityOf(profile));
  if (envEntry?.source === 'env') remember(envEntry.stored, envEntry.secret);

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
    remember(entry.stored, secret);
    return secret;
  }

  function dataDirOf(id: string): string {
    if (id === ENV_PROFILE_ID) {
      if (!envEntry) throw noEnvProfile();
      return join(paths.userData, 'accounts', envDataFolder(envEntry.stored.accountSid));
    }
    if (!ProfileIdSchema.safeParse(id).success) {
      throw accountsError('profile_not_found', 'That account does not exist.', { id });
    }
    return join(paths.userData, 'accounts', id);
  }

  async function target(id: string): Promise<FlexTarget> {
    const entry = findIn(await registry.read(), id);
    return entry.source === 'demo' ? demoTarget() : targetOf(entry.stored, await secretOf(entry));
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

  /** The account's open data (jobs, store) is let go of before its folder may go. */
  async function releaseData(id: string, deleteData: boolean): Promise<void> {
    if (!deps.releaseData) return;
    try {
      await deps.releaseData(id);
    } catch (error) {
      if (!deleteData) {
        deps.logger.warn('Could not release a removed account’s data', { id, error: String(error) });
        return;
      }
      const dir = dataDirOf(id);
      throw accountsError(
        'data_folder_failed',
        `The account was removed, but its cached data is still in use and was not deleted. Close QM Desk, then delete ${dir} by hand.`,
        { path: dir },
        error,
      );
    }
  }

  return {
    list: async () => stateOf(await registry.read()),

    add: ({ profile, secret, sessionOnly }) =>
      serial(async () => {
        remember(profile, secret);
        // Checked before the keychain is touched, and again under the lock: another process may
        // take the label in between. A fresh random id needs no lock for its secret and folder.
        checkProfile(await registry.read(), profile, null);
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
          // The account's own SQLite store lives in this folder.
          await mkdir(dataDir, { recursive: true }).catch((error: unknown) => {
            throw accountsError(
              'data_folder_failed',
              `QM Desk could not create this account's data folder (${(error as NodeJS.ErrnoException).code ?? 'error'}). Check that ${dataDir} is writable.`,
              { path: dataDir },
            );
          });
          await save(async (file) => {
            const checked = checkProfile(file, profile, null);
            const entry: StoredProfile = {
              ...checked,
              id,
              secretStore: sessionOnly ? 'session' : 'keychain',
            };
            // A reviewer who explored the demo and adds their own account wants to work in it.
            const active = activeIdOf(file);
            return {
              activeId: active === null || active === DEMO_PROFILE_ID ? id : active,
              profiles: [...file.profiles, entry],
            };
          });
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
        if (secret !== undefined) remember(profile, secret);
        // The secret changes under the lock, checked against the profile as it is on disk now.
        const undo: Array<() => Promise<void>> = [];
        try {
          await save(async (file) => {
            const current = findEditableIn(file, id);
            const checked = checkProfile(file, profile, id);
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
            if (change) undo.push(change.undo);
            const next: StoredProfile = {
              ...checked,
              id,
              secretStore: change?.secretStore ?? current.secretStore,
            };
            return { ...file, profiles: file.profiles.map((p) => (p.id === id ? next : p)) };
          });
        } catch (error) {
          // The file still describes the old profile: put its old secret back so the two agree.
          for (const back of undo) await back().catch(() => undefined);
          throw error;
        }
        return view(id);
      }),

    remove: ({ id, deleteData }) =>
      serial(async () => {
        await save(async (file) => {
          const current = findRemovableIn(file, id).stored;
          // The keychain entry goes first: if the keychain refuses, the profile stays so nothing is orphaned.
          if (current.secretStore === 'keychain') await viaKeychain(() => secrets.delete(id));
          await session.delete(id);
          stored.delete(id);
          return {
            activeId: file.activeId === id ? null : file.activeId,
            profiles: file.profiles.filter((p) => p.id !== id),
          };
        });
        await releaseData(id, deleteData);
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
        const file = await save(async (current) => {
          findIn(current, id);
          return activeIdOf(current) === id ? null : { ...current, activeId: id };
        });
        return stateOf(file);
      }),

    async test({ id }) {
      if (findIn(await registry.read(), id).source === 'demo') {
        // Its data is generated in this process: there is no server, so nothing may reach the network.
        return {
          status: 'ok',
          message: 'The demo data is built into QM Desk; it needs no connection.',
          ms: null,
        };
      }
      return deps.testConnection(await target(id));
    },

    async testDraft({ profile, secret }) {
      remember(profile, secret);
      return deps.testConnection(targetOf({ ...profile, baseUrl: checkBaseUrl(profile.baseUrl) }, secret));
    },

    async resolve(id) {
      return { profile: await view(id), dataDir: dataDirOf(id) };
    },

    target,

    openDemo: () =>
      serial(async () => {
        const dataDir = dataDirOf(DEMO_PROFILE_ID);
        await mkdir(dataDir, { recursive: true }).catch((error: unknown) => {
          throw accountsError(
            'data_folder_failed',
            `QM Desk could not create the demo data folder (${(error as NodeJS.ErrnoException).code ?? 'error'}). Check that ${dataDir} is writable.`,
            { path: dataDir },
          );
        });
        await save(async (file) => {
          const present = file.profiles.some((p) => p.id === DEMO_PROFILE_ID);
          if (present)
            return activeIdOf(file) === DEMO_PROFILE_ID ? null : { ...file, activeId: DEMO_PROFILE_ID };
          const label = DEMO_PROFILE_LABEL.toLowerCase();
          const clash = entriesOf(file).find((e) => e.stored.label.toLowerCase() === label);
          if (clash) {
            throw accountsError(
              'duplicate_label',
              `An account called “${clash.stored.label}” already exists, and the demo data uses that name. Rename that account, then explore the demo data again.`,
              { label: DEMO_PROFILE_LABEL },
            );
          }
          return { activeId: DEMO_PROFILE_ID, profiles: [...file.profiles, { ...DEMO_STORED_PROFILE }] };
        });
        return view(DEMO_PROFILE_ID);
      }),

    async activeTarget() {
      const file = await registry.read();
      const id = activeIdOf(file);
      if (id === null) return null;
      return { profile: await view(id), target: await target(id), dataDir: dataDirOf(id) };
    },

    dataDirOf,

    envProblem: () => envProblem,

    async close() {
      unwatch();
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
