/**
 * The installer config, checked without building installers (that needs the Electron binary, which CI
 * cannot download). The config is loaded and validated by electron-builder's own loader and schema,
 * file patterns go through its own matcher, and the fuses are flipped by its own code (and the
 * @electron/fuses it bundles) in fake binaries that carry the fuse sentinel, then read back.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import type { Configuration } from 'electron-builder';
import moduleConfig, { electronFuses } from '../../electron-builder.config.ts';
import viteConfig from '../../electron.vite.config.ts';
import { ICNS_ENTRIES, ICO_SIZES, PNG_SIZE, renderIcon } from '../../scripts/make-icons.ts';
import { DEFAULT_KEYCHAIN_SERVICE } from '../../src-main/accounts/keytar-secrets.ts';

const root = resolve(import.meta.dirname, '../..');
const CONFIG_FILE = 'electron-builder.config.ts';
// The marker @electron/fuses looks for in the Electron binary (not exported at runtime).
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  productName: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};

// electron-builder's internals, resolved from electron-builder itself so they are the copies it runs.
const builderRequire = createRequire(createRequire(join(root, 'package.json')).resolve('electron-builder'));
const configLib = builderRequire('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string, configFromOptions: null): Promise<Configuration>;
  validateConfiguration(config: Configuration, debugLogger: { isEnabled: boolean }): Promise<void>;
};
const { FileMatcher } = builderRequire('app-builder-lib/out/fileMatcher') as {
  FileMatcher: new (
    from: string,
    to: string,
    macroExpander: (s: string) => string,
    patterns: string[],
  ) => { createFilter(): (file: string, stat: { isDirectory(): boolean }) => boolean };
};
type Packager = {
  generateFuseConfig(fuses: unknown): Promise<unknown>;
  addElectronFuses(
    context: { appOutDir: string; electronPlatformName: string },
    fuses: unknown,
  ): Promise<number>;
};
const lib = builderRequire('app-builder-lib') as Record<
  'PlatformPackager' | 'LinuxPackager' | 'MacPackager' | 'WinPackager',
  { prototype: Packager }
>;

let config: Configuration;
beforeAll(async () => {
  config = await configLib.getConfig(root, CONFIG_FILE, null);
});

describe('electron-builder config', () => {
  it('is what electron-builder loads from the file and passes its schema', async () => {
    // electron-builder wraps `files` in a file set; everything else is the module's object as it is.
    expect({ ...config, files: undefined }).toEqual({ ...moduleConfig, files: undefined });
    expect(config.files).toEqual([{ filter: moduleConfig.files }]);
    await expect(configLib.validateConfiguration(config, { isEnabled: false })).resolves.toBeUndefined();
  });

  it('would reject a misspelt key (the schema check can fail)', async () => {
    const typo = { ...config, asarUnpak: config.asarUnpack } as Configuration;
    await expect(configLib.validateConfiguration(typo, { isEnabled: false })).rejects.toThrow(/asarUnpak/);
  });

  it('names the app after the keychain service and package.json', () => {
    expect(config.appId).toBe(DEFAULT_KEYCHAIN_SERVICE);
    expect(config.appId).toMatch(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/);
    expect(config.productName).toBe(pkg.productName);
    expect(config.productName).toBe('QM Desk');
  });

  it('builds exactly AppImage + deb, dmg for arm64 and x64, and NSIS', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toEqual([{ target: 'dmg', arch: ['arm64', 'x64'] }]);
    expect(config.win?.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.directories?.output).toBe('dist');
    expect(config.publish).toBeNull();
  });

  it('packs the build output and package.json, and no sources, tests, benchmarks or scripts', () => {
    const [fileSet] = config.files as Array<{ filter: string[] }>;
    const included = new FileMatcher(root, '/app', (s) => s, fileSet!.filter).createFilter();
    const isIncluded = (file: string) => included(join(root, file), { isDirectory: () => false });

    // The build's entry files, named from electron.vite.config.ts; out/ itself need not exist yet.
    const outputs = [
      pkg.main,
      ...Object.keys(viteConfig.main?.build?.rolldownOptions?.input ?? {}).map((name) =>
        join(viteConfig.main?.build?.outDir ?? '', `${name}.js`),
      ),
      join(viteConfig.preload?.build?.outDir ?? '', 'index.cjs'),
      relative(root, join(viteConfig.renderer?.build?.outDir ?? '', 'index.html')),
    ];
    expect(outputs).toContain('out/main/store-worker.js');
    for (const file of [...outputs, 'package.json']) expect(isIncluded(file), file).toBe(true);

    const walk = (dir: string): string[] =>
      readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => relative(root, join(entry.parentPath, entry.name)));
    const sources = [
      'src-main',
      'src-preload',
      'src-renderer',
      'tests',
      'bench',
      'scripts',
      'resources',
    ].flatMap(walk);
    const rootFiles = readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name !== 'package.json')
      .map((entry) => entry.name);
    expect(sources.length).toBeGreaterThan(100);
    expect(rootFiles).toContain(CONFIG_FILE);
    // The e2e harness builds its browser bridge into out/ as well: it must stay out of the app.
    const notApp = [...sources, ...rootFiles, 'out/harness/bridge.js', 'out/main/index.js.map'];
    expect(notApp.filter(isIncluded)).toEqual([]);
  });

  it('unpacks keytar’s native addon from the asar, and keytar is a production dependency', () => {
    expect(pkg.dependencies.keytar).toBeDefined();
    // electron-builder matches asarUnpack with the same FileMatcher as `files`.
    const unpacked = new FileMatcher(root, '/app', (s) => s, config.asarUnpack as string[]).createFilter();
    const isUnpacked = (file: string) => unpacked(file, { isDirectory: () => false });
    const keytarDir = join(root, 'node_modules/keytar');
    const addons = readdirSync(keytarDir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.node'))
      .map((file) => join(keytarDir, file));
    expect(addons.length).toBeGreaterThan(0);
    for (const addon of addons) expect(isUnpacked(addon), addon).toBe(true);
    expect(isUnpacked(join(keytarDir, 'lib/keytar.js'))).toBe(false);
  });

  it('lets npm ci and npm test run without electron-builder, and names this file from `npm run package`', () => {
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare', 'pretest', 'test']) {
      expect(pkg.scripts[hook] ?? '', hook).not.toMatch(/electron-builder/);
    }
    expect(pkg.scripts.package).toMatch(
      new RegExp(`electron-builder --config ${CONFIG_FILE.replace('.', '\\.')}`),
    );
    expect(pkg.scripts.package).toMatch(/--publish never/);
  });
});

// Decodes what scripts/make-icons.ts writes: 8-bit RGBA, every row with filter type 0.
function decodePng(file: Buffer): { size: number; pixels: Buffer } {
  expect(file.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const idat: Buffer[] = [];
  let size = 0;
  for (let at = 8; at < file.length;) {
    const length = file.readUInt32BE(at);
    const type = file.toString('latin1', at + 4, at + 8);
    const data = file.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      size = data.readUInt32BE(0);
      expect(data.readUInt32BE(4)).toBe(size);
      expect([...data.subarray(8)]).toEqual([8, 6, 0, 0, 0]);
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const rows = inflateSync(Buffer.concat(idat));
  const stride = size * 4;
  expect(rows.length).toBe((stride + 1) * size);
  const pixels = Buffer.alloc(stride * size);
  for (let row = 0; row < size; row++) {
    expect(rows[row * (stride + 1)]).toBe(0);
    rows.copy(pixels, row * stride, row * (stride + 1) + 1, (row + 1) * (stride + 1));
  }
  return { size, pixels };
}

describe('icons', () => {
  const rendered = new Map<number, Buffer>();
  const expectIcon = (png: Buffer, size: number) => {
    const decoded = decodePng(png);
    expect(decoded.size).toBe(size);
    if (!rendered.has(size)) rendered.set(size, renderIcon(size));
    // The committed file is what scripts/make-icons.ts draws today (`npm run icons` rewrites it).
    expect(decoded.pixels.equals(rendered.get(size)!), `${size} px pixels`).toBe(true);
  };
  const iconFile = (name: string | null | undefined) => {
    // electron-builder looks in buildResources first, then in the project folder.
    const candidates = [
      resolve(root, config.directories?.buildResources ?? 'build', name!),
      resolve(root, name!),
    ];
    const found = candidates.find((file) => existsSync(file));
    expect(found, `${name} exists`).toBeDefined();
    return readFileSync(found!);
  };

  it('Linux: a 1024 px PNG', () => {
    expect(config.linux?.icon).toBe('resources/icon.png');
    expectIcon(iconFile(config.linux?.icon), PNG_SIZE);
  });

  it('Windows: an ICO with PNG images up to 256 px', () => {
    const ico = iconFile(config.win?.icon);
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => {
      const entry = 6 + 16 * i;
      const size = ico.readUInt8(entry) || 256;
      const length = ico.readUInt32LE(entry + 8);
      const offset = ico.readUInt32LE(entry + 12);
      expectIcon(ico.subarray(offset, offset + length), size);
      return size;
    });
    expect(sizes).toEqual([...ICO_SIZES]);
    expect(sizes).toContain(256);
  });

  it('macOS: an ICNS with PNG entries up to 1024 px', () => {
    const icns = iconFile(config.mac?.icon);
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const entries: Array<[string, number]> = [];
    for (let at = 8; at < icns.length;) {
      const type = icns.toString('latin1', at, at + 4);
      const length = icns.readUInt32BE(at + 4);
      const size = ICNS_ENTRIES.find(([t]) => t === type)?.[1];
      expect(size, type).toBeDefined();
      expectIcon(icns.subarray(at + 8, at + length), size!);
      entries.push([type, size!]);
      at += length;
    }
    expect(entries).toEqual(ICNS_ENTRIES.map(([type, size]) => [type, size]));
    expect(entries.map(([, size]) => size)).toContain(1024);
  });
});

describe('fuses', () => {
  const FUSES = Object.keys(FuseV1Options).filter((key) => Number.isNaN(Number(key))).length;
  // Electron's own defaults, so a fuse the config leaves alone is seen to stay as it was.
  const DEFAULT_WIRE = [1, 0, 1, 1, 0, 0, 0, 1, 1].map((on) => (on ? FuseState.ENABLE : FuseState.DISABLE));
  const temps: string[] = [];
  const savedPath = process.env.PATH;
  afterEach(() => {
    process.env.PATH = savedPath;
    delete process.env.QM_CODESIGN_LOG;
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A file that looks like an Electron binary to @electron/fuses: filler, the sentinel, a v1 wire. */
  function fakeElectron(file: string): Buffer {
    const bytes = Buffer.concat([
      Buffer.alloc(4096, 0xcc),
      Buffer.from(SENTINEL),
      Buffer.from([1, DEFAULT_WIRE.length, ...DEFAULT_WIRE]),
      Buffer.alloc(4096, 0xdd),
    ]);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
    return bytes;
  }

  it('are exactly the seven this app sets, in the one object the config uses', () => {
    expect(electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      resetAdHocDarwinSignature: true,
    });
    expect(config.electronFuses).toEqual(electronFuses);
    expect(DEFAULT_WIRE.length).toBe(FUSES);
  });

  // Each platform's packer finds the binary its own way; electron-builder's code does it here.
  const platforms = [
    ['linux', 'LinuxPackager', (config: Configuration) => config.linux?.executableName ?? '', ''],
    ['win32', 'WinPackager', (config: Configuration) => `${config.productName}.exe`, ''],
    [
      'darwin',
      'MacPackager',
      (config: Configuration) => `${config.productName}.app`,
      'Contents/Frameworks/Electron Framework.framework/Electron Framework',
    ],
  ] as const;

  // The codesign stand-in is a shell script, which Windows cannot run.
  it.each(platforms.filter(([platform]) => platform !== 'darwin' || process.platform !== 'win32'))(
    'are flipped by electron-builder in the packed %s binary',
    async (platform, packager, bundle, inner) => {
      const appOutDir = mkdtempSync(join(tmpdir(), 'qm-fuses-'));
      temps.push(appOutDir);
      // flipFuses re-signs a macOS bundle ad hoc with `codesign`: a stand-in on PATH records the call.
      const bin = join(appOutDir, 'bin');
      mkdirSync(bin);
      writeFileSync(join(bin, 'codesign'), '#!/bin/sh\nprintf "%s\\n" "$@" > "$QM_CODESIGN_LOG"\n');
      chmodSync(join(bin, 'codesign'), 0o755);
      process.env.PATH = `${bin}${delimiter}${savedPath}`;
      process.env.QM_CODESIGN_LOG = join(appOutDir, 'codesign.log');

      const binary = join(appOutDir, bundle(config), inner);
      const before = fakeElectron(binary);
      const fake = Object.create(lib[packager].prototype, {
        executableName: { value: config.linux?.executableName },
        appInfo: { value: { productFilename: config.productName } },
      }) as Packager;
      const fuseConfig = await lib.PlatformPackager.prototype.generateFuseConfig.call(
        fake,
        config.electronFuses,
      );
      await expect(
        fake.addElectronFuses({ appOutDir, electronPlatformName: platform }, fuseConfig),
      ).resolves.toBe(1);

      const wire = await getCurrentFuseWire(binary);
      expect({ ...wire, version: undefined }).toEqual({
        version: undefined,
        [FuseV1Options.RunAsNode]: FuseState.DISABLE,
        [FuseV1Options.EnableCookieEncryption]: FuseState.ENABLE,
        [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: FuseState.DISABLE,
        [FuseV1Options.EnableNodeCliInspectArguments]: FuseState.DISABLE,
        [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: FuseState.ENABLE,
        [FuseV1Options.OnlyLoadAppFromAsar]: FuseState.ENABLE,
        [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: DEFAULT_WIRE[6],
        [FuseV1Options.GrantFileProtocolExtraPrivileges]: FuseState.DISABLE,
        [FuseV1Options.WasmTrapHandlers]: DEFAULT_WIRE[8],
      });
      // Nothing but the wire changed.
      const after = readFileSync(binary);
      const wireAt = before.indexOf(SENTINEL) + SENTINEL.length + 2;
      expect(after.length).toBe(before.length);
      expect(after.subarray(0, wireAt).equals(before.subarray(0, wireAt))).toBe(true);
      expect(after.subarray(wireAt + FUSES).equals(before.subarray(wireAt + FUSES))).toBe(true);

      const codesign = process.env.QM_CODESIGN_LOG;
      if (platform === 'darwin') {
        const args = readFileSync(codesign, 'utf8').trim().split('\n');
        expect(args.slice(0, 3)).toEqual(['--sign', '-', '--force']);
        expect(args.at(-1)).toBe(join(appOutDir, bundle(config)));
      } else {
        expect(existsSync(codesign)).toBe(false);
      }
    },
  );
});
