import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppService } from '../../src-main/app-service.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qm-app-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function ports(userData = dir) {
  return {
    paths: { userData },
    shell: { openPath: vi.fn(async () => undefined) },
    events: { emit: vi.fn() },
    runtime: { appVersion: '1.2.3', electronVersion: null },
  };
}

describe('app service', () => {
  it('reports version, runtime and data folder', async () => {
    const info = await (await createAppService(ports())).info();
    expect(info).toMatchObject({ name: 'QM Desk', version: '1.2.3', electron: null, dataDir: dir });
    expect(info.node).toBe(process.versions.node);
  });

  it('persists the theme atomically and announces it', async () => {
    const p = ports();
    const app = await createAppService(p);
    expect(await app.getSettings()).toEqual({ theme: 'system' });
    await app.updateSettings({ theme: 'dark' });
    expect(p.events.emit).toHaveBeenCalledWith('settings.changed', { theme: 'dark' });
    expect(await readdir(dir)).toEqual(['settings.json']);
    const reopened = await createAppService(ports());
    expect(await reopened.getSettings()).toEqual({ theme: 'dark' });
  });

  it('applies quick successive updates in order, on disk too', async () => {
    const app = await createAppService(ports());
    const themes = ['dark', 'light', 'dark', 'system', 'light'] as const;
    await Promise.all(themes.map((theme) => app.updateSettings({ theme })));
    expect(await app.getSettings()).toEqual({ theme: 'light' });
    expect(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'))).toEqual({
      version: 1,
      theme: 'light',
    });
  });

  it('falls back to defaults on a corrupt settings file and repairs it on the next write', async () => {
    await writeFile(join(dir, 'settings.json'), '{"version":1,"theme":');
    const app = await createAppService(ports());
    expect(await app.getSettings()).toEqual({ theme: 'system' });
    await app.updateSettings({ theme: 'light' });
    expect(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'))).toEqual({
      version: 1,
      theme: 'light',
    });
  });

  it('creates a missing data folder and opens it through the shell port', async () => {
    const nested = join(dir, 'a', 'b');
    const p = ports(nested);
    const app = await createAppService(p);
    await app.openDataFolder();
    expect(p.shell.openPath).toHaveBeenCalledWith(nested);
    expect(await readdir(join(dir, 'a'))).toEqual(['b']);
  });
});
