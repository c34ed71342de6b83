/**
 * The diagnostics log: one JSON object per line in `<dir>/qm-desk.log`, rotated by size, every
 * line scrubbed of secrets first. Log calls are synchronous and cheap (hot paths call them): lines
 * are buffered and appended in order shortly after, so a crash loses at most the last moment, and
 * nothing here ever throws at a caller: a full disk or a removed folder drops lines and says so once.
 */
import type { ClockPort, LoggerPort, LogRecord, LogsPort } from '../ports.ts';
import { openRotatingFile } from './rotating-file.ts';
import { createScrubber } from './scrub.ts';

export type { LogRecord };

/** The app's logger port and logs port in one. */
export interface FileLogger extends LoggerPort, LogsPort {
  /** The logs folder. */
  readonly dir: string;
  /** The current log file (`dir/qm-desk.log`). */
  readonly file: string;
  /** Remembers a secret so every form of it is scrubbed from later lines (plain, base64, hex, URL-encoded, base64 of `user:secret`). */
  redact(secret: string, user?: string): void;
  /** The last warn/error records, scrubbed, newest last (for "Copy diagnostics"). */
  recent(limit?: number): LogRecord[];
  /** Writes what is buffered and closes; later calls are dropped. */
  close(): Promise<void>;
}

export interface FileLoggerOptions {
  dir: string;
  /** Size at which the log rotates; default 1 MiB. */
  maxBytes?: number;
  /** Rotated files kept; default 3. */
  keep?: number;
  clock?: ClockPort;
  /** Also given each warn/error line, readable (e.g. to stderr). */
  echo?: (line: string) => void;
}

/** Lines wait at most this long for the disk: the window a crash can lose. */
const FLUSH_MS = 200;
/** A burst this large is written at once instead of waiting. */
const FLUSH_BYTES = 64 * 1024;
/** Beyond this much unwritten (a stalled disk), new lines are dropped and counted. */
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;
const RECENT_KEPT = 100;

export function createFileLogger(options: FileLoggerOptions): FileLogger {
  const clock = options.clock ?? { now: () => Date.now() };
  const scrubber = createScrubber();
  const out = openRotatingFile({
    dir: options.dir,
    name: 'qm-desk',
    maxBytes: options.maxBytes ?? 1024 * 1024,
    keep: options.keep ?? 3,
  });
  const kept: LogRecord[] = [];
  let pending: string[] = [];
  let pendingBytes = 0;
  /** Bytes handed to the write chain or pending, not yet on disk. */
  let queuedBytes = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let chain: Promise<void> = Promise.resolve();
  let dropped = 0;
  let failing = false;
  let closing: Promise<void> | null = null;

  const now = (): string => {
    try {
      return new Date(clock.now()).toISOString();
    } catch {
      return new Date().toISOString(); // a broken clock must not cost the line
    }
  };

  const keepRecent = (record: LogRecord): void => {
    kept.push(record);
    if (kept.length > RECENT_KEPT) kept.shift();
    if (!options.echo) return;
    try {
      const detail = record.detail ? ` ${JSON.stringify(record.detail)}` : '';
      options.echo(`[qm-desk] ${record.level}: ${record.message}${detail}`);
    } catch {
      // an echo that fails (closed stderr) is no reason to lose the log line
    }
  };

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending.length === 0 && dropped === 0) return;
    const batch = pending;
    const bytes = pendingBytes;
    pending = [];
    pendingBytes = 0;
    chain = chain.then(() => write(batch, bytes));
  };

  const write = async (batch: string[], bytes: number): Promise<void> => {
    const lost = dropped;
    const notice: LogRecord = {
      time: now(),
      level: 'warn',
      message: `${lost} earlier log lines could not be written and were dropped.`,
    };
    try {
      await out.append(lost > 0 ? [`${JSON.stringify(notice)}\n`, ...batch] : batch);
      dropped -= lost;
      failing = false;
    } catch (error) {
      dropped += batch.length;
      if (!failing) {
        failing = true;
        const code = (error as { code?: unknown } | null)?.code;
        keepRecent({
          time: now(),
          level: 'warn',
          message: `The log file could not be written (${typeof code === 'string' ? code : 'unknown error'}); lines are dropped until it can be.`,
          detail: { file: out.file },
        });
      }
    } finally {
      queuedBytes -= bytes;
    }
  };

  const log = (level: LogRecord['level'], message: unknown, detail: unknown): void => {
    if (closing) return;
    try {
      const text = typeof message === 'string' ? message : String(JSON.stringify(scrubber.value(message)));
      const record: LogRecord = { time: now(), level, message: scrubber.text(text) };
      if (detail !== undefined) record.detail = asDetail(scrubber.value(detail));
      const line = `${JSON.stringify(record)}\n`;
      const bytes = Buffer.byteLength(line);
      if (queuedBytes + bytes > MAX_QUEUED_BYTES) {
        dropped++;
      } else {
        pending.push(line);
        pendingBytes += bytes;
        queuedBytes += bytes;
        if (pendingBytes >= FLUSH_BYTES) flush();
        else timer ??= setTimeout(flush, FLUSH_MS);
      }
      if (level !== 'info') keepRecent(record);
    } catch {
      dropped++;
    }
  };

  return {
    info: (message, detail) => log('info', message, detail),
    warn: (message, detail) => log('warn', message, detail),
    error: (message, detail) => log('error', message, detail),
    dir: options.dir,
    file: out.file,
    redact: (secret, user) => scrubber.remember(secret, user),
    recent(limit = RECENT_KEPT) {
      const count = Number.isNaN(Number(limit))
        ? RECENT_KEPT
        : Math.min(Math.max(Math.floor(limit), 0), RECENT_KEPT);
      // Scrubbed again: a secret remembered since may be in an older record.
      return count === 0 ? [] : kept.slice(-count).map((record) => scrubber.value(record) as LogRecord);
    },
    close() {
      closing ??= (async () => {
        flush();
        await chain;
        await out.close();
      })();
      return closing;
    },
  };
}

/** A detail that is not an object (a JavaScript caller's string) is kept under `value`. */
function asDetail(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : { value };
}
