import { execFileSync } from 'node:child_process';

/**
 * Whether a private Secret Service can be started here (dbus-run-session + gnome-keyring-daemon).
 * CI sets QM_REQUIRE_KEYCHAIN=1, which turns their absence into a failure instead of a skip.
 */
export function keychainAvailable(): boolean {
  const missing = ['dbus-run-session', 'gnome-keyring-daemon'].filter((bin) => {
    try {
      execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return true;
  const message = `e2e: ${missing.join(' and ')} not found (apt-get install dbus gnome-keyring); keychain browser tests are SKIPPED.`;
  if (process.env['QM_REQUIRE_KEYCHAIN'] === '1')
    throw new Error(message.replace('SKIPPED', 'REQUIRED here'));
  console.warn(`\n*** ${message} ***\n`);
  return false;
}
