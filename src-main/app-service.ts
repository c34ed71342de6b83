import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-file.ts';
import { buildDiagnostics, type DiagnosticsInput } from './diagnostics.ts';
import { AppError, toErrorBody } from './errors.ts';
import type { Ports } from './ports.ts';
import {
  SETTINGS_DEFAULTS,
  SettingsSchema,
  type AccountsState,
  type AppInfo,
  type Settings,
  type SettingsPatch,
} from '../src-preload/contract.ts';

export interface AppService {
  info(): Promise<AppInfo>;
  openDataFolder(): Promise<null>;
  openLogsFolder(): Promise<null>;
  copyDiagnostics(): Promise<{ text: string; copied: boolean }>;
  getSettings(): Promise<Settings>;
  updateSettings(patch: SettingsPatch): Promise<Settings>;
}

export interface AppDeps extends Pick<
  Ports,
  'paths' | 'shell' | 'events' | 'runtime' | 'clock' | 'clipboard' | 'logs' | 'logger'
> {
  /** The accounts as listed for the Accounts view (the diagnostics count them and show the keychain state). */
  accountsState(): Promise<AccountsState>;
}

/** How far back the diagnostics look in the log (the file logger keeps its last 100 warnings and errors). */
const LOG_LOOKBACK = 100;

const D = SETTINGS_DEFAULTS;
const { sync, export: exportShape } = SettingsSchema.shape;
/**
 * Reads any settings file field by field: a field that is missing or invalid falls back to its
 * default, the valid ones stay. Nothing in the file is precious, so nothing in it is an error.
 */
const SettingsFileSchema = z
  .object({
    theme: SettingsSchema.shape.theme.catch(D.theme),
    sync: z
      .object({
        pageSize: sync.shape.pageSize.catch(D.sync.pageSize),
        concurrency: sync.shape.concurrency.catch(D.sync.concurrency),
      })
      .catch(D.sync),
    export: z
      .object({
        bom: exportShape.shape.bom.catch(D.export.bom),
        formulaGuard: exportShape.shape.formulaGuard.catch(D.export.formulaGuard),
        columns: exportShape.shape.columns.catch(D.export.columns),
      })
      .catch(D.export),
  })
  .catch(D);
/**
 * Still version 1: the fields added since (sync, export) are additive, so an older QM Desk still
 * reads the theme from a file this one wrote.
 */
const FILE_VERSION = 1;

/** Where the log files are: the logs port's folder, else userData/logs. */
export function logsDirOf(ports: Pick<Ports, 'paths' | 'logs'>): string {
  return ports.logs?.dir ?? join(ports.paths.userData, 'logs');
}

/** App-wide facts, diagnostics and the settings that are not per account. */
export async function createAppService(deps: AppDeps): Promise<AppService> {
  const { paths, shell, events, runtime, clock } = deps;
  const file = join(paths.userData, 'settings.json');
  const logsDir = logsDirOf(deps);
  await mkdir(paths.userData, { recursive: true });
  let settings = await readSettings(file);
  let writes: Promise<unknown> = Promise.resolve();

  async function accounts(): Promise<DiagnosticsInput['accounts']> {
    try {
      return { ok: true, state: await deps.accountsState() };
    } catch (error) {
      // Diagnostics matter most when something is broken: say why the accounts are missing.
      return { ok: false, error: toErrorBody(error, { logger: deps.logger, where: 'the diagnostics' }) };
    }
  }

  return {
    async info() {
      return {
        name: 'QM Desk',
        version: runtime.appVersion,
        node: process.versions.node,
        electron: runtime.electronVersion,
        platform: process.platform,
        dataDir: paths.userData,
        logsDir,
      };
    },
    async openDataFolder() {
      await shell.openPath(paths.userData);
      return null;
    },
    async openLogsFolder() {
      // Before anything was logged the folder may not exist yet; the file manager needs it to.
      await mkdir(logsDir, { recursive: true });
      await shell.openPath(logsDir);
      return null;
    },
    async copyDiagnostics() {
      const text = buildDiagnostics({
        now: clock.now(),
        appVersion: runtime.appVersion,
        electronVersion: runtime.electronVersion,
        dataDir: paths.userData,
        logsDir,
        settings: structuredClone(settings),
        accounts: await accounts(),
        problems: (deps.logs?.recent(LOG_LOOKBACK) ?? []).filter((r) => r.level !== 'info'),
      });
      if (!deps.clipboard) return { text, copied: false };
      try {
        deps.clipboard.writeText(text);
        return { text, copied: true };
      } catch {
        // The text is answered anyway: the reviewer can still select and copy it by hand.
        return { text, copied: false };
      }
    },
    async getSettings() {
      return structuredClone(settings);
    },
    updateSettings(patch) {
      // One write at a time, so two quick changes can never land on disk in the wrong order.
      const run = writes.then(async () => {
        const next = merge(settings, patch);
        await writeFileAtomic(file, JSON.stringify({ version: FILE_VERSION, ...next }, null, 2));
        settings = next;
        events.emit('settings.changed', structuredClone(next));
        return structuredClone(next);
      });
      writes = run.catch(() => undefined);
      return run;
    },
  };
}

/** Fields left out of a patch (or sent as undefined) keep their value. */
function merge(current: Settings, patch: SettingsPatch): Settings {
  // The channel validated the patch already; this guards callers inside main.
  const merged = SettingsSchema.safeParse({
    theme: patch.theme ?? current.theme,
    sync: { ...current.sync, ...defined(patch.sync) },
    export: { ...current.export, ...defined(patch.export) },
  });
  if (!merged.success) {
    throw new AppError('invalid_request', `That setting is not valid: ${merged.error.issues[0]?.message}`, {
      detail: { path: merged.error.issues[0]?.path.join('.') },
    });
  }
  return merged.data;
}

function defined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A missing or unreadable settings file just means defaults. */
async function readSettings(file: string): Promise<Settings> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return structuredClone(D);
  }
  return SettingsFileSchema.parse(raw);
}
