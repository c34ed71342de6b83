/**
 * Scores, Twilio's figures, calibration and agent figures on the demo generator's data, against
 * what the generator says each assessment scored (assessmentsOf) and the records it served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimAssessment } from '../../../src-main/demo/dataset.ts';
import { openStore } from '../../../src-main/store/index.ts';
import type { Store } from '../../../src-main/store/index.ts';
import type { AssessmentScoreRow } from '../../../src-preload/contract.ts';
import { ACCOUNT_SID, buildFixture, chunks, tempDir } from './fixture.ts';
import type { Fixture } from './fixture.ts';

const DAY = 86_400_000;
let fixture: Fixture;
let temp: Awaited<ReturnType<typeof tempDir>>;
let store: Store;
let rows: Map<string, AssessmentScoreRow>;

const keyOf = (a: SimAssessment) =>
  JSON.stringify([a.segmentId, a.questionnaireSid, a.userName, a.userEmail]);
const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
const scored = (list: SimAssessment[]) => list.flatMap((a) => (a.score === null ? [] : [a.score]));

/** Every assessment the generator made, in list order. */
const expected = (): SimAssessment[] =>
  fixture.data.segmentIds().flatMap((s) => fixture.data.assessmentsOf(s));
/** An assessment's timestamp: its earliest record's. */
function timestampOf(a: SimAssessment): number {
  let min = Infinity;
  for (let i = a.firstIndex; i < a.firstIndex + a.recordCount; i++)
    min = Math.min(min, Number(fixture.data.assessment(i).timestamp));
  return min;
}

beforeAll(async () => {
  fixture = buildFixture({ seed: 11, assessments: 4000 });
  temp = await tempDir();
  store = await openStore({ file: temp.file(), accountSid: ACCOUNT_SID });
  await store.putReference(fixture.reference);
  await store.upsertSegments(fixture.segments);
  for (const kind of ['assessments', 'comments'] as const) {
    const records = fixture[kind];
    const { pass } = await store.openPass(kind, { all: true });
    const pages = chunks<(typeof records)[number]>(records, 250);
    for (const [i, page] of pages.entries()) {
      await store.commitPage({
        kind,
        scope: { all: true },
        pass,
        records: page,
        next: i === pages.length - 1 ? null : `n${i}`,
      } as never);
    }
  }
  rows = new Map();
  for (let offset = 0; ; offset += 1000) {
    const window = await store.scores({ filters: {}, sort: [], offset, limit: 1000 });
    for (const row of window.rows) rows.set(row.assessmentKey, row);
    if (offset + 1000 >= window.total) break;
  }
});
afterAll(async () => {
  await store.close();
  await temp.remove();
});

describe('scores of the generated data', () => {
  it('one row per assessment, scored as the generator scored it, with its reported percentage', () => {
    const all = expected();
    expect(rows.size).toBe(fixture.data.assessmentGroupCount);
    expect(all).toHaveLength(rows.size);
    for (const a of all) {
      const row = rows.get(keyOf(a));
      expect(row, keyOf(a)).toBeDefined();
      if (a.score === null) expect(row!.score).toBeNull();
      else expect(row!.score).toBeCloseTo(a.score, 9);
      expect(row!.twilioPercentage).toBe(a.reportedPercentage);
      expect(row!.answered + row!.notApplicable).toBe(a.recordCount);
      expect(row!.timestamp).toBe(timestampOf(a));
    }
  });

  it('flags a mismatch exactly on the segments whose percentage disagrees with the formula', () => {
    const flagged = new Set([...rows.values()].filter((r) => r.mismatch).map((r) => r.segmentId));
    const disagreeing = fixture.data.percentageMismatchSegmentIds();
    expect(disagreeing.length).toBeGreaterThan(0);
    expect([...flagged].sort()).toEqual([...disagreeing].sort());
  });

  it('means per agent and per questionnaire are means of the assessments', async () => {
    const byAgent = new Map<string, SimAssessment[]>();
    for (const a of expected()) {
      const agent = fixture.data.agentIdOf(a.segmentId)!;
      byAgent.set(agent, [...(byAgent.get(agent) ?? []), a]);
    }
    const groups = await store.scoreGroups({ filters: {}, by: 'agent', period: 'week', limit: 1000 });
    expect(groups.groups).toHaveLength(byAgent.size);
    for (const g of groups.groups) {
      const list = byAgent.get(g.key)!;
      expect(g.assessments).toBe(list.length);
      expect(g.meanScore).toBeCloseTo(mean(scored(list))!, 9);
      expect(g.label).toBe(fixture.data.agents().find((x) => x.id === g.key)!.name);
    }
    const byQuestionnaire = await store.scoreGroups({
      filters: {},
      by: 'questionnaire',
      period: 'week',
      limit: 100,
    });
    for (const g of byQuestionnaire.groups) {
      const list = expected().filter((a) => a.questionnaireSid === g.key);
      expect([g.label, g.assessments]).toEqual([list[0]!.questionnaireName, list.length]);
      expect(g.meanScore).toBeCloseTo(mean(scored(list))!, 9);
    }
  });

  it('scorecards: counts, means and the 30-day trend per agent', async () => {
    const cards = await store.agentScorecards({
      filters: {},
      search: '',
      sort: { column: 'assessments', dir: 'desc' },
      offset: 0,
      limit: 1000,
    });
    expect(cards.total).toBe(fixture.data.agentIds().length);
    for (const card of cards.rows) {
      const list = expected()
        .filter((a) => fixture.data.agentIdOf(a.segmentId) === card.agentId)
        .map((a) => ({ a, at: timestampOf(a) }));
      const last = Math.max(...list.map((x) => x.at));
      const windowMean = (from: number, to: number) =>
        mean(scored(list.filter((x) => x.at > from && x.at <= to).map((x) => x.a)));
      const recent = windowMean(last - 30 * DAY, last);
      const earlier = windowMean(last - 60 * DAY, last - 30 * DAY);
      expect(card.assessments).toBe(list.length);
      expect(card.comments).toBe(fixture.data.countComments({ agentId: card.agentId }));
      expect(card.lastAssessedAt).toBe(last);
      if (recent === null || earlier === null) expect(card.trend).toBeNull();
      else expect(card.trend).toBeCloseTo(recent - earlier, 9);
    }
    expect(cards.rows.some((c) => c.trend !== null)).toBe(true);
  });
});

