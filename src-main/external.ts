import type { Shell } from 'electron';

/** The only way QM Desk opens a link in the browser: https URLs, nothing else (no file:, no custom schemes). */
export function createOpenExternal(shell: Pick<Shell, 'openExternal'>): (url: string) => Promise<boolean> {
  return async (url) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return false;
    await shell.openExternal(parsed.href);
    return true;
  };
}
