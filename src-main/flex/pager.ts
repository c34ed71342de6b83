import type { z } from 'zod';
import { cancelledError, protocolError } from './errors.ts';
import { parseJson } from './transport.ts';
import { MetaSchema, describeIssues, parseRecord, type WithRaw } from './schemas.ts';
import type { Page, PageMeta, Pager } from './types.ts';

export interface PagerSpec {
  firstUrl: URL;
  /** The list key the endpoint must answer with (`meta.key` and the payload property). */
  key: string;
  schema: z.ZodType<object>;
  fetchText(url: URL, signal: AbortSignal): Promise<string>;
  /** Applies the client's host rule to a next-page URL and checks its origin; throws `protocol`. */
  resolveNext(next: string, current: URL): URL;
  signal: AbortSignal | undefined;
  prefetch: boolean;
}

/** Consecutive empty pages with a next page that are still followed. */
export const MAX_EMPTY_PAGES = 3;
/** Records validated per turn of the event loop, so a page never blocks it for long. */
const VALIDATE_SLICE = 200;

interface Envelope {
  url: URL;
  meta: PageMeta;
  records: unknown[];
}

interface InFlight {
  url: URL;
  text: Promise<string>;
  cancel: AbortController;
}

const NEXT_KEY = '"next_page_url"';
const NEXT_VALUE = /\s*:\s*("(?:[^"\\]|\\.)*")/y;

/**
 * The last `"next_page_url": "…"` in a raw body, found without parsing it. Only a guess: a
 * record could hold the same key, so the caller checks it against the parsed `meta`.
 */
