import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-file.ts';
import type { Ports } from './ports.ts';
import { ThemeSchema, type AppInfo, type Settings } from '../src-preload/contract.ts';

export interface AppService {
  info(): Promise<AppInfo>;
  openDataFolder(): Promise<null>;
  getSettings(): Promise<Settings>;
  updateSettings(patch: Partial<Settings>): Promise<Settings>;
}

const SettingsFileSchema = z.object({ version: z.literal(1), theme: ThemeSchema.catch('system') });
const DEFAULTS: Settings = { theme: 'system' };

/** App-wide facts and the few settings that are not per account (the theme). */
export async function createAppService(
  ports: Pick<Ports, 'paths' | 'shell' | 'events' | 'runtime'>,
): Promise<AppService> {
  const { paths, shell, events, runtime } = ports;
  const file = join(paths.userData, 'settings.json');
  await mkdir(paths.userData, { recursive: true });
  let settings = await readSettings(file);
  let writes: Promise<unknown> = Promise.resolve();

  return {
    async info() {
      return {
        name: 'QM Desk',
        version: runtime.appVersion,
        node: process.versions.node,
        electron: runtime.electronVersion,
        platform: process.platform,
        dataDir: paths.userData,
      };
    },
    async openDataFolder() {
      await shell.openPath(paths.userData);
      return null;
    },
    async getSettings() {
      return { ...settings };
    },
    updateSettings(patch) {
      // One write at a time, so two quick changes can never land on disk in the wrong order.
      const run = writes.then(async () => {
        settings = { ...settings, ...patch };
        await writeFileAtomic(file, JSON.stringify({ version: 1, ...settings }, null, 2));
        events.emit('settings.changed', { ...settings });
        return { ...settings };
      });
      writes = run.catch(() => undefined);
      return run;
    },
  };
}

/** A missing or unreadable settings file just means defaults: nothing in it is precious. */
async function readSettings(file: string): Promise<Settings> {
  try {
    const parsed = SettingsFileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? { theme: parsed.data.theme } : { ...DEFAULTS };
  } catch {
    return { ...DEFAULTS };
  }
}
