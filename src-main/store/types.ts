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
  AgentDetail,
  AgentScorecard,
  AnswerDistribution,
  AssessmentQuery,
  AssessmentRow,
  AssessmentScoreRow,
  CalibrationReport,
  CommentQuery,
  CommentRow,
  DistinctQuery,
  DistinctValues,
  ExportKind,
  KnownAgent,
  ParsedRequestOf,
  QueryFilters,
  RowDetail,
  RowKind,
  SavedView,
  ScoreGroups,
  ScoreGroupsQuery,
  ScoreQuery,
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

export type AnswersQuery = Scoped<ParsedRequestOf<'scores', 'answers'>>;
export type ScorecardsQuery = Scoped<ParsedRequestOf<'agents', 'scorecards'>>;
export type AgentDetailQuery = Scoped<ParsedRequestOf<'agents', 'detail'>>;
export type CalibrationQuery = Scoped<ParsedRequestOf<'calibration', 'report'>>;

/** The rows an export of a kind reads: records, comments, or one row per assessment. */
export interface ExportRowOf {
  assessments: AssessmentRow;
  comments: CommentRow;
  scores: AssessmentScoreRow;
}

/** What an export reads: the view's filters and sort (columns of the kind, as the tables sort). */
export interface ExportQuery {
  filters: QueryFilters;
  sort: ReadonlyArray<{ column: string; dir: 'asc' | 'desc' }>;
}

export interface ExportStreamOptions {
  /** Rows per yielded page, 250–500 (default 500). */
  pageSize?: number;
  /** Stops the stream between pages (it then throws a cancelled AppError). */
  signal?: AbortSignal;
}

export interface Store {
  readonly file: string;
  readonly accountSid: string;

  // ---- sync (writes) ----
  /** Starts a new pass over the stream, or resumes its unfinished one (`restart`: abandon it, start afresh). */
  openPass(kind: StreamKind, scope: StreamScope, options?: { restart?: boolean }): Promise<PassStart>;
  /**
   * One page and the stream's cursor in one transaction: upserts by SID, then records `next` as the
   * cursor. With next === null the pass is complete: rows of the scope not seen in it are deleted.
   */
  commitPage(page: PageCommit): Promise<PageOutcome>;
  /** Segment details (agent name, team, queue, date, assessment_percentage …), upserted by segment id. */
  upsertSegments(segments: Segment[]): Promise<void>;
  /** Reference data, replaced as a whole in one transaction. */
  putReference(reference: ReferenceData): Promise<void>;
  /** Both streams of each segment completed in this run; one transaction for the whole list. */
  markSegmentsSynced(segmentIds: readonly string[], at: number): Promise<void>;
  beginRun(run: SyncRunStart): Promise<number>;
  endRun(runId: number, end: SyncRunEnd): Promise<void>;
  /** Every segment id the store knows (from records or details), for "Sync again". */
  segmentIds(): Promise<string[]>;
  /** Segment ids named by the stored records of an agent, or whose stored details name the agent. */
  segmentIdsOfAgent(agentId: string): Promise<string[]>;

  // ---- queries (reads) ----
  overview(): Promise<Omit<StoreOverview, 'profileId'>>;
  segments(query: Scoped<SegmentListQuery>): Promise<Window<StoredSegment>>;
  agents(query: { search: string; limit: number }): Promise<KnownAgent[]>;
  assessments(query: Scoped<AssessmentQuery>): Promise<Window<AssessmentRow>>;
  comments(query: Scoped<CommentQuery>): Promise<Window<CommentRow>>;
  distinct(query: Scoped<DistinctQuery>): Promise<Omit<DistinctValues, 'profileId'>>;

  // ---- scores, agents, calibration (reads of the summary tables the writes keep current) ----
  /** One row per assessment: its computed score and Twilio's percentage. */
  scores(query: Scoped<ScoreQuery>): Promise<Window<AssessmentScoreRow>>;
  scoreGroups(query: Scoped<ScoreGroupsQuery>): Promise<Omit<ScoreGroups, 'profileId'>>;
  answerDistribution(query: AnswersQuery): Promise<Omit<AnswerDistribution, 'profileId'>>;
  agentScorecards(query: ScorecardsQuery): Promise<Window<AgentScorecard>>;
  agentDetail(query: AgentDetailQuery): Promise<Omit<AgentDetail, 'profileId'>>;
  calibration(query: CalibrationQuery): Promise<Omit<CalibrationReport, 'profileId'>>;
  /** Everything about one row (the detail drawer); not_found when no such row is stored. */
  rowDetail(kind: RowKind, sid: string): Promise<Omit<RowDetail, 'profileId'>>;
  /**
   * Every row of a view, in its order, a page at a time: the order is materialised once when the
   * stream starts and read window by window, so a sync committing meanwhile neither repeats nor
   * shifts rows (a row removed meanwhile is left out; a changed one reads as it is now).
   */
  exportRows<K extends ExportKind>(
    kind: K,
    query: ExportQuery,
    options?: ExportStreamOptions,
  ): AsyncIterable<Array<ExportRowOf[K]>>;

  // ---- saved views (named filter sets of this account) ----
  views(): Promise<SavedView[]>;
  /** Saves (replacing a view of the same name); every view after it, by name. */
  saveView(name: string, filters: QueryFilters): Promise<SavedView[]>;
  removeView(name: string): Promise<SavedView[]>;

  /** Finishes queued work and closes the connection and the worker. Idempotent. */
  close(): Promise<void>;
}
