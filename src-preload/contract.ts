/**
 * THE contract between main, preload and renderer: every channel's name, the zod schema of its
 * request and the type of its response, plus the events main pushes. Main validates requests
 * with these schemas; the preload builds `window.qm` from the same table; the renderer imports
 * only types from here.
 */
import { z } from 'zod';

export const CHANNEL_PREFIX = 'qm:';
export const EVENT_PREFIX = 'qm:event:';

// ---------------------------------------------------------------------------------------------
// Shared envelope
// ---------------------------------------------------------------------------------------------

/**
 * Every error code main can answer with, owned here so the renderer can switch on them. AppError
 * only takes these (the compiler checks every service's codes against this list).
 */
export const ERROR_CODES = [
  // dispatch and transport
  'invalid_request',
  'unknown_channel',
  'forbidden_sender',
  'internal',
  'transport',
  // keychain
  'keychain_load_failed',
  'keychain_no_dbus',
  'keychain_unavailable',
  'keychain_locked',
  'keychain_timeout',
  'keychain_error',
  // accounts
  'duplicate_label',
  'profile_not_found',
  'profile_read_only',
  'secret_required',
  'secret_missing',
  'invalid_base_url',
  'profiles_unreadable',
  'profiles_too_new',
  'profiles_write_failed',
  'profiles_locked',
  'data_folder_failed',
  // Flex Insights API
  'auth',
  'forbidden',
  'not_found',
  'bad_request',
  'rate_limited',
  'server',
  'network',
  'timeout',
  'protocol',
  'cancelled',
  'invalid_target',
  // jobs, workspaces and the store
  'busy',
  'job_not_found',
  'nothing_to_sync',
  'store_account_mismatch',
  'store_too_new',
  'store_corrupt',
  'store_failed',
  'store_closed',
  // export
  'export_target_invalid',
  'export_write_failed',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  detail?: Record<string, unknown>;
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

// ---------------------------------------------------------------------------------------------
// Domain schemas shared by requests
// ---------------------------------------------------------------------------------------------

export const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
export const API_KEY_SID = /^SK[0-9a-fA-F]{32}$/;

export const ThemeSchema = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof ThemeSchema>;

/** Twilio regions and edges are short lowercase tokens (us1, ie1, au1; ashburn, dublin, sao-paulo). */
export const RegionSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z]{2,4}[0-9]$/, 'A region looks like us1, ie1 or au1.');
export const EdgeSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z]+(-[a-z]+)*$/, 'An edge looks like ashburn, dublin or sydney.');

export const CredentialSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('authToken') }),
  z.object({
    kind: z.literal('apiKey'),
    apiKeySid: z.string().trim().regex(API_KEY_SID, 'An API Key SID is SK followed by 32 hex characters.'),
  }),
]);
export type Credential = z.infer<typeof CredentialSchema>;

export const ProfileInputSchema = z.object({
  label: z.string().trim().min(1, 'Give the account a label.').max(60, 'Keep the label under 60 characters.'),
  accountSid: z.string().trim().regex(ACCOUNT_SID, 'An Account SID is AC followed by 32 hex characters.'),
  credential: CredentialSchema,
  region: RegionSchema.nullable(),
  edge: EdgeSchema.nullable(),
  /** https anywhere, or http on loopback only (the local simulator). Checked again in main. */
  baseUrl: z.string().trim().url('Enter a full URL such as https://flex-api.example.com').nullable(),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'Pick a colour.')
    .default('#3b82f6'),
});
export type ProfileInput = z.input<typeof ProfileInputSchema>;
/** A profile after validation (defaults applied). */
export type Profile = z.output<typeof ProfileInputSchema>;

/** Secrets are typed in the renderer and sent once to main; they never travel the other way. */
export const SecretSchema = z.string().min(1, 'Paste the secret.').max(512);

export const ProfileIdSchema = z.string().regex(/^[a-z0-9-]{1,64}$/, 'Unknown account id.');

// ---------------------------------------------------------------------------------------------
// Sync: what a reviewer can name
// ---------------------------------------------------------------------------------------------

/** Segment, agent and conversation ids are opaque to us (UUIDs in practice): printable, no spaces. */
const OPAQUE_ID = /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}$/;
export const SegmentIdSchema = z
  .string()
  .trim()
  .regex(OPAQUE_ID, 'A segment ID is letters, digits and - . _ : only.');
export const AgentIdSchema = z
  .string()
  .trim()
  .regex(OPAQUE_ID, 'An agent ID is letters, digits and - . _ : @ + only.');
