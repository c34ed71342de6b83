// Query benchmark: the workspace's reads over a store of 1M assessments and 300k comments.
//
// The store file is built once from the demo generator (records parsed by the Flex client's
// schemas and committed through the store's own writer in pages of 10k, as a sync would, only in
// bigger transactions) and kept in the OS temp folder for the next run (`--rebuild` starts over;
// `--assessments N --comments M` for another size). Figures:
// - materialise_ms_*: the one-time cost of a new (filters, sort): the first window of it, which
//   builds its TEMP table of positions;
// - page_p95_ms: a window of 100 rows under a filter and a sort, at offsets spread over the whole
//   result, once its order is materialised, on a reader connection in this thread (SQL alone);
// - ipc_page_p95_ms: the same windows through the Store facade (postMessage to the reader worker
//   and back, rows cloned), as main sees them;
// - fts_p95_ms: the first window of a new comment-text search (materialisation included);
// - distinct_ms: the slowest picker (values, labels, counts) over the whole store; distinct_segment_ms
//   for the segment picker (about 100k values);
// - commit_during_query_ms: a sync page committed while a ~1 s materialisation runs (query_alone_ms);
// - migrate_seconds: opening a cached file of an earlier schema version (its summary tables built);
// - score_by_agent_ms: mean assessment score per agent over the whole store (median of 5);
//   score_by_agent_filtered_ms under a team and a month; score_by_question_ms (from the records);
// - calibration_ms: the calibration report over the whole store (median of 3), and under a team;
// - scores_page_p95_ms: windows of the one-row-per-assessment table, like page_p95_ms;
// - scorecards_ms, agent_detail_ms, answers_ms (the answer distribution, whole store and one agent),
//   row_detail_ms (the drawer);
// - max_event_loop_delay_ms: the worst main-thread delay while the facade runs all of the above.
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createDataset } from '../src-main/demo/dataset.ts';
import type { SimDataset } from '../src-main/demo/dataset.ts';
import {
  AnswerSetsSchema,
  AssessmentSchema,
  CategorySchema,
  CommentSchema,
  CommentTagsSchema,
  parseRecord,
  QuestionnaireSchema,
  QuestionSchema,
  SegmentSchema,
} from '../src-main/flex/schemas.ts';
import type { WithRaw } from '../src-main/flex/schemas.ts';
import { closeDatabase, openDatabase } from '../src-main/store/database.ts';
import { openStore } from '../src-main/store/index.ts';
import type { Store } from '../src-main/store/index.ts';
import { createReader } from '../src-main/store/reader.ts';
import { createWriter } from '../src-main/store/writer.ts';
import type { QueryFilters, RowKind } from '../src-preload/contract.ts';
import type { z } from 'zod';

const ACCOUNT_SID = 'AC' + '5e'.repeat(16);
const SEED = 8;
const PAGE = 10_000;
const WINDOW = 100;
const OFFSETS_PER_QUERY = 40;

type Sort = Array<{ column: string; dir: 'asc' | 'desc' }>;
interface Case {
  name: string;
  kind: RowKind;
  filters: QueryFilters;
  sort: Sort;
}

const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;
const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const timed = <T>(fn: () => T): [T, number] => {
  const started = performance.now();
  const value = fn();
  return [value, performance.now() - started];
};
const timedAsync = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
};

function parse<S extends z.ZodType<object>>(schema: S, input: unknown): WithRaw<z.output<S>> {
  const result = parseRecord(schema, input, 'bench');
  if (!result.ok) throw new Error(result.reason);
  return result.value;
}

function option(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(args[at + 1]);
}

