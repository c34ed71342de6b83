// The seeded data set of one account: the demo workspace syncs from it in the app, and the test
// simulator serves it over HTTP. Pure computation (no Node or test imports), so it bundles into the
// Electron main process. Records are never stored: record i is derived on demand from
// (seed, account, i). Only small typed-array indexes are kept (a few bytes per segment), so a
// million assessment records cost a few MB. A segment's records are a contiguous index range, and
// comments are spread evenly over the records in order, so a segment's comments are a range too.
//
// Within a segment, records are grouped by assessment: one questionnaire (the segment's) answered
// by one assessor, every question in questionnaire order. About one assessed segment in ten has two
// or three assessments by different assessors, who mostly agree, sometimes differ by one answer and
// occasionally pick the opposite end of the scale; each assessor leans better or worse (leniency).

import {
  ANSWER_SET_CATEGORIES,
  ANSWER_SETS,
  ASSESSORS,
  CATEGORIES,
  COMMENT_FRAGMENTS,
  COMMENT_TAGS,
  CUSTOMER_NAMES,
  FIRST_NAMES,
  LAST_NAMES,
  NOT_APPLICABLE,
  QUESTIONNAIRES,
  QUESTIONS,
  QUEUES,
  TEAMS,
  USER_ROLES,
} from './catalog.ts';
import type { CatalogQuestion } from './catalog.ts';
import { floorIndex, hash, hashString, pick, sid, sidIndex, uuid, uuidIndex } from './hash.ts';

// ---- record shapes (snake_case, key order as in the spec's examples) ----

export interface CategoryRef {
  category_sid: string;
  name: string;
}
export interface AssessmentRecord {
  account_sid: string;
  assessment_sid: string;
  offset: string;
  report: boolean;
  weight: string;
  agent_id: string;
  segment_id: string;
  user_name: string;
  user_email: string | null;
  answer_id: string;
  answer_text: string;
  timestamp: string;
  assessment: {
    questionnaire: {
      questionnaire_sid: string;
      name: string;
      question: { question_sid: string; name: string; category: CategoryRef };
    };
  };
  url: string;
}
export interface CommentRecord {
  account_sid: string;
  assessment_sid: string;
  offset: string;
  report: boolean;
  weight: string;
  agent_id: string;
  segment_id: string;
  user_name: string;
  user_email: string | null;
  timestamp: string;
  comment: { comment: string; category: { category_id: string; name: string } | null };
  url: string;
}
export interface SegmentRecord {
  segment_id: string;
  external_id: string;
  queue: string;
  external_contact: string;
  external_segment_link_id: string | null;
  date: string;
  account_id: string;
  external_segment_link: string | null;
  agent_id: string;
  agent_phone: string;
  agent_name: string;
  agent_team_name: string;
  agent_team_name_in_hierarchy: string;
  agent_link: string | null;
  customer_phone: string;
  customer_name: string | null;
  customer_link: string | null;
  segment_recording_offset: string | null;
  media: null;
  assessment_type: (string | null)[];
  assessment_percentage: (number | null)[];
  url: string;
}
export interface ConversationRecord {
  account_id: string;
  conversation_id: string;
  segment_count: number;
  segments: {
    segment_id: string;
    order: number;
    offset: number;
    talk_time: number;
    timestamp: string;
    agent_name: string;
  }[];
}
export interface QuestionnaireQuestion {
  question: string;
  description: string;
  category: { category_sid: string; category_name: string };
  question_sid: string;
  answer_set_id: string;
  allow_na: boolean;
  usage: number;
}
export interface QuestionnaireRecord {
  account_sid: string;
  questionnaire_sid: string;
  name: string;
  description: string;
  active: boolean;
  questions: QuestionnaireQuestion[];
  url: string;
}
export interface CategoryRecord {
  category_sid: string;
  name: string;
  account_sid: string;
  url: string;
}
export interface AnswerRecord {
  sort: number;
  score: number;
  description: string;
  name: string;
  id: string;
}
export interface AnswerSetRecord {
  category_id: string;
  id: string;
  name: string;
  sort: number;
  type: 'select';
  answers: AnswerRecord[];
}
export interface QuestionRecord {
  account_sid: string;
  question: string;
  question_sid: string;
  description: string;
  category: { category_name: string; category_sid: string };
  answer_set_id: string;
  allow_na: boolean;
  usage: number;
  answer_set: AnswerSetRecord;
  url: string;
}
export interface AnswerSetsRecord {
  account_sid: string;
  url: string;
  answer_sets: AnswerSetRecord[];
  answer_set_categories: { id: string; name: string; sort: number }[];
  not_applicable: AnswerRecord;
}
export interface CommentTagsRecord {
  account_sid: string;
  comments: { default: boolean; id: string; name: string; sort: number }[];
  url: string;
}
export interface UserRolesRecord {
  roles: string[];
  url: string;
}
export interface SimAgent {
  id: string;
  name: string;
  team: string;
  teamInHierarchy: string;
  phone: string;
}
/** An assessor, as the records name them (`user_name`, `user_email`). */
export interface SimAssessor {
  name: string;
  email: string | null;
  /** -1..1: how much their answers lean better (> 0, lenient) or worse (< 0) than the segment's truth. */
  leniency: number;
}
/** One assessment: the records sharing segment, questionnaire and assessor, in list order. */
export interface SimAssessment {
  segmentId: string;
  questionnaireSid: string;
  questionnaireName: string;
  userName: string;
  userEmail: string | null;
  /** Position of its first record in the unfiltered Assessments list; its records follow contiguously. */
  firstIndex: number;
  recordCount: number;
  /** Questions in the questionnaire: recordCount is smaller only for the list's cut-short last assessment. */
  questionCount: number;
  /** Σ(score × weight) / Σ(max score of the answer set × weight) × 100 over non-N/A answers; null if none. */
  score: number | null;
  /** What Segments reports for it: score rounded to 2 decimals, or off by 3..20 points on a mismatched segment. */
  reportedPercentage: number | null;
}

