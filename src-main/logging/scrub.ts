/**
 * What every log line goes through before it is kept anywhere. Removes secrets a caller named (in
 * every spelling, see secret-forms.ts), values under secret-sounding keys, and text shaped like a
 * credential whatever it holds: Basic/Bearer credentials, URL passwords, `token=` parameters,
 * credential headers, bare 32-character Twilio auth tokens and API key secrets. SIDs (`AC…`,
 * `SK…`, `GE…`: two letters and 32 hex) are identifiers and stay. Never throws and never hangs:
 * cycles, odd types and huge values come out bounded and JSON-safe.
 */
import { secretForms } from './secret-forms.ts';

export const REDACTED = '[redacted]';
/** Shorter secrets are not remembered (see remember). */
const MIN_SECRET = 8;

/** Keys whose values never reach a log; a key ending in `Sid` names an identifier (`apiKeySid`). */
const SECRET_KEY = /secret|token|password|passwd|authorization|credential|cookie|api[_-]?key/i;
const SID_KEY = /sid$/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !SID_KEY.test(key);
}

const LIMITS = {
  depth: 8,
  /** Characters kept of one string (a long stack trace fits). */
  string: 16_384,
  /** Items kept of one array or object. */
  items: 100,
  /** Characters kept of one key. */
  key: 256,
  /** Array items and object entries taken from one value, and characters kept in all its strings. */
  nodes: 5_000,
  chars: 131_072,
};

export interface Scrubber {
  /** Adds a secret (and, given a user, the `user:secret` pair) to what is removed from now on. */
  remember(secret: string, user?: string): void;
  text(value: string): string;
  /** A JSON-safe, bounded, scrubbed copy of anything. */
  value(value: unknown): unknown;
}

export function createScrubber(): Scrubber {
  const forms = new Set<string>();
  let known: RegExp[] = [];

  const text = (value: string): string => {
    try {
      return scrubText(value, known, longest(forms));
    } catch {
      return '[unreadable text]';
    }
  };

  return {
    remember(secret, user) {
      // A few characters are no Twilio secret (those are 32 long) but would blank common words.
      if (typeof secret !== 'string' || secret.length < MIN_SECRET) return;
      const before = forms.size;
      for (const form of secretForms(secret, typeof user === 'string' ? user : undefined))
        if (form.length >= MIN_SECRET) forms.add(form);
      if (forms.size === before) return;
      known = [...forms]
        // Longest first so a form never leaves part of a longer one behind.
        .sort((a, b) => b.length - a.length)
        // Hex is matched in any case; base64 and the plain secret are case-sensitive.
        .map((form) => new RegExp(escapeRegExp(form), /^[0-9a-f]+$/.test(form) ? 'gi' : 'g'));
    },
    text,
    value(value) {
      try {
        return walk(value, 0, [], { text, nodes: LIMITS.nodes, chars: LIMITS.chars });
      } catch {
        return '[unreadable value]';
      }
    },
  };
}

