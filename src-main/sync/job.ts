/**
 * The sync job body: pulls what a reviewer named into the account's store.
 *
 *   reference data (questionnaires incl. inactive, questions, categories, answer sets, comment
 *   tags), once, first: rows need the answer scores
 *   -> the segments: named ones, those of reservations (Segments by ReservationId, batched), of
 *      conversations (Conversations by SegmentId), of agents (their comments by AgentId, then the
 *      segments those name and the ones the store knows), the stored ones; deduplicated
 *   -> per segment, side by side: its assessments stream, its comments stream and its details;
 *      when all three are complete the segment is marked synced.
 * "Everything" instead pages Assessments and Comments without a filter (and Segments for details).
 *
 * Many segments run at once; the account's limiter (on the client) decides how many requests are
 * really in flight, and learns the account's limit from 429s. A failing segment, reservation,
 * conversation or agent is listed in the result and the rest goes on; bad credentials, missing
 * access or a store failure stop the whole job at once, since every part would fail the same way.
 */
import type { z } from 'zod';
import { toErrorBody } from '../errors.ts';
import type { FlexClient } from '../flex/client.ts';
import { cancelledError, FlexError } from '../flex/errors.ts';
import type { JobContext } from '../jobs/types.ts';
import type { ReferenceData, Store } from '../store/types.ts';
import type { Workspace } from '../workspaces/types.ts';
import {
  SegmentIdSchema,
  type SyncFailure,
  type SyncOptionsSchema,
  type SyncResult,
  type SyncTarget,
} from '../../src-preload/contract.ts';
import { everythingPhase, summarize, syncingPhase } from './labels.ts';
import { addTotals, collectPages, noTotals, syncStream, type StreamDeps } from './streams.ts';

export type SyncOptions = z.output<typeof SyncOptionsSchema>;

export interface SyncInput {
  store: Store;
  client: FlexClient;
  target: SyncTarget;
  options: SyncOptions;
  /** The job's label, recorded with the run. */
  label: string;
}

/** Reservation SIDs per Segments request (ReservationId is repeatable); keeps the URL short. */
export const RESERVATION_BATCH = 50;
/** Segments marked synced per round of messages to the store after an "everything" sync. */
const MARK_CHUNK = 500;

/** Every request would fail the same way: stop at once instead of failing each part. */
const FATAL_CODES: ReadonlySet<string> = new Set(['auth', 'forbidden', 'invalid_target']);

function isFatal(error: unknown): boolean {
  // Store and unexpected errors are fatal too: the next part would hit the same store.
  return !(error instanceof FlexError) || FATAL_CODES.has(error.code);
}

type PartRef = Pick<SyncFailure, 'kind' | 'id'>;

/** The body for a workspace, as the job runner calls it. */
export function syncJob(
  workspace: Pick<Workspace, 'store' | 'client'>,
  target: SyncTarget,
  options: SyncOptions,
  label: string,
): (ctx: JobContext) => Promise<SyncResult> {
  return async (ctx) => {
    const client = await workspace.client();
    return runSync({ store: workspace.store, client, target, options, label }, ctx);
  };
}