// ---- filters and selections ----

export interface AssessmentFilter {
  segmentId?: string;
}
export interface CommentFilter {
  segmentId?: string;
  agentId?: string;
}
export interface SegmentFilter {
  segmentId?: string;
  reservationIds?: string[];
}
export interface ConversationFilter {
  segmentId?: string;
}
export interface QuestionnaireFilter {
  includeInactive?: boolean;
}
export interface QuestionFilter {
  categorySids?: string[];
}
export interface ListFilters {
  assessments: AssessmentFilter;
  comments: CommentFilter;
  segments: SegmentFilter;
  conversations: ConversationFilter;
  questionnaires: QuestionnaireFilter;
  categories: Record<string, never>;
  questions: QuestionFilter;
}
export interface ListRecords {
  assessments: AssessmentRecord;
  comments: CommentRecord;
  segments: SegmentRecord;
  conversations: ConversationRecord;
  questionnaires: QuestionnaireRecord;
  categories: CategoryRecord;
  questions: QuestionRecord;
}
export type ListKind = keyof ListRecords;

/** The records a filter matches: `total` of them, the k-th built by `at(k, origin)`. */
export interface Selection<T> {
  total: number;
  at(k: number, origin: string): T;
}

export interface Range {
  offset?: number; // default 0
  limit?: number; // default: all
  origin?: string; // origin used in `url` fields; default: the simulator's own URL
}

/**
 * Read access to one account's seeded data: the demo workspace syncs from it, tests compute expectations.
 * Indexes are positions in the unfiltered list, in the order the API serves them.
 */
export interface SimDataset {
  readonly accountSid: string;
  readonly seed: number;
  /** Assessment records (one per answered question): the unfiltered Assessments list's length. */
  readonly assessmentCount: number;
  /** Assessments in the ARCHITECTURE sense (segment × questionnaire × assessor groups of records). */
  readonly assessmentGroupCount: number;
  readonly commentCount: number;
  readonly segmentCount: number;
  readonly conversationCount: number;
  /** Every segment id, in list order (assessed ones and a few that have no assessments). */
  segmentIds(): string[];
  segmentIdAt(index: number): string;
  agentIds(): string[];
  agents(): SimAgent[];
  /** The agent a segment belongs to, or null for an unknown segment. */
  agentIdOf(segmentId: string): string | null;
  /** The agent's segments in list order ([] for an unknown agent). */
  segmentIdsOfAgent(agentId: string): string[];
  /** Every assessor the data uses, with their leniency. */
  assessors(): SimAssessor[];
  /** The assessors of a segment's assessments, in list order ([] when unassessed or unknown). */
  assessorsOf(segmentId: string): SimAssessor[];
  /** A segment's assessments, in list order ([] when unassessed or unknown). */
  assessmentsOf(segmentId: string): SimAssessment[];
  /** Segments with two or more assessments (same questionnaire, different assessors), in list order. */
  multiAssessorSegmentIds(): string[];
  /** Segments whose reported assessment_percentage disagrees with the formula, in list order. */
  percentageMismatchSegmentIds(): string[];
  /** Each segment has exactly one reservation (WR…); [] for an unknown segment. */
  reservationIdsOf(segmentId: string): string[];
  categorySids(): string[];
  countAssessments(filter?: AssessmentFilter): number;
  countComments(filter?: CommentFilter): number;
  countSegments(filter?: SegmentFilter): number;
  assessment(index: number, origin?: string): AssessmentRecord;
  comment(index: number, origin?: string): CommentRecord;
  segment(index: number, origin?: string): SegmentRecord;
  assessments(filter?: AssessmentFilter, range?: Range): AssessmentRecord[];
  comments(filter?: CommentFilter, range?: Range): CommentRecord[];
  segments(filter?: SegmentFilter, range?: Range): SegmentRecord[];
  conversations(filter?: ConversationFilter, range?: Range): ConversationRecord[];
  questionnaires(filter?: QuestionnaireFilter, origin?: string): QuestionnaireRecord[];
  categories(origin?: string): CategoryRecord[];
  questions(filter?: QuestionFilter, origin?: string): QuestionRecord[];
  answerSets(origin?: string): AnswerSetsRecord;
  commentTags(origin?: string): CommentTagsRecord;
  userRoles(origin?: string): UserRolesRecord;
  /** What the list endpoints serve: the records a filter matches, built on demand. */
  select<K extends ListKind>(kind: K, filter: ListFilters[K]): Selection<ListRecords[K]>;
}