function longest(forms: Set<string>): number {
  let max = 0;
  for (const form of forms) max = Math.max(max, form.length);
  return max;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Keeps `limit` characters, scrubbing enough beyond the cut that no secret is left half-seen. */
function scrubText(value: string, known: RegExp[], longestForm: number): string {
  if (value.length <= LIMITS.string) return scrubPatterns(value, known);
  const margin = Math.max(longestForm, 1024);
  const sliced = value.length > LIMITS.string + margin;
  const scrubbed = scrubPatterns(sliced ? value.slice(0, LIMITS.string + margin) : value, known);
  // Where the slice may have cut a secret in half, its last `margin` characters are never kept.
  const kept = scrubbed.slice(
    0,
    Math.max(0, Math.min(LIMITS.string, scrubbed.length - (sliced ? margin : 0))),
  );
  return `${kept}…[truncated]`;
}

/** Credentials "Basic"/"Bearer" carry; an all-letter short word after them is prose ("Basic setup"). */
const AUTH_SCHEME = /\b(Basic|Bearer)(\s+)([A-Za-z0-9+/._~-]+=*)/gi;
/** `://user:password@host`; starts at the literal `://` so a long word never backtracks. */
const URL_PASSWORD = /:\/\/([^\s/?#@:]*):([^\s/?#@]*)@/g;
/** Header lines that are credentials in full. */
const CREDENTIAL_HEADER =
  /\b(authorization|proxy-authorization|cookie|set-cookie|x-twilio-signature|x-api-key)(\s*:\s*)([^\r\n]+)/gi;
/** `key=value` (query strings, form bodies, env-style text); the key is read whole, at most 64 long. */
const KEY_EQUALS = /(?<![\w.-])([\w.-]{1,64})(=)([^\s&#;,"'<>]+)/g;
/** `"key": "value"` inside JSON quoted in a message. */
const JSON_PAIR = /"([\w.-]{1,64})"(\s*:\s*)"((?:[^"\\]|\\.){0,4096})"/g;
/** A standalone run of exactly 32 letters/digits: a Twilio auth token or API key secret. */
const BARE_TOKEN = /(?<![A-Za-z0-9])[A-Za-z0-9]{32}(?![A-Za-z0-9])/g;

function scrubPatterns(value: string, known: RegExp[]): string {
  let out = known.reduce((text, form) => text.replace(form, REDACTED), value);
  out = out.replace(AUTH_SCHEME, (whole, scheme: string, space: string, credential: string) =>
    /[^A-Za-z]/.test(credential) || credential.length >= 20 ? `${scheme}${space}${REDACTED}` : whole,
  );
  out = out.replace(URL_PASSWORD, `://$1:${REDACTED}@`);
  out = out.replace(CREDENTIAL_HEADER, `$1$2${REDACTED}`);
  out = out.replace(KEY_EQUALS, (whole, key: string, eq: string) =>
    isSecretKey(key) ? `${key}${eq}${REDACTED}` : whole,
  );
  out = out.replace(JSON_PAIR, (whole, key: string, colon: string) =>
    isSecretKey(key) ? `"${key}"${colon}"${REDACTED}"` : whole,
  );
  return out.replace(BARE_TOKEN, (token) => (/\d/.test(token) && /[A-Za-z]/.test(token) ? REDACTED : token));
}

/** One value's walk: the text scrubber and what is left of its size budget. */
interface Walk {
  text: (s: string) => string;
  nodes: number;
  chars: number;
}

function walk(value: unknown, depth: number, ancestors: object[], ctx: Walk): unknown {
  switch (typeof value) {
    case 'string':
      return charge(ctx, value);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
    case 'undefined':
      return value;
    case 'bigint':
      return `${value.toString()}n`;
    case 'symbol':
      return charge(ctx, value.toString());
    case 'function':
      return `[function ${charge(ctx, value.name || 'anonymous')}]`;
  }
  if (value === null) return null;
  const object = value as object;
  if (ancestors.includes(object)) return '[circular]';
  if (depth >= LIMITS.depth) return '[truncated]';
  const inner = (v: unknown): unknown => walk(v, depth + 1, [...ancestors, object], ctx);

  if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
  if (object instanceof URL) return inner(object.href);
  if (object instanceof ArrayBuffer || ArrayBuffer.isView(object)) {
    // Bytes are never dumped: they could be anything, a secret included.
    return `[${object.constructor.name} ${object.byteLength} bytes]`;
  }
  if (Array.isArray(object) || object instanceof Set) return list(object, inner, ctx);
  if (object instanceof Map) {
    const entries = [...take(object.entries(), LIMITS.items)].map(([k, v]): [string, unknown] => [
      String(k),
      v,
    ]);
    return fields(entries, object.size, inner, ctx);
  }
  if (object instanceof Error) {
    const { name, message, stack } = object;
    const extra: Array<[string, unknown]> = [
      ['name', name],
      ['message', message],
      ['stack', stack],
    ];
    if ('cause' in object) extra.push(['cause', object.cause]);
    const own = readable(object);
    const rest = own.entries.filter(([key]) => !ERROR_FIELDS.has(key));
    return fields([...extra, ...rest], extra.length + own.total, inner, ctx);
  }
  const toJSON = (object as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return inner(toJSON.call(object));
  const own = readable(object);
  return fields(own.entries, own.total, inner, ctx);
}

/** Scrubs a string and counts it against the budget; once that is spent, strings are left out. */
function charge(ctx: Walk, value: string): string {
  if (ctx.chars <= 0) return '[truncated]';
  const out = ctx.text(value);
  ctx.chars -= out.length;
  return out;
}

/** Counts one array item or object entry; false once the walk has taken in enough. */
function room(ctx: Walk): boolean {
  return --ctx.nodes >= 0 && ctx.chars > 0;
}

const ERROR_FIELDS = new Set(['name', 'message', 'stack', 'cause']);

function* take<T>(items: Iterable<T>, count: number): Generator<T> {
  if (count <= 0) return;
  for (const item of items) {
    yield item;
    if (--count <= 0) return;
  }
}

function list(items: unknown[] | Set<unknown>, inner: (v: unknown) => unknown, ctx: Walk): unknown[] {
  const size = Array.isArray(items) ? items.length : items.size;
  const out: unknown[] = [];
  for (const item of take(items, LIMITS.items)) {
    if (!room(ctx)) break;
    out.push(inner(item));
  }
  if (size > out.length) out.push(`…${size - out.length} more`);
  return out;
}

/** Own enumerable properties; a getter that throws stands for itself instead of failing the line. */
function readable(object: object): { entries: Array<[string, unknown]>; total: number } {
  const keys = Object.keys(object);
  const entries = keys.slice(0, LIMITS.items).map((key): [string, unknown] => {
    try {
      return [key, (object as Record<string, unknown>)[key]];
    } catch {
      return [key, '[unreadable]'];
    }
  });
  return { entries, total: keys.length };
}

function fields(
  entries: Array<[string, unknown]>,
  total: number,
  inner: (v: unknown) => unknown,
  ctx: Walk,
): Record<string, unknown> {
  const out: Array<[string, unknown]> = [];
  for (const [key, value] of entries.slice(0, LIMITS.items)) {
    if (!room(ctx)) break;
    // Flags and empty values under a secret key ("secretSaved: true") say nothing secret.
    const plain = value === null || value === undefined || typeof value === 'boolean';
    out.push([charge(ctx, key).slice(0, LIMITS.key), isSecretKey(key) && !plain ? REDACTED : inner(value)]);
  }
  if (total > out.length) out.push(['…', `${total - out.length} more`]);
  // fromEntries defines own properties, so a key like "__proto__" stays data.
  return Object.fromEntries(out);
}
