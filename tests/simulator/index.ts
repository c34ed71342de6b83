// Local simulator of the Twilio Flex Insights Quality Management read API (node:http).
//
//   const sim = await startSimulator({ seed: 1, assessments: 1000 });
//   const [account] = sim.accounts;            // accountSid + authToken, and one API key (SK…)
//   fetch(`${sim.url}/v1/Insights/QualityManagement/Assessments?SegmentId=${sim.data.segmentIds()[0]}`, …)
//   sim.fault({ kind: 'reset_mid_body', match: 'Assessments?', skip: 2 }); // reset the 3rd page
//   sim.log                                     // every request, newest last
//   await sim.close();
//
// Data: made by src-main/demo/dataset.ts (createDataset, also exported here), the generator the
// app's demo workspace uses; the endpoints, paging and error bodies are src-main/demo/api/, which the
// demo workspace also answers in-process (src-main/demo/dispatcher.ts). This folder adds only the
// HTTP server, auth, latency, concurrency limit, faults and the request log.
// Deterministic per (seed, account SID): same seed and Host header give byte-identical bodies.
// - `assessments: N` means the unfiltered Assessments list has exactly N records (one per answered
//   question). Segments own contiguous ranges of records; about 1 in 11 segments has none.
// - An assessment (ARCHITECTURE "Scores") is the records sharing segment, questionnaire and assessor
//   (user_name/user_email): one questionnaire per segment, every question answered in questionnaire
//   order, assessments of a segment one after another. About 1 in 10 assessed segments has two or
//   three assessments by different assessors, with realistic disagreement (mostly the same answer,
//   about a quarter one step off, a few at the opposite end) and a per-assessor leniency
//   (assessors()). Only the list's very last assessment may be cut short, so the total is exactly N.
// - Segments' assessment_type / assessment_percentage have one entry per assessment, in list order
//   ([null] / [null] when unassessed). A percentage is the app's formula,
//   Σ(answer score × weight) / Σ(max score of the answer set × weight) × 100 over non-N/A answers,
//   rounded to 2 decimals (null if every answer was N/A) — except on a deterministic share of scored
//   segments (`percentageMismatchShare`, default 0.05), where every entry is 3..20 points off:
//   percentageMismatchSegmentIds() names them.
// - Comments (default N/4) are spread evenly over the records, each with its own FM sid, carrying
//   the assessor of the record they follow. Dates are spread over 2024, in segment list order.
// - Records carry `url`s on the origin the request was made to (its Host header).
//
// SimDataset (sim.data, sim.dataFor(sid)) lets tests compute expectations instead of hard-coding:
// segmentIds(), segmentIdAt(i), segmentCount, agentIds(), agents(), agentIdOf(segmentId),
// segmentIdsOfAgent(agentId), reservationIdsOf(segmentId) (one WR… each), categorySids(),
// countAssessments({segmentId?}), countComments({segmentId?, agentId?}),
// countSegments({segmentId?, reservationIds?}), assessmentGroupCount (assessments as groups),
// assessors(), assessorsOf(segmentId), assessmentsOf(segmentId) (each with its records' range,
// formula score and reported percentage), multiAssessorSegmentIds(), percentageMismatchSegmentIds(),
// assessment(i) / comment(i) / segment(i) by unfiltered index, and the lists exactly as served:
// assessments(filter?, {offset?, limit?, origin?}), comments(…), segments(…), conversations(…),
// questionnaires({includeInactive?}), categories(), questions({categorySids?}), answerSets(),
// commentTags(), userRoles(). `origin` defaults to sim.url, so results deep-equal HTTP bodies.
//
// Errors use Twilio's body { code, message, more_info, status }: 401/20003 (missing or wrong
// credentials), 403/20403 (account has insightsAccess: false), 404/20404 (unknown path),
// 405/20004 (not GET), 400/20001 (PageSize outside 1..1000, non-integer Page/PageSize, bad
// CategorySid/ReservationId pattern, IncludeInactive not true/false, invalid, tampered or
// foreign PageToken), 429/20429 from `maxConcurrent` and faults, 5xx from faults.
//
// Concurrency (`maxConcurrent: n`, CLI --max-concurrent): an authenticated request that arrives
// while n of the same account's requests are in flight (arrived, response not yet finished or
// abandoned) is refused at once with 429/20429 'Too Many Requests' — after the configured latency,
// without Retry-After, without taking a fault, and without counting as in flight itself. With the
// option set, every authenticated response carries `Twilio-Concurrent-Requests` (the account's
// requests in flight, this one included if accepted). Each log entry's `inFlight` is the account's
// count when it arrived (not counting itself), so `log.filter((e) => e.status === 429)` counts
// refusals and `max(inFlight) + 1` over accepted entries is the peak concurrency.
//
// Paging: PageSize default 50. next_page_url = same filters + PageSize + Page=p+1 + PageToken
// (base64url JSON: next offset, a hash of account/path/filters, a checksum); null on the last page.
// Without a PageToken, Page p starts at offset p * PageSize.
//
// Faults (`fault(spec)`): `match` is a substring of the request's path + '?' + query string (the
// '?' is always there, so 'Assessments?' matches the assessments list, with or without a query,
// but not Assessments/Comments); the fault lets `skip` matching requests through first,
// then `times` (default 1; Infinity: until clearFaults/reset) of them; at most one fault per
// request, first queued first. `match: 'SegmentId=<id>'` hits every request about that one segment
// (Assessments, Comments, Segments, Conversations, every page: next URLs keep the filter);
// `Assessments?SegmentId=<id>` only its assessments when the client puts SegmentId first (next
// URLs always do). Kinds:
// - rate_limit: 429, code 20429, `Retry-After: <n>` only when retryAfterSeconds is a number;
// - server_error: 500 (default) / 502 / 504 with code 20500, 503 with code 20503;
// - reset_mid_body: status line, headers (full Content-Length) and half the body, then the socket is destroyed;
// - slow_headers: waits delayMs before writing anything, then answers normally;
// - malformed_json: a 200 whose body is the real JSON cut in half (Content-Length matches the cut body);
// - wrong_meta_key: meta.key names another list ('comments', or 'assessments' on the comments list);
// - empty_page_with_next: the list is [] and next_page_url is Page p+1 at the SAME offset, so a
//   client that follows it still gets every record once;
// - stuck_page: the same records again, next_page_url at the same offset (it never advances);
// - repeat_next_url: next_page_url is exactly the URL that was requested (origin + request target);
// - foreign_next_url: next_page_url (or, on the last page, a same-offset next URL) on `origin`,
//   default 'http://127.0.0.2:<port>'.
// Transport faults (the first four) apply to any matching request; malformed_json to a matching
// 200; the last five only to a matching 200 list response (not AnswerSets/CommentTags/UserRoles).

