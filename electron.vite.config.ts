import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from './src-main/csp.ts';

const root = import.meta.dirname;

/** Writes the CSP meta tag: strict in the built app, relaxed just enough for Vite's dev server. */
function cspMeta(): Plugin {
  let dev = false;
  return {
    name: 'qm-csp-meta',
    configResolved(config) {
      dev = config.command === 'serve';
    },
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy({ dev }) },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // keytar is a native addon and must stay an external require.
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: resolve(root, 'src-main/index.ts'),
          // The store's worker thread: its own entry, loaded by src-main/store/facade.ts at runtime.
          'store-worker': resolve(root, 'src-main/store/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // sandbox: true allows only require('electron') in the preload: bundle it into one CJS file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src-preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [vue(), cspMeta()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: { input: { index: resolve(root, 'src-renderer/index.html') } },
    },
  },
});