export async function runSync(input: SyncInput, ctx: JobContext): Promise<SyncResult> {
  const { store, client, target, options } = input;
  // A fatal error anywhere stops every other part through this.
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  let fatal: unknown = null;
  const failJob = (error: unknown): void => {
    if (!ctx.signal.aborted && fatal === null) fatal = error;
    stop.abort();
  };

  const limiter = client.limiter;
  limiter?.setMax(options.concurrency);
  const limitedBefore = limiter?.stats().rateLimited ?? 0;
  const result: SyncResult = {
    kind: 'sync',
    segments: 0,
    segmentsSynced: 0,
    assessments: 0,
    comments: 0,
    removed: 0,
    skippedNoSid: 0,
    failures: [],
    rateLimited: 0,
  };
  const deps: StreamDeps = { store, client, pageSize: options.pageSize };

  /** Runs one part: its own failure is listed and null returned; a fatal one stops the job. */
  async function part<T>(refs: PartRef | PartRef[], work: () => Promise<T>): Promise<T | null> {
    try {
      return await work();
    } catch (error) {
      if (signal.aborted) throw error;
      if (isFatal(error)) {
        failJob(error);
        throw error;
      }
      // Only API errors get here (anything else is fatal): a typed body, no internals to log.
      const body = toErrorBody(error);
      for (const ref of [refs].flat()) result.failures.push({ ...ref, error: body });
      return null;
    }
  }

  /** Counts a committed page of a stream whose records belong to the result. */
  const counted =
    (kind: 'assessments' | 'comments') =>
    (outcome: { written: number; skippedNoSid: number; removed: number }) => {
      result[kind] += outcome.written;
      result.skippedNoSid += outcome.skippedNoSid;
      result.removed += outcome.removed;
    };

  async function readReference(): Promise<void> {
    ctx.progress({ phase: 'Reading questionnaires', done: 0, total: null });
    const page = { pageSize: options.pageSize };
    const [questionnaires, questions, categories, answerSets, commentTags] = await together(signal, [
      (s) => collectPages(client.questionnaires({ includeInactive: true }, { ...page, signal: s })),
      (s) => collectPages(client.questions({}, { ...page, signal: s })),
      (s) => collectPages(client.categories({ ...page, signal: s })),
      (s) => client.answerSets({ signal: s }),
      (s) => client.commentTags({ signal: s }),
    ] as const);
    const reference: ReferenceData = { questionnaires, questions, categories, answerSets, commentTags };
    await store.putReference(reference);
  }

  async function syncEverything(): Promise<void> {
    const progress = (): void => {
      const records = result.assessments + result.comments;
      ctx.progress({ phase: everythingPhase(records), done: records, total: null });
    };
    progress();
    const onPage = (kind: 'assessments' | 'comments') => {
      const count = counted(kind);
      return (outcome: Parameters<typeof count>[0]) => {
        count(outcome);
        progress();
      };
    };
    const outcomes = await together(signal, [
      (s) =>
        part({ kind: 'all', id: 'assessments' }, () =>
          syncStream(deps, 'assessments', { all: true }, s, onPage('assessments')),
        ),
      (s) =>
        part({ kind: 'all', id: 'comments' }, () =>
          syncStream(deps, 'comments', { all: true }, s, onPage('comments')),
        ),
      (s) =>
        part({ kind: 'all', id: 'segments' }, async () => {
          for await (const page of client.segments({}, { pageSize: options.pageSize, signal: s })) {
            await store.upsertSegments(page.items);
          }
          return noTotals();
        }),
    ]);
    const ids = await store.segmentIds();
    result.segments = ids.length;
    if (outcomes.some((o) => o === null)) return;
    // Both unfiltered passes completed: every segment in the store mirrors the account now.
    // One transaction per chunk, so a cancel is still seen between chunks.
    const at = ctx.clock.now();
    for (let i = 0; i < ids.length; i += MARK_CHUNK) {
      if (signal.aborted) throw cancelledError();
      const chunk = ids.slice(i, i + MARK_CHUNK);
      await store.markSegmentsSynced(chunk, at);
      result.segmentsSynced += chunk.length;
    }
  }

  /** The segments the target names, in the order named, each once; and those whose details came along. */
  async function findSegments(): Promise<{ ids: string[]; detailsKnown: Set<string> }> {
    const ids = new Set<string>(target.segments);
    const detailsKnown = new Set<string>();
    if (target.stored) for (const id of await store.segmentIds()) ids.add(id);
    const lookups: Array<() => Promise<void>> = [];
    for (let i = 0; i < target.reservations.length; i += RESERVATION_BATCH) {
      const batch = target.reservations.slice(i, i + RESERVATION_BATCH);
      lookups.push(() => findByReservations(batch, ids, detailsKnown));
    }
    for (const segmentId of target.conversations) lookups.push(() => findByConversation(segmentId, ids));
    for (const agentId of target.agents) lookups.push(() => findByAgent(agentId, ids));
    if (lookups.length > 0) {
      ctx.progress({ phase: 'Finding segments', done: 0, total: null });
      await pool(lookups, options.concurrency, signal, failJob, (lookup) => lookup());
    }
    return { ids: [...ids], detailsKnown };
  }

  async function findByReservations(batch: string[], ids: Set<string>, known: Set<string>): Promise<void> {
    const refs = batch.map((id): PartRef => ({ kind: 'reservation', id }));
    const found = await part(refs, async () => {
      const segments = await collectPages(
        client.segments({ reservationIds: batch }, { pageSize: options.pageSize, signal }),
      );
      await store.upsertSegments(segments);
      return segments;
    });
    if (found === null) return;
    for (const segment of found) {
      const id = validSegmentId(segment.segment_id);
      if (id === null) continue;
      ids.add(id);
      known.add(id);
    }
    if (found.length >= batch.length) return;
    // Fewer segments than reservations: ask one by one to name the ones Twilio does not know.
    if (batch.length > 1) {
      await Promise.all(batch.map((r) => findByReservations([r], ids, known)));
      return;
    }
    result.failures.push({
      kind: 'reservation',
      id: batch[0] ?? '',
      error: {
        code: 'not_found',
        message: `Twilio has no segment for reservation ${batch[0] ?? ''}. Check the reservation SID; Flex Insights may also not have processed that task yet.`,
      },
    });
  }

  async function findByConversation(segmentId: string, ids: Set<string>): Promise<void> {
    ids.add(segmentId);
    const conversations = await part({ kind: 'conversation', id: segmentId }, () =>
      collectPages(client.conversations({ segmentId }, { pageSize: options.pageSize, signal })),
    );
    for (const conversation of conversations ?? []) {
      for (const member of conversation.segments ?? []) {
        const id = validSegmentId((member as { segment_id?: unknown } | null)?.segment_id);
        if (id !== null) ids.add(id);
      }
    }
  }

  async function findByAgent(agentId: string, ids: Set<string>): Promise<void> {
    const named = new Set<string>();
    const listed = await part({ kind: 'agent', id: agentId }, () =>
      syncStream(deps, 'comments', { agentId }, signal, (_, segmentIds) => {
        for (const segmentId of segmentIds) {
          const id = validSegmentId(segmentId);
          if (id !== null) named.add(id);
        }
      }),
    );
    // Includes segments of comments committed by an earlier, interrupted run of this stream.
    for (const id of await store.segmentIdsOfAgent(agentId)) named.add(id);
    for (const id of named) ids.add(id);
    if (listed !== null && named.size === 0) {
      result.failures.push({
        kind: 'agent',
        id: agentId,
        error: {
          code: 'not_found',
          message: `No comment names agent ${agentId}, and the store knows none of their segments. Twilio cannot search assessments by agent: name one of their segments instead.`,
        },
      });
    }
  }

  async function syncSegments(ids: string[], detailsKnown: Set<string>): Promise<void> {
    result.segments = ids.length;
    let done = 0;
    ctx.progress({ phase: syncingPhase(0, ids.length), done: 0, total: ids.length });
    await pool(ids, options.concurrency, signal, failJob, async (segmentId) => {
      await part({ kind: 'segment', id: segmentId }, () =>
        syncSegment(segmentId, detailsKnown.has(segmentId)),
      );
      done++;
      ctx.progress({ phase: syncingPhase(done, ids.length), done, total: ids.length });
    });
  }

  async function syncSegment(segmentId: string, detailsKnown: boolean): Promise<void> {
    const scope = { segmentId };
    const [assessments, comments, details] = await together(signal, [
      (s) => syncStream(deps, 'assessments', scope, s, counted('assessments')),
      (s) => syncStream(deps, 'comments', scope, s, counted('comments')),
      async (s) => {
        if (detailsKnown) return { ...noTotals(), written: 1 };
        const totals = noTotals();
        for await (const page of client.segments(scope, { pageSize: options.pageSize, signal: s })) {
          await store.upsertSegments(page.items);
          totals.written += page.items.length;
        }
        return totals;
      },
    ]);
    const records = noTotals();
    addTotals(records, assessments);
    addTotals(records, comments);
    if (details.written === 0 && records.written === 0) {
      throw new FlexError(
        'not_found',
        `Twilio knows no segment ${segmentId}: it has no details, assessments or comments. Check the segment ID.`,
      );
    }
    await store.markSegmentsSynced([segmentId], ctx.clock.now());
    result.segmentsSynced++;
  }

  const runId = await store.beginRun({ label: input.label, target, startedAt: ctx.clock.now() });
  const rateLimited = (): number => (limiter?.stats().rateLimited ?? limitedBefore) - limitedBefore;
  try {
    await readReference();
    if (target.all) {
      await syncEverything();
    } else {
      const { ids, detailsKnown } = await findSegments();
      if (ids.length > 0) await syncSegments(ids, detailsKnown);
    }
    result.rateLimited = rateLimited();
    ctx.progress({ phase: summarize(result, target.all) });
    ctx.log.info('Sync finished', {
      segments: result.segments,
      synced: result.segmentsSynced,
      failures: result.failures.length,
      rateLimited: result.rateLimited,
    });
    await store.endRun(runId, { status: 'done', endedAt: ctx.clock.now(), result });
    return result;
  } catch (error) {
    stop.abort();
    result.rateLimited = rateLimited();
    const cancelled = ctx.signal.aborted;
    await store
      .endRun(runId, { status: cancelled ? 'cancelled' : 'failed', endedAt: ctx.clock.now(), result })
      .catch((endError: unknown) => {
        ctx.log.warn('The sync run could not be recorded as ended', {
          reason: endError instanceof Error ? (endError.stack ?? endError.message) : String(endError),
        });
      });
    throw cancelled ? cancelledError() : (fatal ?? error);
  }
}