/** Builds the store through its writer; returns the seconds it took. */
function build(file: string, data: SimDataset): number {
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  const started = performance.now();
  const db = openDatabase(file, ACCOUNT_SID, 'writer');
  const writer = createWriter(db);
  writer.putReference({
    questionnaires: data.questionnaires({ includeInactive: true }).map((r) => parse(QuestionnaireSchema, r)),
    questions: data.questions().map((r) => parse(QuestionSchema, r)),
    categories: data.categories().map((r) => parse(CategorySchema, r)),
    answerSets: parse(AnswerSetsSchema, data.answerSets()),
    commentTags: parse(CommentTagsSchema, data.commentTags()),
  });
  for (let s = 0; s < data.segmentCount; s += PAGE) {
    writer.upsertSegments(data.segments({}, { offset: s, limit: PAGE }).map((r) => parse(SegmentSchema, r)));
  }
  const kinds = [
    {
      kind: 'assessments' as const,
      count: data.assessmentCount,
      at: (i: number) => parse(AssessmentSchema, data.assessment(i)),
    },
    {
      kind: 'comments' as const,
      count: data.commentCount,
      at: (i: number) => parse(CommentSchema, data.comment(i)),
    },
  ];
  for (const { kind, count, at } of kinds) {
    const { pass } = writer.openPass(kind, { all: true });
    for (let i = 0; i < count; i += PAGE) {
      const records = [];
      for (let k = i; k < Math.min(count, i + PAGE); k++) records.push(at(k));
      const next = i + PAGE >= count ? null : `https://flex-api.twilio.com/page/${i + PAGE}`;
      writer.commitPage({ kind, scope: { all: true }, pass, records, next } as never);
      if ((i / PAGE) % 20 === 19 || next === null) {
        console.log(
          `  ${kind}: ${Math.min(count, i + PAGE)} of ${count}, ${round((performance.now() - started) / 1000, 1)} s`,
        );
      }
    }
  }
  db.exec('PRAGMA optimize');
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  return (performance.now() - started) / 1000;
}

function cases(data: SimDataset): Case[] {
  const segment = data.segment(Math.floor(data.segmentCount / 2));
  const question = data.questions()[3]!.question_sid;
  const since = Date.UTC(2024, 5, 1);
  return [
    {
      name: 'team, by agent name',
      kind: 'assessments',
      filters: { teams: [segment.agent_team_name] },
      sort: [{ column: 'agentName', dir: 'asc' }],
    },
    {
      name: 'reported, newest first',
      kind: 'assessments',
      filters: { report: true },
      sort: [{ column: 'timestamp', dir: 'desc' }],
    },
    {
      name: 'one question, by score',
      kind: 'assessments',
      filters: { questionSids: [question] },
      sort: [{ column: 'answerScore', dir: 'desc' }],
    },
    {
      name: 'a month, by assessor then time',
      kind: 'assessments',
      filters: { since, until: since + 30 * 86_400_000 },
      sort: [
        { column: 'assessor', dir: 'asc' },
        { column: 'timestamp', dir: 'desc' },
      ],
    },
    {
      name: 'everything, by question',
      kind: 'assessments',
      filters: {},
      sort: [{ column: 'question', dir: 'asc' }],
    },
    {
      name: 'answers No, by category desc',
      kind: 'assessments',
      filters: { answers: ['No', 'Poor'] },
      sort: [{ column: 'category', dir: 'desc' }],
    },
    {
      name: 'comments of a queue, newest first',
      kind: 'comments',
      filters: { queues: [segment.queue] },
      sort: [{ column: 'timestamp', dir: 'desc' }],
    },
    {
      name: 'comments, by tag then agent',
      kind: 'comments',
      filters: {},
      sort: [
        { column: 'tag', dir: 'asc' },
        { column: 'agentName', dir: 'asc' },
      ],
    },
  ];
}

const SEARCHES = [
  'escalation',
  'calm*',
  'refund approval',
  'disclosure',
  'Kunde',
  'danke*',
  'hold',
  'training',
  'slow down',
  'résumé',
  'onboarding',
  'customer line',
  'tab*',
  'notes field',
  'Great',
  'empathy solution',
  'недоволен',
  'español',
  'NEAR(',
  '"thanks',
];

const DISTINCT = [
  'questionSid',
  'agentId',
  'team',
  'queue',
  'answer',
  'assessor',
  'categorySid',
  'questionnaireSid',
] as const;