export const RESERVATION_SID = /^WR[0-9a-fA-F]{32}$/;
export const ReservationSidSchema = z
  .string()
  .trim()
  .regex(RESERVATION_SID, 'A reservation SID is WR followed by 32 hex characters.');

/** Most ids one sync takes per kind (a long spreadsheet column, not a whole account). */
export const MAX_SYNC_IDS = 20_000;
const idList = <S extends z.ZodType<string>>(schema: S) =>
  z.array(schema).max(MAX_SYNC_IDS, `At most ${MAX_SYNC_IDS} IDs per sync.`).default([]);

/** What to pull. Several kinds may be combined; `all` asks the API for every record of the account. */
export const SyncTargetSchema = z
  .object({
    segments: idList(SegmentIdSchema),
    agents: idList(AgentIdSchema),
    reservations: idList(ReservationSidSchema),
    /** Segment ids whose whole conversation is synced (Conversations finds a conversation by a segment). */
    conversations: idList(SegmentIdSchema),
    /** Every assessment and comment the account returns (Assessments and Comments without a filter). */
    all: z.boolean().default(false),
    /** Re-sync every segment already in the store. */
    stored: z.boolean().default(false),
  })
  .strict()
  .refine(
    (t) =>
      t.all ||
      t.stored ||
      t.segments.length + t.agents.length + t.reservations.length + t.conversations.length > 0,
    'Name at least one segment, agent, reservation or conversation, or sync everything.',
  );
export type SyncTarget = z.output<typeof SyncTargetSchema>;
export type SyncTargetInput = z.input<typeof SyncTargetSchema>;

export const SYNC_CONCURRENCY_DEFAULT = 8;
export const SYNC_CONCURRENCY_MAX = 32;
export const SyncOptionsSchema = z
  .object({
    /** Upper bound for parallel streams; the sync adapts below it (halves on 429). */
    concurrency: z.number().int().min(1).max(SYNC_CONCURRENCY_MAX).default(SYNC_CONCURRENCY_DEFAULT),
    pageSize: z.number().int().min(1).max(1000).default(1000),
  })
  .strict();

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

export const SettingsSchema = z
  .object({
    theme: ThemeSchema,
    sync: z
      .object({
        pageSize: z.number().int().min(1).max(1000),
        concurrency: z.number().int().min(1).max(SYNC_CONCURRENCY_MAX),
      })
      .strict(),
    export: z
      .object({
        bom: z.boolean(),
        formulaGuard: z.boolean(),
        /** Which columns a new export starts with: the table's visible ones, or every column of the kind. */
        columns: z.enum(['visible', 'all']),
      })
      .strict(),
  })
  .strict();
export type Settings = z.output<typeof SettingsSchema>;
export const SETTINGS_DEFAULTS: Settings = {
  theme: 'system',
  sync: { pageSize: 1000, concurrency: SYNC_CONCURRENCY_DEFAULT },
  export: { bom: true, formulaGuard: true, columns: 'visible' },
};
/** settings.update takes a deep-partial patch and answers the whole merged Settings. */
export const SettingsPatchSchema = z
  .object({
    theme: ThemeSchema.optional(),
    sync: SettingsSchema.shape.sync.partial().strict().optional(),
    export: SettingsSchema.shape.export.partial().strict().optional(),
  })
  .strict();
export type SettingsPatch = z.output<typeof SettingsPatchSchema>;

/**
 * Splits pasted text (a spreadsheet column, a comma list, one id per line) into ids: any run of
 * whitespace, commas, semicolons, pipes or quotes separates; duplicates are removed, order kept.
 */
