/**
 * The per-account store as main sees it: an async facade over a worker thread that owns the
 * node:sqlite connection. Every method is one message to the worker; nothing here blocks the
 * main event loop.
 */
import type {
  Assessment,
  Comment,
  Segment,
  Questionnaire,
  Question,
  Category,
  AnswerSets,
  CommentTags,
} from '../flex/schemas.ts';
import type {
  AssessmentQuery,
  AssessmentRow,
  CommentQuery,
  CommentRow,
  DistinctQuery,
  DistinctValues,
  KnownAgent,
  SegmentListQuery,
  StoreOverview,
  StoredSegment,
  SyncResult,
  SyncTarget,
} from '../../src-preload/contract.ts';

export interface StoreOpenOptions {
  /** The SQLite file (created with its folder when missing). */
  file: string;
  /** The Account SID this store belongs to; a file recorded for another SID is refused (store_account_mismatch). */
  accountSid: string;
}

export type StreamKind = 'assessments' | 'comments';

/** A stream is one list endpoint under one filter, paged by its own cursor. */
export type StreamScope = { segmentId: string } | { agentId: string } | { all: true };

/** `assessments:segment:<id>`, `comments:agent:<id>`, `assessments:all`: the key cursors are stored under. */
export function streamKey(kind: StreamKind, scope: StreamScope): string {
  if ('segmentId' in scope) return `${kind}:segment:${scope.segmentId}`;
  if ('agentId' in scope) return `${kind}:agent:${scope.agentId}`;
  return `${kind}:all`;
}

/** Where a pass over a stream starts: a fresh pass at the first page, or an unfinished one at its cursor. */
export interface PassStart {
  pass: number;
  /** A `meta.next_page_url` committed earlier in this pass; null: start at the first page. */
  resumeFrom: string | null;
}

export interface PageCommit<K extends StreamKind = StreamKind> {
  kind: K;
  scope: StreamScope;
  pass: number;
  records: K extends 'assessments' ? Assessment[] : Comment[];
  /** The page's `meta.next_page_url`; null ends the pass (and applies the mirror rule). */
  next: string | null;
}

export interface PageOutcome {
  written: number;
  /** Records without an assessment SID: counted, not stored. */
  skippedNoSid: number;
  /** Rows of the scope removed because the completed pass did not see them (0 unless next === null). */
  removed: number;
}

export interface ReferenceData {
  questionnaires: Questionnaire[];
  questions: Question[];
  categories: Category[];
  answerSets: AnswerSets | null;
  commentTags: CommentTags | null;
}

export interface SyncRunStart {
  label: string;
  target: SyncTarget;
  startedAt: number;
}

export interface SyncRunEnd {
  status: 'done' | 'failed' | 'cancelled';
  endedAt: number;
  result: SyncResult;
}

type Window<R> = { total: number; offset: number; rows: R[] };
type Scoped<Q> = Omit<Q, 'profileId'>;

export interface Store {
  readonly file: string;
  readonly accountSid: string;

  // ---- sync (writes) ----
  /** Starts a new pass over the stream, or resumes its unfinished one. */
  openPass(kind: StreamKind, scope: StreamScope): Promise<PassStart>;
  /**
   * One page and the stream's cursor in one transaction: upserts by SID, then records `next` as the
   * cursor. With next === null the pass is complete: rows of the scope not seen in it are deleted.
   */
  commitPage(page: PageCommit): Promise<PageOutcome>;
  /** Segment details (agent name, team, queue, date, assessment_percentage …), upserted by segment id. */
  upsertSegments(segments: Segment[]): Promise<void>;
  /** Reference data, replaced as a whole in one transaction. */
  putReference(reference: ReferenceData): Promise<void>;
  /** Both streams of the segment completed in this run. */
  markSegmentSynced(segmentId: string, at: number): Promise<void>;
  beginRun(run: SyncRunStart): Promise<number>;
  endRun(runId: number, end: SyncRunEnd): Promise<void>;
  /** Every segment id the store knows (from records or details), for "Sync again". */
  segmentIds(): Promise<string[]>;
  /** Segment ids named by the stored records of an agent. */
  segmentIdsOfAgent(agentId: string): Promise<string[]>;

  // ---- queries (reads) ----
  overview(): Promise<Omit<StoreOverview, 'profileId'>>;
  segments(query: Scoped<SegmentListQuery>): Promise<Window<StoredSegment>>;
  agents(query: { search: string; limit: number }): Promise<KnownAgent[]>;
  assessments(query: Scoped<AssessmentQuery>): Promise<Window<AssessmentRow>>;
  comments(query: Scoped<CommentQuery>): Promise<Window<CommentRow>>;
  distinct(query: Scoped<DistinctQuery>): Promise<Omit<DistinctValues, 'profileId'>>;

  /** Finishes queued work and closes the connection and the worker. Idempotent. */
  close(): Promise<void>;
}