describe('calibration of the generated data', () => {
  it('lists the multi-assessor segments with their scores and spread', async () => {
    const report = await store.calibration({ filters: {} });
    const multi = fixture.data.multiAssessorSegmentIds();
    expect(multi.length).toBeGreaterThan(5);
    expect(report.segments.map((s) => s.segmentId).sort()).toEqual([...multi].sort());
    expect(report.segmentCount).toBe(multi.length);
    for (const segment of report.segments) {
      const list = fixture.data.assessmentsOf(segment.segmentId);
      expect(segment.scores.map((s) => s.assessor)).toEqual(list.map((a) => a.userName));
      segment.scores.forEach((s, i) => {
        const want = list[i]!.score;
        if (want === null) expect(s.score).toBeNull();
        else expect(s.score).toBeCloseTo(want, 9);
      });
      const known = scored(list);
      expect(segment.spread).toBeCloseTo(Math.max(...known) - Math.min(...known), 9);
    }
    const spreads = report.segments.map((s) => s.spread ?? -1);
    expect(spreads).toEqual([...spreads].sort((a, b) => b - a));
  });

  it('leniency per assessor: their score minus the mean of the others on the same segment', async () => {
    const report = await store.calibration({ filters: {} });
    const diffs = new Map<string, number[]>();
    for (const segmentId of fixture.data.multiAssessorSegmentIds()) {
      const list = fixture.data.assessmentsOf(segmentId);
      list.forEach((a, i) => {
        const others = scored(list.filter((_, j) => j !== i));
        if (a.score === null || others.length === 0) return;
        diffs.set(a.userName, [...(diffs.get(a.userName) ?? []), a.score - mean(others)!]);
      });
    }
    expect(report.assessors.map((a) => a.assessor).sort()).toEqual([...diffs.keys()].sort());
    for (const a of report.assessors) {
      expect(a.sharedSegments).toBe(diffs.get(a.assessor)!.length);
      expect(a.leniency).toBeCloseTo(mean(diffs.get(a.assessor)!)!, 9);
    }
    // The generator's lenient assessors come out lenient, its strict ones strict.
    const byName = new Map(report.assessors.map((a) => [a.assessor, a.leniency!]));
    const lenient = fixture.data
      .assessors()
      .filter((a) => a.leniency >= 0.5)
      .map((a) => a.name);
    const strict = fixture.data
      .assessors()
      .filter((a) => a.leniency <= -0.5)
      .map((a) => a.name);
    for (const name of lenient) if (byName.has(name)) expect(byName.get(name)!).toBeGreaterThan(0);
    for (const name of strict) if (byName.has(name)) expect(byName.get(name)!).toBeLessThan(0);
  });

  it('agreement per question: the share of assessor pairs on a segment giving the same answer', async () => {
    const report = await store.calibration({ filters: {} });
    const multi = new Set(fixture.data.multiAssessorSegmentIds());
    // The records of each (segment, question), by assessment.
    const answers = new Map<string, string[]>();
    for (const r of fixture.data.assessments()) {
      if (!multi.has(r.segment_id)) continue;
      const key = `${r.segment_id}/${r.assessment.questionnaire.question.question_sid}`;
      answers.set(key, [...(answers.get(key) ?? []), r.answer_id]);
    }
    const totals = new Map<string, { pairs: number; same: number }>();
    for (const [key, list] of answers) {
      const question = key.split('/')[1]!;
      const t = totals.get(question) ?? { pairs: 0, same: 0 };
      for (let i = 0; i < list.length; i++)
        for (let j = i + 1; j < list.length; j++) {
          t.pairs++;
          if (list[i] === list[j]) t.same++;
        }
      totals.set(question, t);
    }
    expect(report.questions.map((q) => q.questionSid).sort()).toEqual([...totals.keys()].sort());
    for (const q of report.questions) {
      const t = totals.get(q.questionSid)!;
      expect(q.pairs).toBe(t.pairs);
      expect(q.agreement).toBeCloseTo(t.same / t.pairs, 12);
    }
    // Assessors mostly agree, not always.
    const overall =
      report.questions.reduce((a, q) => a + q.agreement! * q.pairs, 0) /
      report.questions.reduce((a, q) => a + q.pairs, 0);
    expect(overall).toBeGreaterThan(0.5);
    expect(overall).toBeLessThan(0.95);
  });
});
