/**
 * One stream: a list endpoint under one filter, paged into the store. Each page commits with the
 * stream's cursor (`meta.next_page_url`) in one transaction, so a pass that was cancelled or
 * killed resumes at the page after the last one committed; the page after that is already in
 * flight while a page is written (the pager prefetches). The last page completes the pass, and
 * only then does the store drop rows the pass did not see.
 */
import { isFlexError } from '../flex/errors.ts';
import type { FlexClient } from '../flex/client.ts';
import type { PageCommit, PageOutcome, Store, StreamKind, StreamScope } from '../store/types.ts';

export interface StreamDeps {
  store: Store;
  client: FlexClient;
  pageSize: number;
}

export interface StreamTotals {
  written: number;
  skippedNoSid: number;
  removed: number;
}

export const noTotals = (): StreamTotals => ({ written: 0, skippedNoSid: 0, removed: 0 });

export function addTotals(into: StreamTotals, more: StreamTotals | PageOutcome): void {
  into.written += more.written;
  into.skippedNoSid += more.skippedNoSid;
  into.removed += more.removed;
}

function filtersOf(scope: StreamScope): { segmentId?: string; agentId?: string } {
  if ('segmentId' in scope) return { segmentId: scope.segmentId };
  if ('agentId' in scope) return { agentId: scope.agentId };
  return {};
}

/**
 * Pages the stream from where its pass stands into the store; `onPage` hears each committed page
 * with the segment ids its records name. Resolves when the pass is complete.
 *
 * Pipelined: a page is handed to the store (which copies it at once), then the next page is
 * parsed while the store writes this one, and only then is the commit awaited. Commits stay in
 * order, one at a time; a page's records are garbage as soon as the store has its copy.
 */
export async function syncStream(
  deps: StreamDeps,
  kind: StreamKind,
  scope: StreamScope,
  signal: AbortSignal,
  onPage?: (outcome: PageOutcome, segmentIds: ReadonlySet<string>) => void,
): Promise<StreamTotals> {
  const { store, client, pageSize } = deps;
  const { pass, resumeFrom } = await store.openPass(kind, scope);
  const totals = noTotals();
  let pages = 0;

  const run = async (from: string | null): Promise<void> => {
    const local = new AbortController();
    const pager = client.pages(kind, filtersOf(scope), {
      pageSize,
      signal: AbortSignal.any([signal, local.signal]),
      ...(from === null ? {} : { from }),
    });
    const iterator = pager[Symbol.asyncIterator]();
    let ahead = iterator.next();
    try {
      for (;;) {
        const step = await ahead;
        if (step.done === true) return;
        const page = step.value;
        const commit = store.commitPage({
          kind,
          scope,
          pass,
          // The pager of `kind` yields that kind's records; TypeScript cannot tie the two unions.
          records: page.items as PageCommit['records'],
          next: page.meta.next_page_url,
        });
        const named = new Set<string>();
        for (const record of page.items) if (record.segment_id !== null) named.add(record.segment_id);
        ahead = iterator.next();
        // Awaited after the commit; until then a failure must not count as unhandled.
        ahead.catch(() => undefined);
        const outcome = await commit;
        pages++;
        addTotals(totals, outcome);
        onPage?.(outcome, named);
      }
    } finally {
      // A failed commit leaves the next page on its way: stop it, let it settle, end the pager.
      local.abort();
      await ahead.catch(() => undefined);
      await iterator.return?.(undefined);
    }
  };

  try {
    await run(resumeFrom);
  } catch (error) {
    // A saved cursor Twilio no longer accepts (an expired PageToken) would fail this stream on
    // every later run, so the same pass starts over at its first page. Every remote record then
    // arrives; a row that only the abandoned part committed stays until the next complete pass
    // (the store cannot start a fresh pass while one is unfinished).
    if (resumeFrom === null || pages > 0 || !isFlexError(error, 'bad_request')) throw error;
    await run(null);
  }
  return totals;
}

/** Every page of a small list (reference data, segment details) in memory. */
export async function collectPages<T>(pager: AsyncIterable<{ items: T[] }>): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pager) items.push(...page.items);
  return items;
}
