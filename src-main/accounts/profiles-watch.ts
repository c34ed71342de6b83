import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/** Changes come in bursts (temp file, rename); one look after the burst is enough. */
const SETTLE_MS = 150;

/**
 * Calls `onChange` (once per burst) when the file at `path` is written, replaced or removed by
 * anyone. The folder is watched, not the file: atomic writes replace the file, and a watch on the
 * old one would go quiet. Never keeps the process alive; a watch the OS refuses is just no watch.
 */
export function watchFile(path: string, onChange: () => void): () => void {
  const name = basename(path);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let watcher: FSWatcher | null = null;
  const stop = (): void => {
    clearTimeout(timer);
    watcher?.close();
    watcher = null;
  };
  try {
    watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
      // Some platforms do not name the file: look anyway, a needless look costs one stat.
      if (file !== null && file !== name) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, SETTLE_MS);
      timer.unref();
    });
    watcher.on('error', stop);
  } catch {
    watcher = null;
  }
  return stop;
}
