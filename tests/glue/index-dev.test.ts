import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { electron } from './fake-app.ts';
import { WINDOW_BACKGROUND } from '../../src-main/theme.ts';

// `npm run dev`: an unpackaged app with electron-vite's dev server URL in the environment.
vi.mock('electron', async () => (await import('./fake-app.ts')).electronModule());
vi.mock('../../src-main/accounts/keytar-secrets.ts', async (importOriginal) => {
  const { createMemorySecrets } = await import('../../src-main/accounts/memory-secrets.ts');
  return { ...(await importOriginal<object>()), createKeytarSecrets: () => createMemorySecrets() };
});

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'qm-glue-dev-'));
  electron.isPackaged = false;
  electron.nativeTheme.shouldUseDarkColors = true; // no saved setting: 'system', and the OS is dark
  vi.stubEnv('QM_DATA_DIR', dataDir);
  vi.stubEnv('ELECTRON_RENDERER_URL', 'http://localhost:5173');
  await import('../../src-main/index.ts');
  await vi.waitFor(() => expect(electron.windows).toHaveLength(1), { timeout: 10_000 });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(dataDir, { recursive: true, force: true });
});

const sender = { id: 7, on() {}, removeListener() {} };
const from = (url: string) => ({ senderFrame: { url, parent: null }, sender });

describe('Electron entry in development', () => {
  it('loads the dev server, in the OS theme’s colour', () => {
    const [win] = electron.windows;
    expect(win!.loaded).toEqual(['http://localhost:5173']);
    expect(electron.nativeTheme.source).toBe('system');
    expect(win!.options.backgroundColor).toBe(WINDOW_BACKGROUND.dark);
  });

  it('trusts the dev server origin, and not app:// (nothing loads it in development)', async () => {
    const info = electron.ipcHandlers.get('qm:app.info')!;
    expect(await info(from('http://localhost:5173/'), undefined)).toMatchObject({ ok: true });
    expect(await info(from('app://qm-desk/index.html'), undefined)).toMatchObject({
      ok: false,
      error: { code: 'forbidden_sender' },
    });
  });
});