export interface DatasetOptions {
  seed: number;
  accountSid: string;
  assessments: number;
  comments?: number;
  origin: string;
  /** Share (0..1) of scored segments whose assessment_percentage disagrees with the formula; default 0.05. */
  percentageMismatchShare?: number;
}

export const DEFAULT_PERCENTAGE_MISMATCH_SHARE = 0.05;

const DAY = 86_400_000;
const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1); // segments are spread over 2024
const ACTIVE_QUESTIONNAIRES = QUESTIONNAIRES.flatMap((q, i) => (q.active ? [i] : []));
const INACTIVE_QUESTIONNAIRES = QUESTIONNAIRES.flatMap((q, i) => (q.active ? [] : [i]));
const Q_PREFIX = '/v1/Insights/QualityManagement';

const floorDiv = (x: number, y: number): number => (x - (x % y)) / y;
const ceilDiv = (x: number, y: number): number => floorDiv(x + y - 1, y);
const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const round2 = (x: number): number => Math.round(x * 100) / 100;
const QUESTION_WEIGHTS = QUESTIONS.map((q) => Number(q.weight));
const MAX_SCORES = ANSWER_SETS.map((set) => Math.max(...set.answers.map((a) => a.score)));

function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new RangeError(`index ${index} out of range`);
  return item;
}

function slice<T>(selection: Selection<T>, range: Range | undefined, origin: string): T[] {
  const offset = Math.max(0, range?.offset ?? 0);
  const end = Math.min(selection.total, offset + (range?.limit ?? selection.total));
  const out: T[] = [];
  for (let k = offset; k < end; k++) out.push(selection.at(k, range?.origin ?? origin));
  return out;
}

const EMPTY: Selection<never> = {
  total: 0,
  at: () => {
    throw new RangeError('empty selection');
  },
};