/** Segment ids that come from Twilio go into later URLs: only ones our own rule accepts. */
function validSegmentId(value: unknown): string | null {
  const parsed = SegmentIdSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

type Tasks = ReadonlyArray<(signal: AbortSignal) => Promise<unknown>>;
type Results<T extends Tasks> = { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };

/**
 * Runs the tasks side by side under one signal. The first failure aborts the others; once all
 * have ended it is thrown (not a sibling's later `cancelled`).
 */
async function together<const T extends Tasks>(parent: AbortSignal, tasks: T): Promise<Results<T>> {
  const local = new AbortController();
  const signal = AbortSignal.any([parent, local.signal]);
  let first: { error: unknown } | null = null;
  const settled = await Promise.allSettled(
    tasks.map((task) =>
      task(signal).catch((error: unknown) => {
        first ??= { error };
        local.abort();
        throw error;
      }),
    ),
  );
  if (first !== null) throw (first as { error: unknown }).error;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as Results<T>;
}

/**
 * At most `width` items at a time. A throw (which `part` only lets through for a fatal error or
 * a cancel) stops new items from starting; running ones end through the signal it aborts.
 */
async function pool<T>(
  items: readonly T[],
  width: number,
  signal: AbortSignal,
  onError: (error: unknown) => void,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let first: { error: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (first === null && !signal.aborted && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        first ??= { error };
        onError(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  if (first !== null) throw (first as { error: unknown }).error;
  if (signal.aborted) throw cancelledError();
}