import type { SimDataset } from '../../src-main/demo/dataset.ts';

export type {
  AnswerSetsRecord,
  AssessmentFilter,
  AssessmentRecord,
  CategoryRecord,
  CommentFilter,
  CommentRecord,
  CommentTagsRecord,
  ConversationFilter,
  ConversationRecord,
  ListKind,
  QuestionFilter,
  QuestionRecord,
  QuestionnaireFilter,
  QuestionnaireRecord,
  Range,
  SegmentFilter,
  SegmentRecord,
  SimAgent,
  SimAssessment,
  SimAssessor,
  SimDataset,
  UserRolesRecord,
} from '../../src-main/demo/dataset.ts';
export type { TwilioErrorBody } from '../../src-main/demo/api/errors.ts';
export { createDataset, DEFAULT_PERCENTAGE_MISMATCH_SHARE } from '../../src-main/demo/dataset.ts';
export type { DatasetOptions } from '../../src-main/demo/dataset.ts';
export { defaultAccount } from '../../src-main/demo/account.ts';
export { startSimulator } from './server.ts';

export interface SimApiKey {
  sid: string;
  secret: string;
}
export interface SimAccount {
  accountSid: string;
  authToken: string;
  apiKeys: SimApiKey[];
  insightsAccess?: boolean;
}
export interface SimulatorOptions {
  host?: string; // default '127.0.0.1'
  port?: number; // default 0 (random free port)
  seed?: number; // default 1
  assessments?: number; // default 1000 (per account)
  comments?: number; // default Math.floor(assessments / 4)
  accounts?: SimAccount[]; // default: one deterministic account from the seed, with one API key
  latencyMs?: number; // default 0, added before every response
  maxConcurrent?: number; // default: no limit; beyond it, an account's requests get 429 (see above)
  percentageMismatchShare?: number; // 0..1, default 0.05: scored segments whose percentage disagrees
}
export type Fault =
  | { kind: 'rate_limit'; retryAfterSeconds?: number | null }
  | { kind: 'server_error'; status?: 500 | 502 | 503 | 504 }
  | { kind: 'reset_mid_body' }
  | { kind: 'slow_headers'; delayMs: number }
  | { kind: 'malformed_json' }
  | { kind: 'wrong_meta_key' }
  | { kind: 'empty_page_with_next' }
  | { kind: 'stuck_page' }
  | { kind: 'repeat_next_url' }
  | { kind: 'foreign_next_url'; origin?: string }; // default 'http://127.0.0.2:<port>'
export type FaultSpec = Fault & { times?: number; match?: string; skip?: number };
/** One request, logged when its response starts (status 0: the client left before that). */
export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string[]>;
  authSent: boolean;
  authOk: boolean;
  accountSid: string | null;
  /** The account's requests in flight when this one arrived, not counting itself (0 if unauthenticated). */
  inFlight: number;
  status: number;
  startedAt: number;
  ms: number;
}
export interface Simulator {
  url: string; // origin, e.g. 'http://127.0.0.1:43121' (no trailing slash)
  accounts: SimAccount[];
  data: SimDataset; // accessors for the FIRST account's data; dataFor(accountSid) for others
  dataFor(accountSid: string): SimDataset;
  log: RequestLogEntry[];
  setLatency(ms: number): void;
  fault(spec: FaultSpec): void;
  clearFaults(): void;
  reset(): void; // clears log, faults, latency back to the option
  close(): Promise<void>; // closes the server and all open sockets promptly
}