/**
 * A sync page committed while a long materialisation runs: the writer's own connection commits at
 * once instead of waiting behind the query (the reason the store has two workers). The page is a
 * segment's records as stored, so the pass completes without changing or removing anything.
 */
async function commitDuringQuery(
  store: Store,
  data: SimDataset,
): Promise<{ queryMs: number; commitMs: number }> {
  const segmentId = data.segmentIdAt(Math.floor(data.segmentCount / 3));
  const records = data.assessments({ segmentId }).map((r) => parse(AssessmentSchema, r));
  const scope = { segmentId };
  const { pass } = await store.openPass('assessments', scope);
  const started = performance.now();
  const query = store
    .assessments({
      filters: {},
      sort: [
        { column: 'assessorEmail', dir: 'desc' },
        { column: 'weight', dir: 'asc' },
      ],
      offset: 0,
      limit: WINDOW,
    })
    .then(() => performance.now() - started);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const [outcome, commitMs] = await timedAsync(() =>
    store.commitPage({ kind: 'assessments', scope, pass, records, next: null }),
  );
  if (outcome.removed !== 0) throw new Error('the probe page removed rows');
  return { queryMs: await query, commitMs };
}

const spread = (total: number): number[] =>
  Array.from({ length: OFFSETS_PER_QUERY }, (_, i) =>
    Math.max(0, Math.min(total - WINDOW, Math.floor(((i + 0.5) / OFFSETS_PER_QUERY) * total) - (i % 7) * 13)),
  );