export function splitIdList(text: string): string[] {
  const seen = new Set<string>();
  for (const token of text.split(/[\s,;|"'`]+/)) if (token !== '') seen.add(token);
  return [...seen];
}

// ---------------------------------------------------------------------------------------------
// Store queries
// ---------------------------------------------------------------------------------------------

/** Columns of the assessments table: one row per answered question (one API record). */
export const ASSESSMENT_COLUMNS = [
  'sid',
  'segmentId',
  'agentId',
  'agentName',
  'team',
  'queue',
  'questionnaireSid',
  'questionnaire',
  'questionSid',
  'question',
  'categorySid',
  'category',
  'answerId',
  'answer',
  'answerScore',
  'weight',
  'offset',
  'report',
  'assessor',
  'assessorEmail',
  'timestamp',
] as const;
export type AssessmentColumn = (typeof ASSESSMENT_COLUMNS)[number];

/** Columns of the comments table. */
export const COMMENT_COLUMNS = [
  'sid',
  'segmentId',
  'agentId',
  'agentName',
  'team',
  'queue',
  'text',
  'tagId',
  'tag',
  'offset',
  'weight',
  'report',
  'assessor',
  'assessorEmail',
  'timestamp',
] as const;
export type CommentColumn = (typeof COMMENT_COLUMNS)[number];

export const RowKindSchema = z.enum(['assessments', 'comments']);
export type RowKind = z.infer<typeof RowKindSchema>;

const valueList = z.array(z.string().max(512)).max(1000).optional();
/** A typed filter: every field narrows (AND); values within a list are alternatives (OR). */
export const QueryFiltersSchema = z
  .object({
    segmentIds: valueList,
    agentIds: valueList,
    teams: valueList,
    queues: valueList,
    questionnaireSids: valueList,
    questionSids: valueList,
    categorySids: valueList,
    /** Answer names ("Yes", "3 – Average"): ids differ per answer set, names are what reviewers pick. */
    answers: valueList,
    /** Comment tag ids (comments only). */
    tagIds: valueList,
    assessors: valueList,
    report: z.boolean().optional(),
    /** Epoch milliseconds, inclusive, of the record's timestamp. */
    since: z.number().int().optional(),
    until: z.number().int().optional(),
    /** Full-text search over comment text (FTS5); words are ANDed, a trailing * matches a prefix. */
    text: z.string().max(500).optional(),
    /** The computed score (0–100) of the assessment a row belongs to, inclusive. */
    scoreMin: z.number().min(0).max(100).optional(),
    scoreMax: z.number().min(0).max(100).optional(),
  })
  .strict();
export type QueryFilters = z.output<typeof QueryFiltersSchema>;

const sortKey = <C extends readonly [string, ...string[]]>(columns: C) =>
  z.object({ column: z.enum(columns), dir: z.enum(['asc', 'desc']) }).strict();
export const MAX_WINDOW = 1000;
const windowFields = {
  profileId: ProfileIdSchema,
  filters: QueryFiltersSchema.default({}),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(MAX_WINDOW).default(100),
};
export const AssessmentQuerySchema = z
  .object({ ...windowFields, sort: z.array(sortKey(ASSESSMENT_COLUMNS)).max(3).default([]) })
  .strict();
export const CommentQuerySchema = z
  .object({ ...windowFields, sort: z.array(sortKey(COMMENT_COLUMNS)).max(3).default([]) })
  .strict();
export type AssessmentQuery = z.output<typeof AssessmentQuerySchema>;
export type CommentQuery = z.output<typeof CommentQuerySchema>;

/** Columns of the scores table: one row per assessment (one questionnaire, one segment, one assessor). */
export const SCORE_COLUMNS = [
  'assessmentKey',
  'segmentId',
  'agentId',
  'agentName',
  'team',
  'queue',
  'questionnaireSid',
  'questionnaire',
  'assessor',
  'assessorEmail',
  'timestamp',
  'answered',
  'notApplicable',
  'unscored',
  'score',
  'twilioPercentage',
  'mismatch',
] as const;
export type ScoreColumn = (typeof SCORE_COLUMNS)[number];
export const ScoreQuerySchema = z
  .object({ ...windowFields, sort: z.array(sortKey(SCORE_COLUMNS)).max(3).default([]) })
  .strict();
export type ScoreQuery = z.output<typeof ScoreQuerySchema>;

export const SCORE_GROUPS = [
  'agent',
  'team',
  'questionnaire',
  'question',
  'category',
  'assessor',
  'period',
] as const;
export type ScoreGroupBy = (typeof SCORE_GROUPS)[number];
export const ScoreGroupsQuerySchema = z
  .object({
    profileId: ProfileIdSchema,
    filters: QueryFiltersSchema.default({}),
    by: z.enum(SCORE_GROUPS),
    /** Bucket size when grouping by period (UTC). */
    period: z.enum(['day', 'week', 'month']).default('week'),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict();
export type ScoreGroupsQuery = z.output<typeof ScoreGroupsQuerySchema>;

export const AGENT_COLUMNS = [
  'name',
  'team',
  'assessments',
  'comments',
  'meanScore',
  'trend',
  'lastAssessedAt',
] as const;
export const ViewNameSchema = z
  .string()
  .trim()
  .min(1, 'Name the view.')
  .max(80, 'Keep the name under 80 characters.');

export const ExportKindSchema = z.enum(['assessments', 'comments', 'scores']);
export type ExportKind = z.infer<typeof ExportKindSchema>;
/** Excel's sheet limit, header row included. */
export const EXCEL_MAX_ROWS = 1_048_576;
export const ExportOptionsSchema = z
  .object({
    header: z.boolean().default(true),
    /** UTF-8 byte order mark, so Excel reads the file as UTF-8. */
    bom: z.boolean().default(true),
    /** A leading ' on cells that a spreadsheet would run as a formula. */
    formulaGuard: z.boolean().default(true),
    /** Data rows per file; more rows go to numbered files (name-1.csv, name-2.csv …). */
    splitRows: z.number().int().min(1).max(EXCEL_MAX_ROWS).nullable().default(null),
  })
  .strict();
export type ExportOptions = z.output<typeof ExportOptionsSchema>;
export const ExportRequestSchema = z
  .object({
    profileId: ProfileIdSchema,
    kind: ExportKindSchema,
    filters: QueryFiltersSchema.default({}),
    /** Column ids of the kind (ASSESSMENT_COLUMNS, COMMENT_COLUMNS or SCORE_COLUMNS), in file order. */
    columns: z.array(z.string().max(64)).min(1).max(64),
    sort: z
      .array(z.object({ column: z.string().max(64), dir: z.enum(['asc', 'desc']) }).strict())
      .max(3)
      .default([]),
    options: ExportOptionsSchema.default({ header: true, bom: true, formulaGuard: true, splitRows: null }),
  })
  .strict();
export type ExportRequest = z.output<typeof ExportRequestSchema>;

/** Picker values: the distinct values of one column under the other filters. */
export const DISTINCT_COLUMNS = [
  'segmentId',
  'agentId',
  'team',
  'queue',
  'questionnaireSid',
  'questionSid',
  'categorySid',
  'answer',
  'tagId',
  'assessor',
] as const;
export type DistinctColumn = (typeof DISTINCT_COLUMNS)[number];
export const DistinctQuerySchema = z
  .object({
    profileId: ProfileIdSchema,
    kind: RowKindSchema,
    column: z.enum(DISTINCT_COLUMNS),
    filters: QueryFiltersSchema.default({}),
    /** Case-insensitive prefix of the value or its label. */
    prefix: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict();
export type DistinctQuery = z.output<typeof DistinctQuerySchema>;

export const SEGMENT_LIST_COLUMNS = [
  'segmentId',
  'agentName',
  'team',
  'queue',
  'date',
  'assessments',
  'comments',
  'lastSyncedAt',
] as const;
export const SegmentListQuerySchema = z
  .object({
    profileId: ProfileIdSchema,
    /** Prefix of the segment id or the agent's name. */
    search: z.string().max(200).optional(),
    sort: sortKey(SEGMENT_LIST_COLUMNS).default({ column: 'lastSyncedAt', dir: 'desc' }),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(MAX_WINDOW).default(100),
  })
  .strict();
export type SegmentListQuery = z.output<typeof SegmentListQuerySchema>;

// ---------------------------------------------------------------------------------------------
// Response types
// ---------------------------------------------------------------------------------------------

export interface AppInfo {
  name: string;
  version: string;
  node: string;
  electron: string | null;
  platform: string;
  dataDir: string;
  logsDir: string;
}

export interface AccountUsage {
  profileId: string;
  /** Bytes of the account's local data (store file + its -wal/-shm + sync state). */
  bytes: number;
}

export interface DataUsage {
  dataDir: string;
  logsDir: string;
  accounts: AccountUsage[];
}

export interface ProfileView {
  id: string;
  label: string;
  accountSid: string;
  credential: Credential;
  region: string | null;
  edge: string | null;
  baseUrl: string | null;
  color: string;
  /** True when a secret is stored (keychain or session memory); the secret itself never leaves main. */
  hasSecret: boolean;
  /** 'env' profiles come from TWILIO_* variables and are read-only. */
  /** 'demo': the built-in demo account (generated data, no credentials, no network). */
  source: 'file' | 'env' | 'demo';
  /** The secret lives only in memory for this session (the keychain was unusable). */
  sessionOnly: boolean;
}

export type KeychainState = { usable: true } | { usable: false; code: string; message: string; fix: string };

export interface AccountsState {
  profiles: ProfileView[];
  activeId: string | null;
  keychain: KeychainState;
  /** Set when profiles.json was unreadable and moved aside: where it went and why. */
  recovered: { movedTo: string; reason: string } | null;
}

export type ConnectionStatus = 'ok' | 'bad_credentials' | 'no_access' | 'unreachable' | 'timeout' | 'error';

export interface ConnectionTestResult {
  status: ConnectionStatus;
  message: string;
  /** Round trip of the proving request in milliseconds, when one completed. */
  ms: number | null;
}

// Jobs ----------------------------------------------------------------------------------------

export type JobKind = 'sync' | 'export';
export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

/** One failed part of a sync (a segment, an agent's comment list, a reservation …), retryable alone. */
export interface SyncFailure {
  kind: 'segment' | 'agent' | 'reservation' | 'conversation' | 'all';
  id: string;
  error: ErrorBody;
}

export interface SyncResult {
  kind: 'sync';
  /** Segments asked for or found (through agents, reservations, conversations). */
  segments: number;
  segmentsSynced: number;
  assessments: number;
  comments: number;
  /** Local records removed because a complete pass no longer returned them. */
  removed: number;
  /** Records without an assessment SID: counted and reported, never stored. */
  skippedNoSid: number;
  failures: SyncFailure[];
  /** Requests answered 429 (the sync slowed down for them). */
  rateLimited: number;
}

export interface ExportFile {
  path: string;
  rows: number;
  bytes: number;
}

export interface ExportResult {
  kind: 'export';
  rows: number;
  bytes: number;
  files: ExportFile[];
}

export type JobResult = SyncResult | ExportResult;

/** The whole state of a job: every event carries all of it, so a late listener needs nothing else. */
export interface JobSnapshot {
  jobId: string;
  kind: JobKind;
  profileId: string;
  /** What the reviewer asked for, in their words ("Sync 40 segments"). */
  label: string;
  state: JobState;
  /** What is happening now ("Fetching assessments"). */
  phase: string;
  done: number;
  total?: number;
  /** Items per second over the last few seconds. */
  rate?: number;
  etaSeconds?: number;
  error?: ErrorBody;
  result?: JobResult;
  startedAt: number;
  endedAt?: number;
}

// Store -----------------------------------------------------------------------------------------

export interface AssessmentRow {
  sid: string;
  segmentId: string | null;
  agentId: string | null;
  agentName: string | null;
  team: string | null;
  queue: string | null;
  questionnaireSid: string | null;
  questionnaire: string | null;
  questionSid: string | null;
  question: string | null;
  categorySid: string | null;
  category: string | null;
  answerId: string | null;
  answer: string | null;
  /** The answer's score in its answer set, when the answer set is known; null for N/A. */
  answerScore: number | null;
  weight: number | null;
  offset: number | null;
  report: boolean | null;
  assessor: string | null;
  assessorEmail: string | null;
  /** Epoch milliseconds. */
  timestamp: number | null;
}

export interface CommentRow {
  sid: string;
  segmentId: string | null;
  agentId: string | null;
  agentName: string | null;
  team: string | null;
  queue: string | null;
  text: string | null;
  tagId: string | null;
  tag: string | null;
  offset: number | null;
  weight: number | null;
  report: boolean | null;
  assessor: string | null;
  assessorEmail: string | null;
  timestamp: number | null;
  /** With a text filter: the comment with matches wrapped in \u0002 … \u0003 (never HTML). */
  highlight?: string;
}

export interface RowWindow<R> {
  profileId: string;
  /** Rows matching the filters, whatever the window. */
  total: number;
  offset: number;
  rows: R[];
}

export interface DistinctValue {
  value: string;
  /** A readable name (the question's text for a question SID …); the value itself when none. */
  label: string;
  count: number;
}

export interface DistinctValues {
  profileId: string;
  column: DistinctColumn;
  values: DistinctValue[];
}

export interface StoredSegment {
  segmentId: string;
  agentId: string | null;
  agentName: string | null;
  team: string | null;
  queue: string | null;
  /** The segment's date as Segments reports it (ISO 8601), when its details were fetched. */
  date: string | null;
  assessments: number;
  comments: number;
  /** When a complete pass over this segment last finished (epoch ms); null if never. */
  lastSyncedAt: number | null;
}

export interface KnownAgent {
  agentId: string;
  name: string | null;
  team: string | null;
  segments: number;
}

export interface StoreOverview {
  profileId: string;
  accountSid: string;
  assessments: number;
  comments: number;
  segments: number;
  agents: number;
  /** The last sync run that ended, if any. */
  lastSync: { endedAt: number; status: 'done' | 'failed' | 'cancelled'; label: string } | null;
}

// Scores, agents, calibration --------------------------------------------------------------------

export interface AssessmentScoreRow {
  /** Stable id of the assessment: its segment, questionnaire and assessor. */
  assessmentKey: string;
  segmentId: string | null;
  agentId: string | null;
  agentName: string | null;
  team: string | null;
  queue: string | null;
  questionnaireSid: string | null;
  questionnaire: string | null;
  assessor: string | null;
  assessorEmail: string | null;
  /** The earliest record's timestamp (epoch ms). */
  timestamp: number | null;
  /** Records answered with a scored answer; N/A ones are counted apart. */
  answered: number;
  notApplicable: number;
  /** Records whose answer no stored answer set scores (an unknown answer, or one without a score): left out of the score. */
  unscored: number;
  /** Σ(score × weight) / Σ(max score × weight) × 100 over answered non-N/A questions; null when none. */
  score: number | null;
  /** What Segments reports for this assessment, when known. */
  twilioPercentage: number | null;
  /** Both figures are known and differ by more than half a point. */
  mismatch: boolean;
}

export interface ScoreGroup {
  key: string;
  label: string;
  /** Assessments in the group (means are of assessment scores, not of records). */
  assessments: number;
  meanScore: number | null;
  /** For question and category groups: mean points lost per answered question (max − score), weighted. */
  meanLost?: number | null;
}

export interface ScoreGroups {
  profileId: string;
  by: ScoreGroupBy;
  groups: ScoreGroup[];
}

export interface AssessmentRecordDetail {
  sid: string;
  questionSid: string | null;
  question: string | null;
  category: string | null;
  answer: string | null;
  answerScore: number | null;
  maxScore: number | null;
  weight: number | null;
  notApplicable: boolean;
}

export interface RowDetail {
  profileId: string;
  kind: RowKind;
  row: AssessmentRow | CommentRow;
  /** The record exactly as Twilio sent it, unknown fields included. */
  raw: Record<string, unknown>;
  /** The whole assessment the row belongs to (assessment rows only). */
  assessment: (AssessmentScoreRow & { records: AssessmentRecordDetail[] }) | null;
  segment: StoredSegment | null;
  /** The other assessments and comments of the same segment. */
  siblings: { assessments: AssessmentScoreRow[]; comments: CommentRow[] };
}

export interface AgentScorecard {
  agentId: string;
  name: string | null;
  team: string | null;
  assessments: number;
  comments: number;
  meanScore: number | null;
  /** Mean score of the last 30 days of the agent's data minus the 30 days before; null without both. */
  trend: number | null;
  lastAssessedAt: number | null;
}

export interface AgentDetail {
  profileId: string;
  agent: AgentScorecard;
  overTime: { period: string; assessments: number; meanScore: number | null }[];
  weakestQuestions: ScoreGroup[];
  weakestCategories: ScoreGroup[];
  commentsByTag: { tagId: string | null; tag: string | null; count: number }[];
  segments: StoredSegment[];
}

export interface CalibrationReport {
  profileId: string;
  /** Segments (with a questionnaire) assessed by more than one assessor under the filters, all of them. */
  segmentCount: number;
  /** The widest spreads of those first, at most 1,000 of them (the questions and assessors count all). */
  segments: {
    segmentId: string;
    questionnaireSid: string | null;
    questionnaire: string | null;
    agentName: string | null;
    scores: { assessor: string; score: number | null }[];
    /** Highest minus lowest score. */
    spread: number | null;
  }[];
  /** Per question: how often two assessors of the same segment gave the same answer. */
  questions: { questionSid: string; question: string | null; pairs: number; agreement: number | null }[];
  /** Per assessor: mean difference from the other assessors on the same segments, and what it rests on. */
  assessors: { assessor: string; sharedSegments: number; leniency: number | null }[];
}

export interface AnswerDistribution {
  profileId: string;
  questions: {
    questionSid: string;
    question: string | null;
    answers: { answer: string; count: number; score: number | null }[];
  }[];
}

export interface SavedView {
  name: string;
  filters: QueryFilters;
  savedAt: number;
}

export interface SavedViews {
  profileId: string;
  views: SavedView[];
}

// ---------------------------------------------------------------------------------------------
// Channels
// ---------------------------------------------------------------------------------------------

interface ChannelDef<S extends z.ZodType, R> {
  request: S;
  /** Phantom: carries the response type only. */
  response?: R;
}

const channel =
  <R>() =>
  <S extends z.ZodType>(request: S): ChannelDef<S, R> => ({ request });

const none = z.undefined();

export const contract = {
  app: {
    info: channel<AppInfo>()(none),
    openDataFolder: channel<null>()(none),
    openLogsFolder: channel<null>()(none),
    /** Builds the diagnostics text in main, copies it to the clipboard (when there is one) and answers it for display. */
    copyDiagnostics: channel<{ text: string; copied: boolean }>()(none),
  },
  settings: {
    get: channel<Settings>()(none),
    update: channel<Settings>()(SettingsPatchSchema),
  },
  data: {
    usage: channel<DataUsage>()(none),
    /** Cancels the account's jobs, closes its store and deletes its cached data (the account and its secret stay). */
    clear: channel<DataUsage>()(z.object({ profileId: ProfileIdSchema }).strict()),
  },
  accounts: {
    list: channel<AccountsState>()(none),
    add: channel<ProfileView>()(
      z
        .object({
          profile: ProfileInputSchema,
          secret: SecretSchema,
          sessionOnly: z.boolean().default(false),
        })
        .strict(),
    ),
    update: channel<ProfileView>()(
      z
        .object({ id: ProfileIdSchema, profile: ProfileInputSchema, secret: SecretSchema.optional() })
        .strict(),
    ),
    remove: channel<null>()(z.object({ id: ProfileIdSchema, deleteData: z.boolean() }).strict()),
    use: channel<AccountsState>()(z.object({ id: ProfileIdSchema }).strict()),
    test: channel<ConnectionTestResult>()(z.object({ id: ProfileIdSchema }).strict()),
    testDraft: channel<ConnectionTestResult>()(
      z.object({ profile: ProfileInputSchema, secret: SecretSchema }).strict(),
    ),
  },
  jobs: {
    /** Every job of this process, running or ended: a reloaded window heals from this one call. */
    list: channel<JobSnapshot[]>()(none),
    cancel: channel<JobSnapshot>()(z.object({ jobId: z.string().uuid() }).strict()),
  },
  sync: {
    start: channel<JobSnapshot>()(
      z
        .object({
          profileId: ProfileIdSchema,
          target: SyncTargetSchema,
          options: SyncOptionsSchema.default({ concurrency: SYNC_CONCURRENCY_DEFAULT, pageSize: 1000 }),
        })
        .strict(),
    ),
  },
  store: {
    overview: channel<StoreOverview>()(z.object({ profileId: ProfileIdSchema }).strict()),
    segments: channel<RowWindow<StoredSegment>>()(SegmentListQuerySchema),
    agents: channel<{ profileId: string; agents: KnownAgent[] }>()(
      z
        .object({
          profileId: ProfileIdSchema,
          /** Case-insensitive prefix of a name or an id. */
          search: z.string().max(200).default(''),
          limit: z.number().int().min(1).max(200).default(20),
        })
        .strict(),
    ),
    assessments: channel<RowWindow<AssessmentRow>>()(AssessmentQuerySchema),
    comments: channel<RowWindow<CommentRow>>()(CommentQuerySchema),
    distinct: channel<DistinctValues>()(DistinctQuerySchema),
    /** One row per assessment with its computed score and Twilio's percentage. */
    scores: channel<RowWindow<AssessmentScoreRow>>()(ScoreQuerySchema),
    /** Everything about one row, for the detail drawer. */
    row: channel<RowDetail>()(
      z.object({ profileId: ProfileIdSchema, kind: RowKindSchema, sid: z.string().min(1).max(64) }).strict(),
    ),
  },
  scores: {
    /** Mean assessment scores per agent, team, questionnaire, question, category, assessor or period. */
    groups: channel<ScoreGroups>()(ScoreGroupsQuerySchema),
    /** How often each answer was given, per question (the answer distribution chart). */
    answers: channel<AnswerDistribution>()(
      z
        .object({
          profileId: ProfileIdSchema,
          filters: QueryFiltersSchema.default({}),
          limit: z.number().int().min(1).max(500).default(100),
        })
        .strict(),
    ),
  },
  agents: {
    scorecards: channel<RowWindow<AgentScorecard>>()(
      z
        .object({
          profileId: ProfileIdSchema,
          filters: QueryFiltersSchema.default({}),
          search: z.string().max(200).default(''),
          sort: sortKey(AGENT_COLUMNS).default({ column: 'assessments', dir: 'desc' }),
          offset: z.number().int().min(0).default(0),
          limit: z.number().int().min(1).max(MAX_WINDOW).default(100),
        })
        .strict(),
    ),
    detail: channel<AgentDetail>()(
      z
        .object({
          profileId: ProfileIdSchema,
          agentId: AgentIdSchema,
          filters: QueryFiltersSchema.default({}),
        })
        .strict(),
    ),
  },
  calibration: {
    report: channel<CalibrationReport>()(
      z.object({ profileId: ProfileIdSchema, filters: QueryFiltersSchema.default({}) }).strict(),
    ),
  },
  views: {
    list: channel<SavedViews>()(z.object({ profileId: ProfileIdSchema }).strict()),
    save: channel<SavedViews>()(
      z.object({ profileId: ProfileIdSchema, name: ViewNameSchema, filters: QueryFiltersSchema }).strict(),
    ),
    remove: channel<SavedViews>()(z.object({ profileId: ProfileIdSchema, name: ViewNameSchema }).strict()),
  },
  export: {
    /** Opens the save dialog in main, then starts the export job; null when the reviewer cancelled the dialog. */
    start: channel<JobSnapshot | null>()(ExportRequestSchema),
    /** Shows a finished export's file in the OS file manager (the path never comes from the renderer). */
    reveal: channel<null>()(z.object({ jobId: z.string().uuid() }).strict()),
    /** Copies rows to the clipboard as tab-separated text, with the formula guard. */
    copyRows: channel<{ profileId: string; rows: number }>()(
      z
        .object({
          profileId: ProfileIdSchema,
          kind: ExportKindSchema,
          keys: z.array(z.string().min(1).max(200)).min(1).max(10_000),
          columns: z.array(z.string().max(64)).min(1).max(64),
          header: z.boolean().default(true),
        })
        .strict(),
    ),
  },
  demo: {
    /** Adds the demo account (no credentials, no network) if missing, makes it active and syncs it. */
    open: channel<{ profileId: string; job: JobSnapshot | null }>()(none),
    /** Removes the demo account and its data. */
    remove: channel<null>()(none),
  },
} as const;

export type Contract = typeof contract;
export type Namespace = keyof Contract;
export type MethodOf<N extends Namespace> = keyof Contract[N] & string;
type Def<N extends Namespace, M extends MethodOf<N>> = Contract[N][M];

export type RequestOf<N extends Namespace, M extends MethodOf<N>> =
  Def<N, M> extends ChannelDef<infer S, unknown> ? z.input<S> : never;
/** The request as main sees it, after the schema applied its defaults and trimming. */
export type ParsedRequestOf<N extends Namespace, M extends MethodOf<N>> =
  Def<N, M> extends ChannelDef<infer S, unknown> ? z.output<S> : never;
export type ResponseOf<N extends Namespace, M extends MethodOf<N>> =
  Def<N, M> extends ChannelDef<z.ZodType, infer R> ? R : never;

export const channelName = (ns: string, method: string): string => `${CHANNEL_PREFIX}${ns}.${method}`;

/** Every channel, as [namespace, method, full name, schema]. */
export function listChannels(): Array<{ ns: string; method: string; name: string; request: z.ZodType }> {
  return Object.entries(contract).flatMap(([ns, methods]) =>
    Object.entries(methods as Record<string, ChannelDef<z.ZodType, unknown>>).map(([method, def]) => ({
      ns,
      method,
      name: channelName(ns, method),
      request: def.request,
    })),
  );
}

// ---------------------------------------------------------------------------------------------
// Events (main -> renderer)
// ---------------------------------------------------------------------------------------------

const event = <P>(): P | undefined => undefined;

/**
 * Every event main pushes, as one runtime table (like the channels), so the list of names cannot
 * drift from the payload types.
 */
export const EVENTS = {
  'accounts.changed': event<AccountsState>(),
  'accounts.switched': event<{ activeId: string | null }>(),
  'settings.changed': event<Settings>(),
  /** A running job's snapshot, at most 10 per second per job. */
  'jobs.progress': event<JobSnapshot>(),
  /** A job's final snapshot (done, failed or cancelled); always delivered. */
  'jobs.done': event<JobSnapshot>(),
  /** An account's cached data was deleted (data.clear); its views should forget what they showed. */
  'data.cleared': event<{ profileId: string }>(),
};
export type Events = { [E in keyof typeof EVENTS]: NonNullable<(typeof EVENTS)[E]> };
export type EventName = keyof Events;
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

export const eventChannel = (name: EventName): string => `${EVENT_PREFIX}${name}`;