export function guessNextLink(text: string): string | null {
  const at = text.lastIndexOf(NEXT_KEY);
  if (at < 0) return null;
  NEXT_VALUE.lastIndex = at + NEXT_KEY.length;
  const literal = NEXT_VALUE.exec(text)?.[1];
  if (literal === undefined) return null;
  try {
    const value: unknown = JSON.parse(literal);
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function pathOf(url: URL): string {
  return url.pathname + url.search;
}

/** Checks the envelope only; records are validated later, while the next page is on its way. */
function readEnvelope(json: unknown, url: URL, key: string): Envelope {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw protocolError('the body is not a JSON object', pathOf(url));
  }
  const payload = json as Record<string, unknown>;
  const parsed = MetaSchema.safeParse(payload.meta);
  if (!parsed.success) throw protocolError(describeIssues(parsed.error, 'meta'), pathOf(url));
  const meta = parsed.data;
  if (meta.key !== key) {
    throw protocolError(`meta.key is “${meta.key.slice(0, 40)}”, expected “${key}”`, pathOf(url));
  }
  const records = payload[meta.key];
  if (!Array.isArray(records)) throw protocolError(`“${key}” is not a list`, pathOf(url));
  return { url, meta, records };
}

/**
 * Pages of one list endpoint. Follows `meta.next_page_url` verbatim (after the client's host rule)
 * and stops with a `protocol` error instead of looping or truncating when the server misbehaves:
 * - a next page on another origin: no request is sent there, so credentials never leave the host;
 * - a next-page URL already fetched in this run (a loop);
 * - more than MAX_EMPTY_PAGES empty pages in a row that still point to a next page. An empty page
 *   with a new next-page URL is followed (its records may simply start on the next page), but an
 *   endless run of them is a stuck cursor, and each one is a request.
 *
 * With `prefetch`, the next page is requested before this one is parsed: the link is picked out of
 * the raw body (it passes the same host and loop checks first) and confirmed against the parsed
 * `meta`; a wrong guess is aborted and the real link fetched. Parsing, validation and the caller's
 * work so overlap the round trip, which is what sequential paging spends its time on. At most two
 * pages are held at once.
 */
export function createPager<T extends object>(spec: PagerSpec): Pager<WithRaw<T>> {
  async function* pages(): AsyncGenerator<Page<WithRaw<T>>, void, undefined> {
    const stop = new AbortController();
    const signal = spec.signal ? AbortSignal.any([spec.signal, stop.signal]) : stop.signal;
    const seen = new Set<string>([spec.firstUrl.href]);
    let emptyRun = 0;
    let lastFingerprint: string | null = null;

    const request = (url: URL): InFlight => {
      const cancel = new AbortController();
      const text = spec.fetchText(url, AbortSignal.any([signal, cancel.signal]));
      // Awaited on a later turn (or dropped when cancelled); this only keeps an early rejection
      // from counting as unhandled.
      text.catch(() => undefined);
      return { url, text, cancel };
    };
    const guess = (text: string, current: URL): URL | null => {
      const link = guessNextLink(text);
      if (link === null) return null;
      try {
        const url = spec.resolveNext(link, current);
        return seen.has(url.href) ? null : url;
      } catch {
        return null; // the parsed meta decides, and reports it
      }
    };

    let current: InFlight | null = request(spec.firstUrl);
    try {
      while (current !== null) {
        // An abort between pages stops here even when the next page has already arrived.
        if (signal.aborted) throw cancelledError();
        const { url } = current;
        let text: string | null = await current.text;
        current = null;

        let ahead: InFlight | null = null;
        if (spec.prefetch) {
          const guessed = guess(text, url);
          if (guessed !== null) {
            ahead = request(guessed);
            // Let undici write the request before the CPU-bound parsing below.
            await nextTick();
          }
        }
        const envelope = readEnvelope(parseJson(text, url), url, spec.key);
        text = null; // not held by the suspended generator while the caller works
        emptyRun = envelope.records.length === 0 ? emptyRun + 1 : 0;
        lastFingerprint = advanced(envelope, lastFingerprint);
        const next = nextUrl(envelope, seen, emptyRun);
        if (ahead !== null && ahead.url.href !== next?.href) {
          ahead.cancel.abort();
          ahead = null;
        }
        if (ahead === null && next !== null && spec.prefetch) {
          ahead = request(next);
          await nextTick();
        }
        current = ahead;

        const items: WithRaw<T>[] = new Array(envelope.records.length);
        for (let i = 0; i < envelope.records.length; i++) {
          // A full page takes tens of milliseconds to validate: let other work in between.
          if (i > 0 && i % VALIDATE_SLICE === 0) await nextTick();
          const result = parseRecord(spec.schema, envelope.records[i], `${spec.key}[${i}]`);
          if (!result.ok) throw protocolError(result.reason, pathOf(envelope.url));
          items[i] = result.value as WithRaw<T>;
        }
        yield { items, meta: envelope.meta, url: envelope.url.href };
        if (current === null && next !== null) current = request(next);
      }
    } finally {
      // The caller stopped early or something failed: drop any request still in flight.
      stop.abort();
    }
  }

  /**
   * A server that serves the same records again under a fresh token would otherwise be followed
   * forever. Two consecutive pages with the same first and last record did not advance.
   */
  function advanced(envelope: Envelope, previous: string | null): string | null {
    const records = envelope.records;
    if (records.length === 0) return previous;
    const fingerprint = `${records.length}:${JSON.stringify(records[0])}:${JSON.stringify(records.at(-1))}`;
    if (fingerprint === previous) {
      throw protocolError('the same page came back again: the pages do not advance', pathOf(envelope.url));
    }
    return fingerprint;
  }

  function nextUrl(envelope: Envelope, seen: Set<string>, emptyRun: number): URL | null {
    const raw = envelope.meta.next_page_url;
    if (raw === null) return null;
    const path = pathOf(envelope.url);
    if (emptyRun > MAX_EMPTY_PAGES) {
      throw protocolError(`${emptyRun} empty pages in a row that still point to a next page`, path);
    }
    const next = spec.resolveNext(raw, envelope.url);
    if (seen.has(next.href)) throw protocolError('a next-page link that repeats an earlier page', path);
    seen.add(next.href);
    return next;
  }

  return {
    [Symbol.asyncIterator]: pages,
    async *items() {
      for await (const page of pages()) yield* page.items;
    },
  };
}
