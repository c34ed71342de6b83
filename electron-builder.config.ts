/**
 * Installers (`npm run package`): AppImage and deb on Linux, dmg for arm64 and x64 on macOS, NSIS on
 * Windows, written to dist/. electron-builder loads this file itself (with jiti); CI never builds
 * installers (that needs the Electron binary) but tests/main/packaging.test.ts loads and checks it.
 * Code signing is not configured.
 */
import type { Configuration } from 'electron-builder';

/**
 * Electron fuses, flipped by electron-builder in the packed binary right before signing (its native
 * `electronFuses` key): no running as plain Node and no Node options or inspector from outside, the
 * app loads only from app.asar and its integrity is checked (macOS and Windows), cookies encrypted,
 * and file:// pages get no more than a browser gives them.
 */
export const electronFuses = {
  runAsNode: false,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableCookieEncryption: true,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  // The renderer is served from app:// (src-main/protocol.ts), so file:// pages need no extra powers.
  grantFileProtocolExtraPrivileges: false,
  // Flipping fuses breaks the ad-hoc signature arm64 macOS needs to launch at all; with no signing
  // identity configured nothing signs after the flip, so sign ad hoc again. No-op off macOS.
  resetAdHocDarwinSignature: true,
} as const satisfies NonNullable<Configuration['electronFuses']>;

const config: Configuration = {
  appId: 'com.qmdesk.app', // = DEFAULT_KEYCHAIN_SERVICE in src-main/accounts/keytar-secrets.ts
  productName: 'QM Desk',
  artifactName: 'qm-desk-${version}-${os}-${arch}.${ext}',
  directories: { output: 'dist', buildResources: 'resources' },
  // Only electron-vite's three outputs (not out/harness, the e2e browser bridge; no source maps) and
  // package.json; electron-builder adds the production node_modules itself.
  files: ['out/main/**', 'out/preload/**', 'out/renderer/**', '!**/*.map', 'package.json'],
  // keytar is a native addon: Electron cannot dlopen it from inside the archive.
  asarUnpack: ['node_modules/keytar/**/*.node'],
  // Rebuild (or fetch the prebuilt of) keytar for Electron and each target arch; keytar is N-API.
  npmRebuild: true,
  electronFuses,
  publish: null,
  linux: {
    target: ['AppImage', 'deb'],
    icon: 'resources/icon.png',
    executableName: 'qm-desk',
    category: 'Office',
    synopsis: 'Review Twilio Flex Insights QM assessments offline',
  },
  mac: {
    target: [{ target: 'dmg', arch: ['arm64', 'x64'] }],
    icon: 'resources/icon.icns',
    category: 'public.app-category.business',
  },
  win: {
    target: [{ target: 'nsis', arch: ['x64'] }],
    icon: 'resources/icon.ico',
  },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true },
};

export default config;