export function createDataset(options: DatasetOptions): SimDataset {
  const { seed, accountSid } = options;
  const defaultOrigin = options.origin;
  const N = options.assessments;
  const C = N === 0 ? 0 : (options.comments ?? Math.floor(N / 4));
  const share = options.percentageMismatchShare ?? DEFAULT_PERCENTAGE_MISMATCH_SHARE;
  if (!(share >= 0 && share <= 1)) {
    throw new RangeError(`percentageMismatchShare must be a number from 0 to 1, got ${String(share)}`);
  }
  const mismatchBelow = Math.round(share * 2 ** 32); // a segment hash below this disagrees
  const key = hash(seed >>> 0, hashString(accountSid));
  const k = (n: number): number => hash(key, n);
  const kAgent = k(1);
  const kSeg = k(2);
  const kAss = k(3);
  const kCom = k(4);
  const kRes = k(5);
  const kConv = k(6);
  const kCat = k(7);
  const kQuestion = k(8);
  const kQnr = k(9);
  const kAns = k(10);
  const kTag = k(11);
  const kExt = k(12);
  const accountId = uuid(k(13), 0);
  const kAnswer = k(14);

  // Agents: a few per thousand assessments, a handful at least.
  const agentCount = Math.min(400, Math.max(6, Math.round(Math.sqrt(N) / 2)));
  const agentList: SimAgent[] = [];
  const agentIndex = new Map<string, number>();
  for (let a = 0; a < agentCount; a++) {
    const team = pick(TEAMS, hash(kAgent, a, 3));
    const agent = {
      id: uuid(kAgent, a),
      name: `${pick(FIRST_NAMES, hash(kAgent, a, 1))} ${pick(LAST_NAMES, hash(kAgent, a, 2))}`,
      team: team.name,
      teamInHierarchy: team.hierarchy,
      phone: `+1305555${String(hash(kAgent, a, 4) % 10_000).padStart(4, '0')}`,
    };
    agentList.push(agent);
    agentIndex.set(agent.id, a);
  }

  const agentOf = (s: number): number => hash(kSeg, s, 3) % agentCount;
  const drawQuestionnaire = (s: number): number => {
    const h = hash(kSeg, s, 2);
    return h % 100 < 90 ? pick(ACTIVE_QUESTIONNAIRES, h >>> 8) : pick(INACTIVE_QUESTIONNAIRES, h >>> 8);
  };
  /** Assessments planned for segment s: 0 for about 1 in 11, else 1, or 2–3 for about 1 in 10. */
  const drawAssessments = (s: number): number => {
    if (hash(kSeg, s, 1) % 11 === 0) return 0;
    const h = hash(kSeg, s, 11);
    return h % 10 !== 0 ? 1 : (h >>> 8) % 10 < 7 ? 2 : 3;
  };

  // Segment s owns records [segStart[s], segStart[s+1]): its assessments one after another. The
  // last segment is cut short so the total is exactly N. segQn keeps each segment's questionnaire.
  const starts: number[] = [0];
  const questionnaires: number[] = [];
  const convStartList: number[] = [];
  let groups = 0;
  for (let total = 0, s = 0; total < N; s++) {
    if (s === 0 || hash(kSeg, s, 7) % 5 < 3) convStartList.push(s);
    const qn = drawQuestionnaire(s);
    const length = at(QUESTIONNAIRES, qn).questions.length;
    const size = Math.min(drawAssessments(s) * length, N - total);
    groups += ceilDiv(size, length);
    total += size;
    starts.push(total);
    questionnaires.push(qn);
  }
  const segStart = Uint32Array.from(starts);
  const segQn = Uint8Array.from(questionnaires);
  const convStart = Uint32Array.from(convStartList);
  const S = segStart.length - 1;
  const CV = convStart.length;
  const start = (s: number): number => segStart[s] as number;
  const questionnaireOf = (s: number): number => segQn[s] as number;
  const questionsOf = (s: number): readonly number[] => at(QUESTIONNAIRES, questionnaireOf(s)).questions;
  /** Assessments actually in segment s (the cut-short last one counts if it has any record). */
  const assessmentCountOf = (s: number): number => ceilDiv(start(s + 1) - start(s), questionsOf(s).length);

  const commentsBefore = (a: number): number => (N === 0 ? 0 : ceilDiv(a * C, N));
  const assessmentOfComment = (c: number): number => floorDiv(c * N, C);
  const segmentOfAssessment = (i: number): number => floorIndex(segStart, i, S);

  // Agent -> its segments (grouped, ascending) and a running comment count over that order.
  const agentSegStart = new Uint32Array(agentCount + 1);
  const agentSegs = new Uint32Array(S);
  const agentComCum = new Float64Array(S + 1);
  {
    const counts = new Uint32Array(agentCount);
    for (let s = 0; s < S; s++) counts[agentOf(s)] = (counts[agentOf(s)] as number) + 1;
    for (let a = 0; a < agentCount; a++)
      agentSegStart[a + 1] = (agentSegStart[a] as number) + (counts[a] as number);
    const fill = agentSegStart.slice(0, agentCount);
    for (let s = 0; s < S; s++) agentSegs[(fill[agentOf(s)] as number)++] = s;
    for (let p = 0; p < S; p++) {
      const s = agentSegs[p] as number;
      agentComCum[p + 1] =
        (agentComCum[p] as number) + commentsBefore(start(s + 1)) - commentsBefore(start(s));
    }
  }

  const segmentIndexOf = (id: string | undefined): number => (id === undefined ? -1 : uuidIndex(kSeg, id, S));
  const segDate = (s: number): number =>
    Math.floor((START + (s * 366 * DAY) / Math.max(S, 1) + (hash(kSeg, s, 5) % HOUR)) / 1000) * 1000;
  /** The assessor of segment s's r-th assessment: r = 0, 1, 2 are distinct people. */
  const assessorIndex = (s: number, r: number): number => {
    const A = ASSESSORS.length;
    const a0 = hash(kSeg, s, 4) % A;
    if (r === 0) return a0;
    const h = hash(kSeg, s, 13);
    const first = 1 + (h % (A - 1));
    if (r === 1) return (a0 + first) % A;
    const second = 1 + ((h >>> 8) % (A - 2));
    return (a0 + (second >= first ? second + 1 : second)) % A;
  };
  const assessor = (s: number, r: number) => at(ASSESSORS, assessorIndex(s, r));

  // ---- reference data ----
  // Small constant id tables, so deriving a record hashes only what is specific to it.
  const categorySidList = CATEGORIES.map((_, c) => sid('FY', kCat, c));
  const questionSidList = QUESTIONS.map((_, q) => sid('GE', kQuestion, q));
  const questionnaireSidList = QUESTIONNAIRES.map((_, qn) => sid('GM', kQnr, qn));
  const answerIdList = ANSWER_SETS.map((set, a) => set.answers.map((_, i) => uuid(kAns, a * 16 + i)));
  const categorySid = (c: number): string => at(categorySidList, c);
  const questionSid = (q: number): string => at(questionSidList, q);
  const answerSetId = (a: number): string => uuid(kAns, 1000 + a);
  const answerId = (a: number, i: number): string => at(at(answerIdList, a), i);
  // Pages are runs of consecutive records, mostly of one segment: remember the last segment id.
  let lastSegment = -1;
  let lastSegmentId = '';
  const segmentId = (s: number): string => {
    if (s !== lastSegment) {
      lastSegmentId = uuid(kSeg, s);
      lastSegment = s;
    }
    return lastSegmentId;
  };
  const notApplicableId = uuid(kAns, 2000);
  const usage = QUESTIONS.map((_, q) => QUESTIONNAIRES.filter((qn) => qn.questions.includes(q)).length);

  const answerSetRecord = (a: number): AnswerSetRecord => {
    const set = at(ANSWER_SETS, a);
    return {
      category_id: uuid(kAns, 3000 + set.category),
      id: answerSetId(a),
      name: set.name,
      sort: a,
      type: 'select',
      answers: set.answers.map((ans, i) => ({
        sort: i,
        score: ans.score,
        description: ans.description,
        name: ans.name,
        id: answerId(a, i),
      })),
    };
  };
  const notApplicable: AnswerRecord = {
    sort: 0,
    score: NOT_APPLICABLE.score,
    description: NOT_APPLICABLE.description,
    name: NOT_APPLICABLE.name,
    id: notApplicableId,
  };

  // ---- assessments ----
  /** Record i: its segment s, assessment r within the segment, question position p in the questionnaire. */
  const locate = (i: number) => {
    const s = segmentOfAssessment(i);
    const qn = questionnaireOf(s);
    const questions = at(QUESTIONNAIRES, qn).questions;
    const j = i - start(s);
    const p = j % questions.length;
    const r = (j - p) / questions.length;
    const q = at(questions, p);
    return { s, r, p, qn, q, question: at(QUESTIONS, q) };
  };
  const biasedAnswer = (set: number, h: number): number => {
    const { bias, answers } = at(ANSWER_SETS, set);
    let x = h % 100;
    for (let a = 0; a < bias.length; a++) {
      x -= at(bias, a);
      if (x < 0) return a;
    }
    return answers.length - 1;
  };
  /**
   * The answer (index into the answer set, best first; -1 for N/A) of assessment r of segment s to
   * question position p. Every assessor starts from the segment's true answer; most keep it, about
   * a quarter move one step (better with probability (1 + leniency) / 2), a few jump to an end.
   */
  const answerAt = (s: number, r: number, p: number, question: CatalogQuestion): number => {
    const truth = hash(kAnswer, s, p);
    const base = question.allowNa && truth % 100 < 7 ? -1 : biasedAnswer(question.answerSet, truth >>> 8);
    const h = hash(kAnswer, s, p, r + 1);
    const roll = h % 100;
    if (base < 0) return roll < 85 ? -1 : biasedAnswer(question.answerSet, h >>> 8);
    if (roll < 72) return base;
    const better = ((h >>> 8) % 1000) / 500 - 1 < assessor(s, r).leniency;
    const last = at(ANSWER_SETS, question.answerSet).answers.length - 1;
    if (roll < 95) return Math.min(last, Math.max(0, base + (better ? -1 : 1)));
    return better ? 0 : last;
  };
  const assessmentTime = (s: number, r: number, p: number): number =>
    segDate(s) + HOUR + (hash(kSeg, s, 8, r) % (48 * HOUR)) + p * 7000;
  const assessmentOffset = (i: number, p: number): string =>
    ((p * 400 + (hash(kAss, i, 2) % 400)) / 10).toFixed(1);

  const assessment = (i: number, origin = defaultOrigin): AssessmentRecord => {
    if (!Number.isInteger(i) || i < 0 || i >= N)
      throw new RangeError(`assessment ${i} out of range 0..${N - 1}`);
    const { s, r, p, qn, q, question } = locate(i);
    const answer = answerAt(s, r, p, question);
    const shared = envelope(kAss, i, i, s, r, p, question);
    const assessmentSid = shared.assessment_sid;
    return {
      ...shared,
      answer_id: answer < 0 ? notApplicableId : answerId(question.answerSet, answer),
      answer_text:
        answer < 0 ? NOT_APPLICABLE.name : at(at(ANSWER_SETS, question.answerSet).answers, answer).name,
      timestamp: String(assessmentTime(s, r, p)),
      assessment: {
        questionnaire: {
          questionnaire_sid: at(questionnaireSidList, qn),
          name: at(QUESTIONNAIRES, qn).name,
          question: {
            question_sid: questionSid(q),
            name: question.question,
            category: {
              category_sid: categorySid(question.category),
              name: at(CATEGORIES, question.category),
            },
          },
        },
      },
      url: `${origin}${Q_PREFIX}/Assessments/${assessmentSid}`,
    };
  };

  /** What assessment and comment records share: who assessed which agent's segment, and where in it. */
  const envelope = (
    key: number,
    n: number,
    i: number,
    s: number,
    r: number,
    p: number,
    question: { weight: string },
  ) => {
    const who = assessor(s, r);
    return {
      account_sid: accountSid,
      assessment_sid: sid('FM', key, n),
      offset: assessmentOffset(i, p),
      report: hash(key, n, 3) % 10 !== 0,
      weight: question.weight,
      agent_id: at(agentList, agentOf(s)).id,
      segment_id: segmentId(s),
      user_name: who.name,
      user_email: who.email,
    };
  };

  // ---- comments ----
  const commentText = (c: number): string => {
    const h = hash(kCom, c, 1);
    const parts: string[] = [];
    for (let x = 0; x <= h % 3; x++) parts.push(pick(COMMENT_FRAGMENTS, hash(kCom, c, 10 + x)));
    return parts.join((h >>> 4) % 4 === 0 ? '\n' : ' ');
  };
  const comment = (c: number, origin = defaultOrigin): CommentRecord => {
    if (!Number.isInteger(c) || c < 0 || c >= C)
      throw new RangeError(`comment ${c} out of range 0..${C - 1}`);
    const i = assessmentOfComment(c);
    const { s, r, p, question } = locate(i);
    const shared = envelope(kCom, c, i, s, r, p, question);
    const commentSid = shared.assessment_sid;
    const tag = hash(kCom, c, 2);
    return {
      ...shared,
      timestamp: String(assessmentTime(s, r, p) + 1000 + (hash(kCom, c, 4) % 60_000)),
      comment: {
        comment: commentText(c),
        category:
          tag % 20 === 0
            ? null
            : {
                category_id: uuid(kTag, (tag >>> 8) % COMMENT_TAGS.length),
                name: pick(COMMENT_TAGS, tag >>> 8),
              },
      },
      url: `${origin}${Q_PREFIX}/Assessments/Comments/${commentSid}`,
    };
  };

  // ---- scores, segments and conversations ----
  /** The formula's score of each assessment of segment s (see SimAssessment.score), in list order. */
  const scoresOf = (s: number): (number | null)[] => {
    const questions = questionsOf(s);
    const size = start(s + 1) - start(s);
    const scores: (number | null)[] = [];
    for (let r = 0; r * questions.length < size; r++) {
      let got = 0;
      let max = 0;
      for (let p = 0; p < questions.length && r * questions.length + p < size; p++) {
        const q = at(questions, p);
        const question = at(QUESTIONS, q);
        const answer = answerAt(s, r, p, question);
        if (answer < 0) continue;
        const w = at(QUESTION_WEIGHTS, q);
        got += w * at(at(ANSWER_SETS, question.answerSet).answers, answer).score;
        max += w * at(MAX_SCORES, question.answerSet);
      }
      scores.push(max === 0 ? null : (got / max) * 100);
    }
    return scores;
  };
  /** Twilio does not document its formula: a share of segments reports other figures (3..20 points off). */
  const disagrees = (s: number): boolean => hash(kSeg, s, 12) < mismatchBelow;
  const reportedOf = (s: number, scores: (number | null)[]): (number | null)[] => {
    if (!disagrees(s)) return scores.map((x) => (x === null ? null : round2(x)));
    const h = hash(kSeg, s, 14);
    const delta = 3 + (h % 18);
    return scores.map((x) => {
      if (x === null) return null;
      const up = x + delta <= 100 && (x - delta < 0 || ((h >>> 8) & 1) === 1);
      return round2(up ? x + delta : x - delta);
    });
  };
  const assessmentsOfSegment = (s: number): SimAssessment[] => {
    const qn = questionnaireOf(s);
    const length = questionsOf(s).length;
    const scores = scoresOf(s);
    const reported = reportedOf(s, scores);
    return scores.map((score, r) => {
      const who = assessor(s, r);
      const firstIndex = start(s) + r * length;
      return {
        segmentId: uuid(kSeg, s),
        questionnaireSid: at(questionnaireSidList, qn),
        questionnaireName: at(QUESTIONNAIRES, qn).name,
        userName: who.name,
        userEmail: who.email,
        firstIndex,
        recordCount: Math.min(length, start(s + 1) - firstIndex),
        questionCount: length,
        score,
        reportedPercentage: reported[r] ?? null,
      };
    });
  };
  const segment = (s: number, origin = defaultOrigin): SegmentRecord => {
    if (!Number.isInteger(s) || s < 0 || s >= S)
      throw new RangeError(`segment ${s} out of range 0..${S - 1}`);
    const agent = at(agentList, agentOf(s));
    const id = uuid(kSeg, s);
    const h = hash(kSeg, s, 9);
    const customerPhone = `+${pick(['1', '44', '49', '81', '420'], h)}${String(hash(kSeg, s, 10) % 1e9).padStart(9, '0')}`;
    const assessed = start(s + 1) > start(s);
    const scores = assessed ? scoresOf(s) : [];
    const linkId = h % 3 === 0 ? uuid(kExt, s) : null;
    return {
      segment_id: id,
      external_id: sid('EV', kExt, s),
      queue: pick(QUEUES, hash(kSeg, s, 6)),
      external_contact: `+1305515${String(h % 10_000).padStart(4, '0')}`,
      external_segment_link_id: linkId,
      date: isoSeconds(segDate(s)),
      account_id: accountId,
      external_segment_link: linkId === null ? null : `https://media.example.com/recordings/${linkId}`,
      agent_id: agent.id,
      agent_phone: agent.phone,
      agent_name: agent.name,
      agent_team_name: agent.team,
      agent_team_name_in_hierarchy: agent.teamInHierarchy,
      agent_link: null,
      customer_phone: customerPhone,
      customer_name: pick(CUSTOMER_NAMES, h >>> 8) ?? customerPhone,
      customer_link: null,
      segment_recording_offset: (h >>> 16) % 4 === 0 ? ((h % 600) / 10).toFixed(1) : null,
      media: null,
      // One entry per assessment, in list order; [null] when the segment has none (as the spec's example).
      assessment_type: assessed ? scores.map(() => at(QUESTIONNAIRES, questionnaireOf(s)).name) : [null],
      assessment_percentage: assessed ? reportedOf(s, scores) : [null],
      url: `${origin}/v1/Insights/Segments/${id}`,
    };
  };
  const conversation = (cv: number): ConversationRecord => {
    const first = convStart[cv] as number;
    const end = cv + 1 < CV ? (convStart[cv + 1] as number) : S;
    const segments: ConversationRecord['segments'] = [];
    for (let s = first; s < end; s++) {
      const h = hash(kConv, s, 1);
      segments.push({
        segment_id: segmentId(s),
        order: s - first,
        offset: (h % 5000) / 1000,
        talk_time: 5 + ((h >>> 12) % 900),
        timestamp: new Date(segDate(s)).toISOString(),
        agent_name: at(agentList, agentOf(s)).name,
      });
    }
    return {
      account_id: accountId,
      conversation_id: uuid(kConv, cv),
      segment_count: segments.length,
      segments,
    };
  };

  const questionnaire = (qn: number, origin: string): QuestionnaireRecord => {
    const def = at(QUESTIONNAIRES, qn);
    const questionnaireSid = at(questionnaireSidList, qn);
    return {
      account_sid: accountSid,
      questionnaire_sid: questionnaireSid,
      name: def.name,
      description: def.description,
      active: def.active,
      questions: def.questions.map((q) => {
        const question = at(QUESTIONS, q);
        return {
          question: question.question,
          description: question.description,
          category: {
            category_sid: categorySid(question.category),
            category_name: at(CATEGORIES, question.category),
          },
          question_sid: questionSid(q),
          answer_set_id: answerSetId(question.answerSet),
          allow_na: question.allowNa,
          usage: at(usage, q),
        };
      }),
      url: `${origin}${Q_PREFIX}/Questionnaires/${questionnaireSid}`,
    };
  };
  const questionRecord = (q: number, origin: string): QuestionRecord => {
    const question = at(QUESTIONS, q);
    const questionSidValue = questionSid(q);
    return {
      account_sid: accountSid,
      question: question.question,
      question_sid: questionSidValue,
      description: question.description,
      category: {
        category_name: at(CATEGORIES, question.category),
        category_sid: categorySid(question.category),
      },
      answer_set_id: answerSetId(question.answerSet),
      allow_na: question.allowNa,
      usage: at(usage, q),
      answer_set: answerSetRecord(question.answerSet),
      url: `${origin}${Q_PREFIX}/Questions/${questionSidValue}`,
    };
  };

  // ---- selections ----
  const rangeSelection = <T>(first: number, total: number, build: (index: number, origin: string) => T) => ({
    total,
    at: (x: number, origin: string) => build(first + x, origin),
  });
  const indexSelection = <T>(indexes: number[], build: (index: number, origin: string) => T) => ({
    total: indexes.length,
    at: (x: number, origin: string) => build(at(indexes, x), origin),
  });

  const selectors: { [K in ListKind]: (filter: ListFilters[K]) => Selection<ListRecords[K]> } = {
    assessments: (f) => {
      if (f.segmentId === undefined) return rangeSelection(0, N, assessment);
      const s = segmentIndexOf(f.segmentId);
      return s < 0 ? EMPTY : rangeSelection(start(s), start(s + 1) - start(s), assessment);
    },
    comments: (f) => {
      const agent = f.agentId === undefined ? -1 : (agentIndex.get(f.agentId) ?? -2);
      if (agent === -2) return EMPTY;
      if (f.segmentId !== undefined) {
        const s = segmentIndexOf(f.segmentId);
        if (s < 0 || (agent >= 0 && agentOf(s) !== agent)) return EMPTY;
        const first = commentsBefore(start(s));
        return rangeSelection(first, commentsBefore(start(s + 1)) - first, comment);
      }
      if (agent < 0) return rangeSelection(0, C, comment);
      const p0 = agentSegStart[agent] as number;
      const p1 = agentSegStart[agent + 1] as number;
      const base = agentComCum[p0] as number;
      return {
        total: (agentComCum[p1] as number) - base,
        at: (x, origin) => {
          // The agent's segment holding its x-th comment, then the comment's place in that segment.
          const p = p0 + floorIndex(agentComCum.subarray(p0, p1), base + x);
          const s = agentSegs[p] as number;
          return comment(commentsBefore(start(s)) + base + x - (agentComCum[p] as number), origin);
        },
      };
    },
    segments: (f) => {
      let indexes: number[] | null = null;
      if (f.reservationIds !== undefined) {
        const found = f.reservationIds.map((r) => sidIndex('WR', kRes, r, S)).filter((s) => s >= 0);
        indexes = [...new Set(found)].sort((a, b) => a - b);
      }
      if (f.segmentId !== undefined) {
        const s = segmentIndexOf(f.segmentId);
        indexes = s < 0 || (indexes !== null && !indexes.includes(s)) ? [] : [s];
      }
      return indexes === null ? rangeSelection(0, S, segment) : indexSelection(indexes, segment);
    },
    conversations: (f) => {
      if (f.segmentId === undefined) return rangeSelection(0, CV, conversation);
      const s = segmentIndexOf(f.segmentId);
      return s < 0 ? EMPTY : rangeSelection(floorIndex(convStart, s), 1, conversation);
    },
    questionnaires: (f) =>
      indexSelection(
        QUESTIONNAIRES.flatMap((q, i) => (q.active || f.includeInactive === true ? [i] : [])),
        questionnaire,
      ),
    categories: () =>
      rangeSelection(0, CATEGORIES.length, (c, origin) => ({
        category_sid: categorySid(c),
        name: at(CATEGORIES, c),
        account_sid: accountSid,
        url: `${origin}${Q_PREFIX}/Categories/${categorySid(c)}`,
      })),
    questions: (f) => {
      const wanted = f.categorySids === undefined ? null : new Set(f.categorySids);
      return indexSelection(
        QUESTIONS.flatMap((q, i) => (wanted === null || wanted.has(categorySid(q.category)) ? [i] : [])),
        questionRecord,
      );
    },
  };
  const select = <K extends ListKind>(kind: K, filter: ListFilters[K]): Selection<ListRecords[K]> =>
    selectors[kind](filter);

  return {
    accountSid,
    seed,
    assessmentCount: N,
    assessmentGroupCount: groups,
    commentCount: C,
    segmentCount: S,
    conversationCount: CV,
    segmentIds: () => Array.from({ length: S }, (_, s) => uuid(kSeg, s)),
    segmentIdAt: (s) => segment(s).segment_id,
    agentIds: () => agentList.map((a) => a.id),
    agents: () => agentList.map((a) => ({ ...a })),
    agentIdOf: (id) => {
      const s = segmentIndexOf(id);
      return s < 0 ? null : at(agentList, agentOf(s)).id;
    },
    segmentIdsOfAgent: (id) => {
      const a = agentIndex.get(id);
      if (a === undefined) return [];
      const p0 = agentSegStart[a] as number;
      return Array.from(agentSegs.subarray(p0, agentSegStart[a + 1]), (s) => uuid(kSeg, s));
    },
    assessors: () => ASSESSORS.map((a) => ({ ...a })),
    assessorsOf: (id) => {
      const s = segmentIndexOf(id);
      return s < 0 ? [] : Array.from({ length: assessmentCountOf(s) }, (_, r) => ({ ...assessor(s, r) }));
    },
    assessmentsOf: (id) => {
      const s = segmentIndexOf(id);
      return s < 0 ? [] : assessmentsOfSegment(s);
    },
    multiAssessorSegmentIds: () => {
      const ids: string[] = [];
      for (let s = 0; s < S; s++) if (assessmentCountOf(s) > 1) ids.push(uuid(kSeg, s));
      return ids;
    },
    percentageMismatchSegmentIds: () => {
      const ids: string[] = [];
      for (let s = 0; s < S; s++) {
        if (disagrees(s) && scoresOf(s).some((x) => x !== null)) ids.push(uuid(kSeg, s));
      }
      return ids;
    },
    reservationIdsOf: (id) => {
      const s = segmentIndexOf(id);
      return s < 0 ? [] : [sid('WR', kRes, s)];
    },
    categorySids: () => [...categorySidList],
    countAssessments: (f = {}) => select('assessments', f).total,
    countComments: (f = {}) => select('comments', f).total,
    countSegments: (f = {}) => select('segments', f).total,
    assessment,
    comment,
    segment,
    assessments: (f = {}, range) => slice(select('assessments', f), range, defaultOrigin),
    comments: (f = {}, range) => slice(select('comments', f), range, defaultOrigin),
    segments: (f = {}, range) => slice(select('segments', f), range, defaultOrigin),
    conversations: (f = {}, range) => slice(select('conversations', f), range, defaultOrigin),
    questionnaires: (f = {}, origin) => slice(select('questionnaires', f), { origin }, defaultOrigin),
    categories: (origin) => slice(select('categories', {}), { origin }, defaultOrigin),
    questions: (f = {}, origin) => slice(select('questions', f), { origin }, defaultOrigin),
    answerSets: (origin = defaultOrigin) => ({
      account_sid: accountSid,
      url: `${origin}${Q_PREFIX}/Settings/AnswerSets`,
      answer_sets: ANSWER_SETS.map((_, a) => answerSetRecord(a)),
      answer_set_categories: ANSWER_SET_CATEGORIES.map((name, i) => ({
        id: uuid(kAns, 3000 + i),
        name,
        sort: i + 1,
      })),
      not_applicable: notApplicable,
    }),
    commentTags: (origin = defaultOrigin) => ({
      account_sid: accountSid,
      comments: COMMENT_TAGS.map((name, i) => ({ default: i === 0, id: uuid(kTag, i), name, sort: i })),
      url: `${origin}${Q_PREFIX}/Settings/CommentTags`,
    }),
    userRoles: (origin = defaultOrigin) => ({
      roles: [...USER_ROLES],
      url: `${origin}/v1/Insights/UserRoles`,
    }),
    select,
  };
}