export async function main(args: string[]): Promise<void> {
  const assessments = option(args, 'assessments', 1_000_000);
  const comments = option(args, 'comments', 300_000);
  const dir = join(tmpdir(), 'qm-bench-query');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `store-${SEED}-${assessments}-${comments}.sqlite`);
  const sidecar = `${file}.json`;
  const data = createDataset({
    seed: SEED,
    accountSid: ACCOUNT_SID,
    assessments,
    comments,
    origin: 'https://flex-api.twilio.com',
  });

  let buildSeconds: number;
  let reused = false;
  if (!args.includes('--rebuild') && existsSync(file) && existsSync(sidecar)) {
    buildSeconds = (JSON.parse(readFileSync(sidecar, 'utf8')) as { build_seconds: number }).build_seconds;
    reused = true;
    console.log(`store: reusing ${file} (built in ${round(buildSeconds, 1)} s; --rebuild to build again)`);
  } else {
    console.log(`store: building ${assessments} assessments and ${comments} comments into ${file}`);
    buildSeconds = build(file, data);
    writeFileSync(sidecar, JSON.stringify({ build_seconds: buildSeconds }));
    console.log(`store: built in ${round(buildSeconds, 1)} s`);
  }
  // A file cached by an earlier version migrates (and builds its summary tables) on the writer's open.
  const [, migrateMs] = timed(() => {
    const db = openDatabase(file, ACCOUNT_SID, 'writer');
    createWriter(db);
    closeDatabase(db, 'writer');
  });
  console.log(`store: opened by the writer (migrations included) in ${round(migrateMs / 1000, 1)} s`);
  const fileMb = statSync(file).size / 1024 / 1024;

  // ---- SQL alone, on a reader connection in this thread ----
  const reader = createReader(openDatabase(file, ACCOUNT_SID, 'reader'));
  const query = (c: Case, offset: number) =>
    (c.kind === 'assessments' ? reader.assessments : reader.comments)({
      filters: c.filters,
      sort: c.sort,
      offset,
      limit: WINDOW,
    });
  const materialise: Record<string, { ms: number; rows: number }> = {};
  const pages: number[] = [];
  for (const c of cases(data)) {
    const [first, ms] = timed(() => query(c, 0));
    materialise[c.name] = { ms: round(ms), rows: first.total };
    for (const offset of spread(first.total)) {
      const [page, pageMs] = timed(() => query(c, offset));
      if (page.rows.length !== Math.min(WINDOW, first.total - offset))
        throw new Error(`${c.name}: short window at ${offset}`);
      pages.push(pageMs);
    }
    console.log(
      `${c.name}: ${first.total} rows, materialised in ${round(ms)} ms, windows p95 ${round(percentile(pages.slice(-OFFSETS_PER_QUERY), 95))} ms`,
    );
  }
  const fts: number[] = [];
  for (const text of SEARCHES) {
    const [result, ms] = timed(() =>
      reader.comments({ filters: { text }, sort: [], offset: 0, limit: WINDOW }),
    );
    fts.push(ms);
    console.log(`search ${JSON.stringify(text)}: ${result.total} comments, ${round(ms)} ms`);
  }
  const distinct: Record<string, number> = {};
  for (const column of DISTINCT) {
    const [result, ms] = timed(() =>
      reader.distinct({ kind: 'assessments', column, filters: {}, limit: 200 }),
    );
    distinct[column] = round(ms);
    console.log(`distinct ${column}: ${result.values.length} values, ${round(ms)} ms`);
  }
  const [, segmentMs] = timed(() =>
    reader.distinct({ kind: 'assessments', column: 'segmentId', filters: {}, limit: 200 }),
  );

  // ---- Scores, agents, calibration (summary tables) ----
  const median = (runs: number, fn: () => unknown): number =>
    percentile(
      Array.from({ length: runs }, () => timed(fn)[1]),
      50,
    );
  const segment = data.segment(Math.floor(data.segmentCount / 2));
  const month = { since: Date.UTC(2024, 5, 1), until: Date.UTC(2024, 6, 1) - 1 };
  const teamMonth = { teams: [segment.agent_team_name], ...month };
  const byAgent = median(5, () => reader.scoreGroups({ filters: {}, by: 'agent', limit: 1000 }));
  const byAgentFiltered = median(5, () =>
    reader.scoreGroups({ filters: teamMonth, by: 'agent', limit: 1000 }),
  );
  const [questions, byQuestionMs] = timed(() =>
    reader.scoreGroups({ filters: {}, by: 'question', limit: 1000 }),
  );
  const [report, calibrationFirstMs] = timed(() => reader.calibration({ filters: {} }));
  const calibrationMs = median(3, () => reader.calibration({ filters: {} }));
  const calibrationFilteredMs = median(3, () =>
    reader.calibration({ filters: { teams: [segment.agent_team_name] } }),
  );
  console.log(
    `score by agent ${round(byAgent)} ms (team and month ${round(byAgentFiltered)} ms), by question ${round(byQuestionMs)} ms (${questions.groups.length} questions)`,
  );
  console.log(
    `calibration: ${report.segments.length} segments, ${report.questions.length} questions, ${report.assessors.length} assessors, ${round(calibrationMs)} ms (first ${round(calibrationFirstMs)} ms, a team ${round(calibrationFilteredMs)} ms)`,
  );
  const scorePages: number[] = [];
  for (const [filters, sort] of [
    [{}, [{ column: 'score', dir: 'asc' }]],
    [{ scoreMax: 50 }, [{ column: 'agentName', dir: 'asc' }]],
    [month, [{ column: 'timestamp', dir: 'desc' }]],
  ] as Array<[QueryFilters, Sort]>) {
    const first = reader.scores({ filters, sort, offset: 0, limit: WINDOW });
    for (const offset of spread(first.total))
      scorePages.push(timed(() => reader.scores({ filters, sort, offset, limit: WINDOW }))[1]);
  }
  const [cards, scorecardsMs] = timed(() =>
    reader.agentScorecards({
      filters: {},
      search: '',
      sort: { column: 'meanScore', dir: 'desc' },
      offset: 0,
      limit: 100,
    }),
  );
  const agentId = cards.rows[0]!.agentId;
  const [, agentDetailMs] = timed(() => reader.agentDetail({ agentId, filters: {} }));
  const [, answersMs] = timed(() => reader.answerDistribution({ filters: {}, limit: 100 }));
  const [, agentAnswersMs] = timed(() =>
    reader.answerDistribution({ filters: { agentIds: [agentId] }, limit: 100 }),
  );
  const sid = data.assessment(Math.floor(data.assessmentCount / 2)).assessment_sid;
  const rowDetailMs = median(5, () => reader.rowDetail('assessments', sid));
  console.log(
    `scorecards ${round(scorecardsMs)} ms (${cards.total} agents), agent page ${round(agentDetailMs)} ms, answers ${round(answersMs)} ms (one agent ${round(agentAnswersMs)} ms), drawer ${round(rowDetailMs)} ms`,
  );

  // ---- Through the facade, as main sees it ----
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const [store, openMs] = await timedAsync(() => openStore({ file, accountSid: ACCOUNT_SID }));
  const ipc: number[] = [];
  const ipcMaterialise: number[] = [];
  for (const c of cases(data)) {
    const call = (offset: number): Promise<{ total: number }> =>
      c.kind === 'assessments'
        ? store.assessments({ filters: c.filters, sort: c.sort as never, offset, limit: WINDOW })
        : store.comments({ filters: c.filters, sort: c.sort as never, offset, limit: WINDOW });
    const [first, ms] = await timedAsync(() => call(0));
    ipcMaterialise.push(ms);
    for (const offset of spread(first.total)) ipc.push((await timedAsync(() => call(offset)))[1]);
  }
  const ipcFts: number[] = [];
  for (const text of SEARCHES) {
    ipcFts.push(
      (await timedAsync(() => store.comments({ filters: { text }, sort: [], offset: 0, limit: WINDOW })))[1],
    );
  }
  for (const column of DISTINCT)
    await store.distinct({ kind: 'assessments', column, filters: {}, limit: 200 });
  const [, ipcByAgentMs] = await timedAsync(() =>
    store.scoreGroups({ filters: {}, by: 'agent', period: 'week', limit: 1000 }),
  );
  const [, ipcCalibrationMs] = await timedAsync(() => store.calibration({ filters: {} }));
  await store.agentDetail({ agentId, filters: {} });
  const concurrent = await commitDuringQuery(store, data);
  await store.close();
  delay.disable();

  const materialised = Object.values(materialise).map((m) => m.ms);
  console.log(
    JSON.stringify({
      bench: 'query',
      assessments,
      comments,
      file_mb: round(fileMb, 0),
      build_seconds: round(buildSeconds, 1),
      build_reused: reused,
      open_ms: round(openMs),
      materialise_ms_median: round(percentile(materialised, 50)),
      materialise_ms_max: round(Math.max(...materialised)),
      ipc_materialise_ms_max: round(Math.max(...ipcMaterialise)),
      page_p50_ms: round(percentile(pages, 50)),
      page_p95_ms: round(percentile(pages, 95)),
      ipc_page_p50_ms: round(percentile(ipc, 50)),
      ipc_page_p95_ms: round(percentile(ipc, 95)),
      fts_p50_ms: round(percentile(fts, 50)),
      fts_p95_ms: round(percentile(fts, 95)),
      ipc_fts_p95_ms: round(percentile(ipcFts, 95)),
      distinct_ms: round(Math.max(...Object.values(distinct))),
      query_alone_ms: round(concurrent.queryMs),
      commit_during_query_ms: round(concurrent.commitMs),
      distinct_segment_ms: round(segmentMs),
      migrate_seconds: round(migrateMs / 1000, 1),
      score_by_agent_ms: round(byAgent),
      score_by_agent_filtered_ms: round(byAgentFiltered),
      ipc_score_by_agent_ms: round(ipcByAgentMs),
      score_by_question_ms: round(byQuestionMs),
      calibration_ms: round(calibrationMs),
      calibration_filtered_ms: round(calibrationFilteredMs),
      ipc_calibration_ms: round(ipcCalibrationMs),
      calibration_segments: report.segments.length,
      scores_page_p95_ms: round(percentile(scorePages, 95)),
      scorecards_ms: round(scorecardsMs),
      agent_detail_ms: round(agentDetailMs),
      answers_ms: round(answersMs),
      agent_answers_ms: round(agentAnswersMs),
      row_detail_ms: round(rowDetailMs),
      max_event_loop_delay_ms: round(delay.max / 1e6),
      materialise,
      distinct,
    }),
  );
}
