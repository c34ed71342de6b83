import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'vite';

export const ROOT = join(import.meta.dirname, '../..');
export const RENDERER_DIR = join(ROOT, 'out/renderer');
export const BRIDGE_FILE = join(ROOT, 'out/harness/bridge.js');

/** Builds the app exactly as `npm run build` does, then the harness bridge beside it. */
export async function buildForBrowser(): Promise<void> {
  const bin = join(ROOT, 'node_modules/.bin/electron-vite');
  await promisify(execFile)(bin, ['build'], { cwd: ROOT, maxBuffer: 16 << 20 });
  await build({
    configFile: false,
    logLevel: 'warn',
    root: ROOT,
    build: {
      outDir: join(ROOT, 'out/harness'),
      emptyOutDir: true,
      minify: false,
      lib: {
        entry: join(ROOT, 'tests/e2e/harness/bridge.ts'),
        formats: ['iife'],
        name: 'qmBridge',
        fileName: () => 'bridge.js',
      },
    },
  });
}
