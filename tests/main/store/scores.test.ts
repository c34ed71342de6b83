import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src-main/errors.ts';
import { openStore } from '../../../src-main/store/index.ts';
import type { Store } from '../../../src-main/store/index.ts';
import type { AssessmentScoreRow } from '../../../src-preload/contract.ts';
import { ACCOUNT_SID, tempDir } from './fixture.ts';
import {
  AGENT,
  ANSWER,
  ASSESSMENTS,
  CAT,
  comment,
  Q,
  QN,
  recordsOf,
  reference,
  SEG,
  segments,
  T0,
  TAG,
} from './hand.ts';
import type { HandAssessment } from './hand.ts';

const DAY = 86_400_000;
/** The scores of hand.ts, worked out by hand (see ASSESSMENTS there). */
const SCORE = {
  A1: (34 / 36) * 100,
  A2: (14 / 34) * 100,
  A3: (25 / 46) * 100,
  B1: (34 / 46) * 100,
  B2: 100,
  B3: 0,
  D1: null as number | null,
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

let temp: Awaited<ReturnType<typeof tempDir>>;
let store: Store;
const records = new Map<string, ReturnType<typeof recordsOf>>();

async function commitAll(scope: { segmentId: string }, list: HandAssessment[]): Promise<void> {
  const { pass } = await store.openPass('assessments', scope);
  await store.commitPage({
    kind: 'assessments',
    scope,
    pass,
    records: list.flatMap((a) => records.get(a.name)!),
    next: null,
  });
}

const comments = () => [
  comment(SEG.s1, AGENT.a1, 'Ann', 'Warm greeting, missed the disclosure', TAG.t1, T0 + 1000),
  comment(SEG.s2, AGENT.a1, 'Bob', 'Textbook close', TAG.t2, T0 + 40 * DAY),
  comment(SEG.s3, AGENT.a2, 'Ann', 'Nothing to score here', null, T0 + 10 * DAY),
];

beforeEach(async () => {
  temp = await tempDir();
  store = await openStore({ file: temp.file(), accountSid: ACCOUNT_SID });
  for (const a of ASSESSMENTS) records.set(a.name, recordsOf(a));
  await store.putReference(reference());
  await store.upsertSegments(segments());
  for (const segmentId of [SEG.s1, SEG.s2, SEG.s3]) {
    await commitAll(
      { segmentId },
      ASSESSMENTS.filter((a) => a.segment === segmentId),
    );
  }
  const { pass } = await store.openPass('comments', { all: true });
  await store.commitPage({ kind: 'comments', scope: { all: true }, pass, records: comments(), next: null });
});
afterEach(async () => {
  await store.close();
  await temp.remove();
});

async function allScores(filters = {}): Promise<Map<string, AssessmentScoreRow>> {
  const window = await store.scores({ filters, sort: [], offset: 0, limit: 1000 });
  const byName = new Map<string, AssessmentScoreRow>();
  for (const row of window.rows) {
    const a = ASSESSMENTS.find(
      (x) =>
        x.segment === row.segmentId &&
        x.assessor === row.assessor &&
        QN[x.questionnaire] === row.questionnaireSid,
    )!;
    byName.set(a.name, row);
  }
  return byName;
}

describe('assessment scores', () => {
  it('score each assessment from answer scores and weights, N/A and unknown answers left out', async () => {
    const rows = await allScores();
    expect([...rows.keys()].sort()).toEqual(ASSESSMENTS.map((a) => a.name).sort());
    for (const [name, score] of Object.entries(SCORE)) {
      const row = rows.get(name)!;
      if (score === null) expect(row.score, name).toBeNull();
      else expect(row.score, name).toBeCloseTo(score, 10);
    }
    expect(rows.get('A1')).toMatchObject({ answered: 3, notApplicable: 1, timestamp: T0 });
    // A2's fourth answer is in no answer set: neither answered nor N/A, and not scored.
    expect(rows.get('A2')).toMatchObject({ answered: 3, notApplicable: 0, assessorEmail: null });
    expect(rows.get('D1')).toMatchObject({ answered: 0, notApplicable: 1, score: null });
    expect(rows.get('A1')).toMatchObject({
      assessmentKey: JSON.stringify([SEG.s1, QN.main, 'Ann', 'ann@example.com']),
      agentId: AGENT.a1,
      agentName: 'Ada Agent',
      team: 'Alpha',
      queue: 'Support',
      questionnaire: 'Scorecard',
    });
    // ...and counted apart, so the row says why it has fewer answers than records.
    expect(rows.get('A2')).toMatchObject({ unscored: 1 });
    expect(rows.get('A1')).toMatchObject({ unscored: 0 });
    const byUnscored = await store.scores({
      filters: {},
      sort: [{ column: 'unscored', dir: 'desc' }],
      offset: 0,
      limit: 1000,
    });
    const counts = byUnscored.rows.map((r) => r.unscored);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(counts[0]).toBeGreaterThan(0);
  });

  it("set Twilio's percentages beside them by questionnaire name and order, and flag a mismatch", async () => {
    const rows = await allScores();
    const pick = (name: string) => [rows.get(name)!.twilioPercentage, rows.get(name)!.mismatch];
    expect(pick('A1')).toEqual([94.44, false]);
    expect(pick('A2')).toEqual([41.18, false]);
    expect(pick('A3')).toEqual([60, true]);
    expect(pick('B3')).toEqual([0, false]);
    expect(pick('B1')).toEqual([73.9, false]);
    expect(pick('B2')).toEqual([null, false]);
    expect(pick('D1')).toEqual([null, false]);
    // Details that arrive later, or change, move the figures.
    await store.upsertSegments(
      segments().map((s) => (s.segment_id === SEG.s2 ? { ...s, assessment_percentage: [0, 73.9, 99] } : s)),
    );
    const after = await allScores({ segmentIds: [SEG.s2] });
    expect([after.get('B2')!.twilioPercentage, after.get('B2')!.mismatch]).toEqual([99, true]);
    expect(
      (
        await store.scores({ filters: {}, sort: [{ column: 'mismatch', dir: 'desc' }], offset: 0, limit: 2 })
      ).rows.map((r) => r.assessor),
    ).toEqual(['Bob', 'Cy']);
  });

  it('follow the answer sets: a question that moved sets, and a rescored answer', async () => {
    await store.putReference(reference({ q4Set: 'set-new' }));
    let rows = await allScores();
    // D1's Good is now known (9/9); the older answers of question 4 keep the set they came from.
    expect(rows.get('D1')).toMatchObject({ answered: 1, score: 100 });
    expect(rows.get('A1')!.score).toBeCloseTo(SCORE.A1, 10);
    expect(rows.get('A3')!.score).toBeCloseTo(SCORE.A3, 10);
    await store.putReference(reference({ q4Set: 'set-new', yes: 5 }));
    rows = await allScores();
    expect(rows.get('A1')!.score).toBeCloseTo(((5 * 2 + 2 + 12) / (5 * 2 + 4 + 12)) * 100, 10);
    expect(rows.get('B2')!.score).toBe(100);
    expect(rows.get('A2')!.score).toBeCloseTo(((0 + 4 + 5) / (10 + 4 + 5)) * 100, 10);
  });

  it('follow the records: a changed answer, a moved record, a removed one', async () => {
    const [first, ...rest] = records.get('A2')!;
    // Bob now answers Yes to question 1 (Yes × 2 = 20 more points), and A3 loses its last record.
    const changed = { ...first!, answer_id: ANSWER.yes, raw: { ...first!.raw, answer_id: ANSWER.yes } };
    records.set('A2', [changed, ...rest]);
    records.set('A3', records.get('A3')!.slice(0, 3));
    await commitAll(
      { segmentId: SEG.s1 },
      ASSESSMENTS.filter((a) => a.segment === SEG.s1),
    );
    const rows = await allScores();
    expect(rows.get('A2')!.score).toBeCloseTo((34 / 34) * 100, 10);
    expect(rows.get('A3')!.score).toBeCloseTo((22 / 34) * 100, 10);
    // A segment whose records are all gone upstream leaves no assessment behind.
    await commitAll({ segmentId: SEG.s3 }, []);
    expect((await allScores()).has('D1')).toBe(false);
  });

  it('filter by score range, on the scores, the records and the comments', async () => {
    const high = await store.scores({ filters: { scoreMin: 70 }, sort: [], offset: 0, limit: 100 });
    expect(high.rows.map((r) => r.score!).every((s) => s >= 70)).toBe(true);
    expect(high.total).toBe(3); // A1, B1, B2
    const band = await store.scores({
      filters: { scoreMin: 40, scoreMax: 60 },
      sort: [],
      offset: 0,
      limit: 100,
    });
    expect(band.rows.map((r) => r.assessor).sort()).toEqual(['Bob', 'Cy']); // A2, A3
    const recordsInBand = await store.assessments({
      filters: { scoreMin: 40, scoreMax: 60 },
      sort: [],
      offset: 0,
      limit: 100,
    });
    expect(recordsInBand.total).toBe(records.get('A2')!.length + records.get('A3')!.length);
    const commentsInBand = await store.comments({
      filters: { scoreMax: 10 },
      sort: [],
      offset: 0,
      limit: 100,
    });
    // Only seg-2 has an assessment scored 10 or less (B3, 0).
    expect(commentsInBand.rows.map((c) => c.segmentId)).toEqual([SEG.s2]);
    // Unscored assessments match no range.
    expect((await store.scores({ filters: { scoreMin: 0 }, sort: [], offset: 0, limit: 100 })).total).toBe(6);
  });

  it('narrow assessments by record filters, comment filters and their own columns', async () => {
    const names = async (filters: object) => [...(await allScores(filters)).keys()].sort();
    expect(await names({ answers: ['Ghost'] })).toEqual(['A2']);
    expect(await names({ questionSids: [Q.q4], answers: ['A'] })).toEqual(['A1', 'B2']);
    expect(await names({ tagIds: [TAG.t2] })).toEqual(['B1', 'B2', 'B3']);
    expect(await names({ text: 'disclosure' })).toEqual(['A1', 'A2', 'A3']);
    expect(await names({ questionnaireSids: [QN.other] })).toEqual(['B3']);
    expect(await names({ since: T0 + DAY, until: T0 + 10 * DAY })).toEqual(['A2', 'A3', 'D1']);
    const sorted = await store.scores({
      filters: {},
      sort: [{ column: 'score', dir: 'desc' }],
      offset: 0,
      limit: 3,
    });
    const top = sorted.rows.map((r) => r.score!);
    [100, SCORE.A1, SCORE.B1].forEach((score, i) => expect(top[i]).toBeCloseTo(score, 10));
  });
});

describe('score groups', () => {
  it('are means of assessment scores per agent, team, questionnaire, assessor and period', async () => {
    const a1 = [SCORE.A1, SCORE.A2, SCORE.A3, SCORE.B1, SCORE.B2, SCORE.B3];
    const group = async (by: 'agent' | 'team' | 'questionnaire' | 'assessor', filters = {}) =>
      (await store.scoreGroups({ filters, by, period: 'week', limit: 100 })).groups;
    const agents = await group('agent');
    expect(agents.map((g) => [g.key, g.label, g.assessments])).toEqual([
      [AGENT.a1, 'Ada Agent', 6],
      [AGENT.a2, 'Bo Agent', 1],
    ]);
    expect(agents[0]!.meanScore).toBeCloseTo(mean(a1), 10);
    expect(agents[1]!.meanScore).toBeNull();
    expect((await group('team')).map((g) => [g.key, g.assessments])).toEqual([
      ['Alpha', 6],
      ['Beta', 1],
    ]);
    const questionnaires = await group('questionnaire');
    expect(questionnaires.map((g) => [g.key, g.label, g.assessments])).toEqual([
      [QN.main, 'Scorecard', 6],
      [QN.other, 'Other', 1],
    ]);
    expect(questionnaires[0]!.meanScore).toBeCloseTo(mean(a1.slice(0, 5)), 10);
    const assessors = await group('assessor');
    expect(assessors.map((g) => [g.key, g.assessments])).toEqual([
      ['Ann', 3],
      ['Bob', 2],
      ['Cy', 2],
    ]);
    expect(assessors[0]!.meanScore).toBeCloseTo(mean([SCORE.A1, SCORE.B1]), 10);
    expect((await group('agent', { teams: ['Beta'] })).map((g) => g.key)).toEqual([AGENT.a2]);
  });

  it('bucket periods in UTC: days, ISO weeks named by their Monday, months', async () => {
    const periods = async (period: 'day' | 'week' | 'month') =>
      (await store.scoreGroups({ filters: {}, by: 'period', period, limit: 100 })).groups.map((g) => [
        g.key,
        g.assessments,
      ]);
    // T0 is Monday 4 March 2024; B2 falls on a Sunday (still B1's week), B3 on the Monday after.
    expect(await periods('week')).toEqual([
      ['2024-03-04', 3],
      ['2024-03-11', 1],
      ['2024-04-08', 2],
      ['2024-04-15', 1],
    ]);
    expect(await periods('month')).toEqual([
      ['2024-03', 4],
      ['2024-04', 3],
    ]);
    expect((await periods('day'))[0]).toEqual(['2024-03-04', 1]);
    const week = (await store.scoreGroups({ filters: {}, by: 'period', period: 'week', limit: 100 }))
      .groups[0]!;
    expect(week.meanScore).toBeCloseTo(mean([SCORE.A1, SCORE.A2, SCORE.A3]), 10);
    // The limit keeps the latest periods.
    expect(
      (await store.scoreGroups({ filters: {}, by: 'period', period: 'week', limit: 2 })).groups.map(
        (g) => g.key,
      ),
    ).toEqual(['2024-04-08', '2024-04-15']);
  });

  it('per question and category: assessments, their mean score and the mean points lost', async () => {
    const groups = async (by: 'question' | 'category', filters = {}) =>
      (await store.scoreGroups({ filters, by, period: 'week', limit: 100 })).groups;
    // Question 4, scored in A1 (A), A3 (C), B1 (D), B2 (A): points lost (4 − score) × 3 = 0, 9, 12, 0.
    const q4 = (await groups('question')).find((g) => g.key === Q.q4)!;
    expect(q4).toMatchObject({ label: 'Compliance', assessments: 4 });
    expect(q4.meanScore).toBeCloseTo(mean([SCORE.A1, SCORE.A3, SCORE.B1, SCORE.B2]), 10);
    expect(q4.meanLost).toBeCloseTo(21 / 4, 10);
    // Question 1 in all six of agent 1 (B3 with weight 1): lost 0, 20, 0, 0, 0, 10.
    const q1 = (await groups('question')).find((g) => g.key === Q.q1)!;
    expect(q1.assessments).toBe(6);
    expect(q1.meanLost).toBeCloseTo(30 / 6, 10);
    // Category Manner (questions 1 and 3): A1 has Q1 only (Q3 N/A); A2 and A3 lose 20 and 10.
    const manner = (await groups('category')).find((g) => g.key === CAT.c1)!;
    expect(manner).toMatchObject({ label: 'Manner', assessments: 6 });
    // Records: A1 q1 0; A2 q1 20, q3 0; A3 q1 0, q3 10; B1 0, 0; B2 0, 0; B3 10.
    expect(manner.meanLost).toBeCloseTo(40 / 10, 10);
    // Most points lost first; a filter narrows to the assessments it keeps, and to its own questions.
    expect((await groups('question')).map((g) => g.key)).toEqual([Q.q4, Q.q1, Q.q3, Q.q2]);
    const onlyBob = await groups('question', { assessors: ['Bob'], questionSids: [Q.q1, Q.q2] });
    expect(onlyBob.map((g) => [g.key, g.assessments, g.meanLost])).toEqual([
      [Q.q1, 2, 10],
      [Q.q2, 2, 0],
    ]);
  });

  it('count the answers given per question', async () => {
    const all = await store.answerDistribution({ filters: {}, limit: 100 });
    const q4 = all.questions.find((q) => q.questionSid === Q.q4)!;
    expect(q4).toEqual({
      questionSid: Q.q4,
      question: 'Compliance',
      answers: [
        { answer: 'A', count: 2, score: 4 },
        { answer: 'C', count: 1, score: 1 },
        { answer: 'D', count: 1, score: 0 },
        { answer: 'Ghost', count: 1, score: null },
        { answer: 'Good', count: 1, score: null },
      ],
    });
    const bob = await store.answerDistribution({ filters: { assessors: ['Bob'] }, limit: 100 });
    expect(bob.questions.find((q) => q.questionSid === Q.q1)!.answers).toEqual([
      { answer: 'Yes', count: 1, score: 10 },
      { answer: 'No', count: 1, score: 0 },
    ]);
    expect(all.questions.map((q) => q.question)).toEqual(['Accuracy', 'Closing', 'Compliance', 'Greeting']);
  });
});

describe('agents', () => {
  it('scorecards: counts, mean score, trend of the last 30 days against the 30 before, last assessment', async () => {
    const cards = await store.agentScorecards({
      filters: {},
      search: '',
      sort: { column: 'assessments', dir: 'desc' },
      offset: 0,
      limit: 10,
    });
    expect(cards.total).toBe(2);
    const [ada, bo] = cards.rows;
    expect(ada).toMatchObject({
      agentId: AGENT.a1,
      name: 'Ada Agent',
      team: 'Alpha',
      assessments: 6,
      comments: 2,
    });
    expect(ada!.meanScore).toBeCloseTo(
      mean([SCORE.A1, SCORE.A2, SCORE.A3, SCORE.B1, SCORE.B2, SCORE.B3]),
      10,
    );
    // The last is B3 at T0 + 42 days: B1, B2, B3 are the last 30 days, A1–A3 the 30 before.
    expect(ada!.trend).toBeCloseTo(
      mean([SCORE.B1, SCORE.B2, SCORE.B3]) - mean([SCORE.A1, SCORE.A2, SCORE.A3]),
      10,
    );
    expect(ada!.lastAssessedAt).toBe(T0 + 42 * DAY);
    expect(bo).toEqual({
      agentId: AGENT.a2,
      name: 'Bo Agent',
      team: 'Beta',
      assessments: 1,
      comments: 1,
      meanScore: null,
      trend: null,
      lastAssessedAt: T0 + 10 * DAY,
    });
    const search = async (text: string) =>
      (
        await store.agentScorecards({
          filters: {},
          search: text,
          sort: { column: 'name', dir: 'asc' },
          offset: 0,
          limit: 10,
        })
      ).rows.map((r) => r.agentId);
    expect(await search('bo')).toEqual([AGENT.a2]);
    expect(await search('AGENT')).toEqual([AGENT.a1, AGENT.a2]);
    expect(await search('agent-1')).toEqual([AGENT.a1]);
    const byMean = await store.agentScorecards({
      filters: {},
      search: '',
      sort: { column: 'meanScore', dir: 'asc' },
      offset: 1,
      limit: 10,
    });
    expect(byMean).toMatchObject({ total: 2, offset: 1, rows: [{ agentId: AGENT.a1 }] });
    // Under a filter the trend looks at what the filter keeps: Ann's A1 and B1 are 40 days apart.
    const ann = await store.agentScorecards({
      filters: { assessors: ['Ann'] },
      search: 'ada',
      sort: { column: 'name', dir: 'asc' },
      offset: 0,
      limit: 10,
    });
    expect(ann.rows[0]).toMatchObject({ assessments: 2, comments: 1 });
    expect(ann.rows[0]!.trend).toBeCloseTo(SCORE.B1 - SCORE.A1, 10);
  });

  it("an agent's page: score over time, weakest questions and categories, comments by tag, segments", async () => {
    const detail = await store.agentDetail({ agentId: AGENT.a1, filters: {} });
    expect(detail.agent).toMatchObject({ agentId: AGENT.a1, assessments: 6 });
    expect(detail.overTime.map((p) => [p.period, p.assessments])).toEqual([
      ['2024-03-04', 3],
      ['2024-04-08', 2],
      ['2024-04-15', 1],
    ]);
    expect(detail.weakestQuestions.map((g) => g.key)).toEqual([Q.q4, Q.q1, Q.q3, Q.q2]);
    // Manner loses 40 points over 10 records, Substance 25 over 9.
    expect(detail.weakestCategories.map((g) => g.label)).toEqual(['Manner', 'Substance']);
    expect(detail.commentsByTag).toEqual([
      { tagId: TAG.t1, tag: 'Coaching', count: 1 },
      { tagId: TAG.t2, tag: 'Kudos', count: 1 },
    ]);
    expect(detail.segments.map((s) => s.segmentId).sort()).toEqual([SEG.s1, SEG.s2]);
    const error = await store.agentDetail({ agentId: 'nobody', filters: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('not_found');
  });
});

describe('calibration', () => {
  it('per segment: the scores and their spread; per question: agreement; per assessor: leniency', async () => {
    const report = await store.calibration({ filters: {} });
    // seg-1 (A1–A3) and seg-2 (B1, B2) had the same questionnaire twice or more; B3 stands alone.
    expect(
      report.segments.map((s) => [s.segmentId, s.questionnaireSid, s.scores.map((x) => x.assessor)]),
    ).toEqual([
      [SEG.s1, QN.main, ['Ann', 'Bob', 'Cy']],
      [SEG.s2, QN.main, ['Ann', 'Bob']],
    ]);
    expect(report.segments[0]!.spread).toBeCloseTo(SCORE.A1 - SCORE.A2, 10);
    expect(report.segments[1]!.spread).toBeCloseTo(SCORE.B2 - SCORE.B1, 10);
    expect(report.segments[0]).toMatchObject({ questionnaire: 'Scorecard', agentName: 'Ada Agent' });
    // Pairs per question: seg-1 has 3 (Ann–Bob, Ann–Cy, Bob–Cy), seg-2 one. Same answers:
    // Q1 Yes/No/Yes + Yes/Yes = 2 of 4; Q2 B/A/B + A/A = 2; Q3 N/A/Yes/No + Yes/Yes = 1; Q4 A/Ghost/C + D/A = 0.
    expect(report.questions).toEqual([
      { questionSid: Q.q4, question: 'Compliance', pairs: 4, agreement: 0 },
      { questionSid: Q.q3, question: 'Closing', pairs: 4, agreement: 0.25 },
      { questionSid: Q.q1, question: 'Greeting', pairs: 4, agreement: 0.5 },
      { questionSid: Q.q2, question: 'Accuracy', pairs: 4, agreement: 0.5 },
    ]);
    const leniency = Object.fromEntries(report.assessors.map((a) => [a.assessor, a]));
    expect(leniency.Ann!.sharedSegments).toBe(2);
    expect(leniency.Ann!.leniency).toBeCloseTo(
      mean([SCORE.A1 - mean([SCORE.A2, SCORE.A3]), SCORE.B1 - SCORE.B2]),
      10,
    );
    expect(leniency.Bob!.leniency).toBeCloseTo(
      mean([SCORE.A2 - mean([SCORE.A1, SCORE.A3]), SCORE.B2 - SCORE.B1]),
      10,
    );
    expect(leniency.Cy).toMatchObject({ sharedSegments: 1 });
    expect(leniency.Cy!.leniency).toBeCloseTo(SCORE.A3 - mean([SCORE.A1, SCORE.A2]), 10);
    // Most lenient first (Ann about +10, Bob −4, Cy −13).
    expect(report.assessors.map((a) => a.assessor)).toEqual(['Ann', 'Bob', 'Cy']);
  });

  it('under filters: the segments any of whose assessments match, with all their assessors', async () => {
    const report = await store.calibration({ filters: { assessors: ['Cy'] } });
    expect(report.segments.map((s) => s.segmentId)).toEqual([SEG.s1]);
    expect(report.segments[0]!.scores.map((s) => s.assessor)).toEqual(['Ann', 'Bob', 'Cy']);
    expect(report.questions.map((q) => [q.questionSid, q.pairs])).toContainEqual([Q.q1, 3]);
    const q2 = await store.calibration({ filters: { questionSids: [Q.q2] } });
    expect(q2.questions.map((q) => q.questionSid)).toEqual([Q.q2]);
    expect((await store.calibration({ filters: { teams: ['Beta'] } })).segments).toEqual([]);
  });
});

describe('row detail', () => {
  it('an assessment record: its row, raw JSON, whole assessment, segment, siblings', async () => {
    const ghost = records.get('A2')![3]!;
    const detail = await store.rowDetail('assessments', ghost.assessment_sid!);
    expect(detail.kind).toBe('assessments');
    expect(detail.row).toMatchObject({
      sid: ghost.assessment_sid,
      answer: 'Ghost',
      answerScore: null,
      report: false,
    });
    expect(detail.raw).toEqual(ghost.raw);
    expect(detail.assessment!.score).toBeCloseTo(SCORE.A2, 10);
    expect(detail.assessment!.twilioPercentage).toBe(41.18);
    expect(detail.assessment!.records).toEqual([
      {
        sid: records.get('A2')![0]!.assessment_sid,
        questionSid: Q.q1,
        question: 'Greeting',
        category: 'Manner',
        answer: 'No',
        answerScore: 0,
        maxScore: 10,
        weight: 2,
        notApplicable: false,
      },
      {
        sid: records.get('A2')![1]!.assessment_sid,
        questionSid: Q.q2,
        question: 'Accuracy',
        category: 'Substance',
        answer: 'A',
        answerScore: 4,
        maxScore: 4,
        weight: 1,
        notApplicable: false,
      },
      {
        sid: records.get('A2')![2]!.assessment_sid,
        questionSid: Q.q3,
        question: 'Closing',
        category: 'Manner',
        answer: 'Yes',
        answerScore: 10,
        maxScore: 10,
        weight: 1,
        notApplicable: false,
      },
      {
        sid: ghost.assessment_sid,
        questionSid: Q.q4,
        question: 'Compliance',
        category: 'Substance',
        answer: 'Ghost',
        answerScore: null,
        maxScore: null,
        weight: 3,
        notApplicable: false,
      },
    ]);
    expect(detail.segment).toMatchObject({
      segmentId: SEG.s1,
      agentName: 'Ada Agent',
      assessments: 12,
      comments: 1,
    });
    expect(detail.siblings.assessments.map((a) => a.assessor)).toEqual(['Ann', 'Cy']);
    expect(detail.siblings.comments.map((c) => c.text)).toEqual(['Warm greeting, missed the disclosure']);
    const na = await store.rowDetail('assessments', records.get('A1')![2]!.assessment_sid!);
    expect(na.assessment!.records[2]).toMatchObject({
      answer: 'N/A',
      notApplicable: true,
      answerScore: null,
    });
  });

  it('a comment: no assessment of its own, the segment’s assessments and other comments', async () => {
    const row = (await store.comments({ filters: { segmentIds: [SEG.s2] }, sort: [], offset: 0, limit: 10 }))
      .rows[0]!;
    const detail = await store.rowDetail('comments', row.sid);
    expect(detail.row).toEqual(row);
    expect(detail.assessment).toBeNull();
    expect(detail.siblings.assessments.map((a) => a.assessor)).toEqual(['Ann', 'Bob', 'Cy']);
    expect(detail.siblings.comments).toEqual([]);
    const gone = await store.rowDetail('comments', 'FM' + 'f'.repeat(32)).catch((e: unknown) => e);
    expect((gone as AppError).code).toBe('not_found');
  });
});

describe('saved views', () => {
  it('save by name (replacing), list by name, remove; they stay with the account', async () => {
    expect(await store.views()).toEqual([]);
    await store.saveView('My team, last 7 days', { teams: ['Alpha'], since: T0 });
    await store.saveView('all reported', { report: true });
    const replaced = await store.saveView('My team, last 7 days', { teams: ['Beta', 'Alpha'] });
    expect(replaced.map((v) => [v.name, v.filters])).toEqual([
      ['all reported', { report: true }],
      ['My team, last 7 days', { teams: ['Alpha', 'Beta'] }],
    ]);
    expect(replaced.every((v) => typeof v.savedAt === 'number')).toBe(true);
    await store.close();
    store = await openStore({ file: temp.file(), accountSid: ACCOUNT_SID });
    expect((await store.views()).map((v) => v.name)).toEqual(['all reported', 'My team, last 7 days']);
    expect(await store.removeView('all reported')).toMatchObject([{ name: 'My team, last 7 days' }]);
    expect(await store.removeView('not there')).toHaveLength(1);
  });
});
