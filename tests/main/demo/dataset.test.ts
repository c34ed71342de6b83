// The demo data generator on its own (no HTTP): assessments as groups of records, several assessors
// per segment with realistic disagreement, scores and the Segments percentages, the mismatch share.
// Expectations are recomputed from the records, never taken from the generator's own score.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDataset, DEFAULT_PERCENTAGE_MISMATCH_SHARE } from '../../../src-main/demo/dataset.ts';
import type { AssessmentRecord, DatasetOptions, SimDataset } from '../../../src-main/demo/dataset.ts';

const ACCOUNT = `AC${'b'.repeat(32)}`;
const make = (options: Partial<DatasetOptions> = {}): SimDataset =>
  createDataset({
    seed: 3,
    accountSid: ACCOUNT,
    assessments: 30_000,
    origin: 'http://demo.invalid',
    ...options,
  });

const data = make();
const records = data.assessments();

interface Group {
  segmentId: string;
  questionnaireSid: string;
  userName: string;
  userEmail: string | null;
  records: AssessmentRecord[];
}

/** Records cut into runs that share segment, questionnaire and assessor (list order). */
function groupsOf(list: AssessmentRecord[]): Group[] {
  const groups: Group[] = [];
  for (const r of list) {
    const last = groups.at(-1);
    const questionnaireSid = r.assessment.questionnaire.questionnaire_sid;
    if (
      last?.segmentId === r.segment_id &&
      last.questionnaireSid === questionnaireSid &&
      last.userName === r.user_name &&
      last.userEmail === r.user_email
    ) {
      last.records.push(r);
    } else {
      groups.push({
        segmentId: r.segment_id,
        questionnaireSid,
        userName: r.user_name,
        userEmail: r.user_email,
        records: [r],
      });
    }
  }
  return groups;
}

const groups = groupsOf(records);
const bySegment = new Map<string, Group[]>();
for (const g of groups) bySegment.set(g.segmentId, [...(bySegment.get(g.segmentId) ?? []), g]);

// Scores from the reference data the API serves: answer scores, each question's answer set, N/A.
const answerSets = data.answerSets();
const scoreOf = new Map(answerSets.answer_sets.flatMap((s) => s.answers.map((a) => [a.id, a.score])));
const rankOf = new Map(answerSets.answer_sets.flatMap((s) => s.answers.map((a, i) => [a.id, i])));
const maxOf = new Map(
  data.questions().map((q) => [q.question_sid, Math.max(...q.answer_set.answers.map((a) => a.score))]),
);
function formula(group: Group): number | null {
  let got = 0;
  let max = 0;
  for (const r of group.records) {
    if (r.answer_id === answerSets.not_applicable.id) continue;
    got += Number(r.weight) * (scoreOf.get(r.answer_id) ?? NaN);
    max += Number(r.weight) * (maxOf.get(r.assessment.questionnaire.question.question_sid) ?? NaN);
  }
  return max === 0 ? null : (got / max) * 100;
}

describe('assessments as groups of records', () => {
  it('each group answers its questionnaire’s questions once, in order; one questionnaire per segment', () => {
    const questionnaires = new Map(
      data.questionnaires({ includeInactive: true }).map((q) => [q.questionnaire_sid, q]),
    );
    groups.forEach((g, n) => {
      const asked = questionnaires.get(g.questionnaireSid)?.questions.map((q) => q.question_sid) ?? [];
      const answered = g.records.map((r) => r.assessment.questionnaire.question.question_sid);
      // Only the list's very last assessment may be cut short (the total is exactly N).
      expect(answered).toEqual(n === groups.length - 1 ? asked.slice(0, answered.length) : asked);
    });
    for (const list of bySegment.values()) {
      expect(new Set(list.map((g) => g.questionnaireSid)).size).toBe(1);
      expect(new Set(list.map((g) => `${g.userName} ${g.userEmail}`)).size).toBe(list.length);
    }
    expect(data.assessmentGroupCount).toBe(groups.length);
  });

  it('about one assessed segment in ten has two or three assessors', () => {
    const multi = [...bySegment.entries()].filter(([, list]) => list.length > 1);
    expect(multi.map(([id]) => id)).toEqual(data.multiAssessorSegmentIds());
    expect(new Set(multi.map(([, list]) => list.length))).toEqual(new Set([2, 3]));
    const share = multi.length / bySegment.size;
    expect(share).toBeGreaterThan(0.07);
    expect(share).toBeLessThan(0.13);
  });

  it('assessorsOf, assessmentsOf and segmentIdsOfAgent describe the records', () => {
    const assessors = new Map(data.assessors().map((a) => [a.name, a]));
    for (const segmentId of data.segmentIds()) {
      const mine = bySegment.get(segmentId) ?? [];
      expect(data.assessorsOf(segmentId)).toEqual(mine.map((g) => assessors.get(g.userName)));
      const described = data.assessmentsOf(segmentId);
      expect(described.map((a) => [a.questionnaireSid, a.userName, a.userEmail, a.recordCount])).toEqual(
        mine.map((g) => [g.questionnaireSid, g.userName, g.userEmail, g.records.length]),
      );
      for (const [k, a] of described.entries()) {
        expect(records[a.firstIndex]).toBe(mine[k]?.records[0]);
        const expected = formula(mine[k] as Group);
        if (expected === null) expect(a.score).toBeNull();
        else expect(a.score).toBeCloseTo(expected, 9);
      }
      expect(described.reduce((n, a) => n + a.recordCount, 0)).toBe(data.countAssessments({ segmentId }));
    }
    expect(data.assessorsOf('no-such-segment')).toEqual([]);
    expect(data.assessmentsOf('no-such-segment')).toEqual([]);

    const segments = data.segments();
    for (const agentId of data.agentIds()) {
      expect(data.segmentIdsOfAgent(agentId)).toEqual(
        segments.filter((s) => s.agent_id === agentId).map((s) => s.segment_id),
      );
    }
    expect(data.segmentIdsOfAgent('nobody')).toEqual([]);
  });

  it('comments carry the assessor of the record they follow, so multi-assessor segments have several', () => {
    // A comment sits at the offset of the record it follows (offsets are unique only almost surely).
    const assessorsAt = new Map<string, Set<string>>();
    for (const r of records) {
      const key = `${r.segment_id} ${r.offset}`;
      assessorsAt.set(key, (assessorsAt.get(key) ?? new Set()).add(r.user_name));
    }
    const comments = data.comments();
    for (const c of comments) expect(assessorsAt.get(`${c.segment_id} ${c.offset}`)).toContain(c.user_name);
    const multi = new Set(data.multiAssessorSegmentIds());
    const namesBySegment = new Map<string, Set<string>>();
    for (const c of comments.filter((c) => multi.has(c.segment_id))) {
      namesBySegment.set(c.segment_id, (namesBySegment.get(c.segment_id) ?? new Set()).add(c.user_name));
    }
    expect([...namesBySegment.values()].some((names) => names.size > 1)).toBe(true);
  });
});

describe('disagreement between assessors of the same segment', () => {
  const multi = [...bySegment.values()].filter((list) => list.length > 1);

  it('mostly the same answer, sometimes one step off, occasionally far off', () => {
    let pairs = 0;
    let same = 0;
    let oneStep = 0;
    let far = 0;
    for (const list of multi) {
      for (let x = 0; x < list.length; x++) {
        for (let y = x + 1; y < list.length; y++) {
          (list[x] as Group).records.forEach((a, q) => {
            const b = (list[y] as Group).records[q] as AssessmentRecord;
            pairs++;
            const step = Math.abs((rankOf.get(a.answer_id) ?? NaN) - (rankOf.get(b.answer_id) ?? NaN));
            if (a.answer_id === b.answer_id) same++;
            else if (step === 1) oneStep++;
            else if (step >= 2) far++;
          });
        }
      }
    }
    expect(same / pairs).toBeGreaterThan(0.6);
    expect(same / pairs).toBeLessThan(0.85);
    expect(oneStep / pairs).toBeGreaterThan(0.1);
    expect(far / pairs).toBeGreaterThan(0.005);
    expect(far).toBeLessThan(oneStep);
  });

  it('leniency: mean difference from the other assessors follows each assessor’s bias', () => {
    const differences = new Map<string, number[]>();
    for (const list of multi) {
      for (const g of list) {
        const mine = formula(g);
        const others = list.filter((o) => o !== g).map(formula);
        if (mine === null || others.includes(null)) continue;
        const mean = (others as number[]).reduce((s, x) => s + x, 0) / others.length;
        differences.set(g.userName, [...(differences.get(g.userName) ?? []), mine - mean]);
      }
    }
    const leniency = data.assessors().map((a) => {
      const diffs = differences.get(a.name) ?? [];
      expect(diffs.length, a.name).toBeGreaterThan(50); // enough shared segments to rest on
      return { ...a, measured: diffs.reduce((s, x) => s + x, 0) / diffs.length };
    });
    for (const a of leniency)
      if (Math.abs(a.leniency) >= 0.3) expect(Math.sign(a.measured)).toBe(Math.sign(a.leniency));
    const byBias = [...leniency].sort((a, b) => a.leniency - b.leniency);
    const byMeasure = [...leniency].sort((a, b) => a.measured - b.measured);
    expect(byMeasure[0]?.name).toBe(byBias[0]?.name);
    expect(byMeasure.at(-1)?.name).toBe(byBias.at(-1)?.name);
  });
});

describe('Segments assessment_percentage', () => {
  it('has one entry per assessment, the formula rounded to 2 decimals, except on mismatched segments', () => {
    const mismatched = new Set(data.percentageMismatchSegmentIds());
    let checked = 0;
    for (const segment of data.segments()) {
      const mine = bySegment.get(segment.segment_id) ?? [];
      if (mine.length === 0) {
        expect([segment.assessment_type, segment.assessment_percentage]).toEqual([[null], [null]]);
        continue;
      }
      const questionnaire = mine[0]?.records[0]?.assessment.questionnaire.name;
      expect(segment.assessment_type).toEqual(mine.map(() => questionnaire));
      expect(segment.assessment_percentage).toHaveLength(mine.length);
      mine.forEach((g, k) => {
        const expected = formula(g);
        const reported = segment.assessment_percentage[k] ?? null;
        expect(data.assessmentsOf(segment.segment_id)[k]?.reportedPercentage).toBe(reported);
        if (expected === null) return expect(reported).toBeNull();
        const off = Math.abs((reported ?? NaN) - expected);
        checked++;
        if (mismatched.has(segment.segment_id)) {
          expect(off).toBeGreaterThanOrEqual(2.99);
          expect(off).toBeLessThanOrEqual(20.01);
          expect(reported).toBeGreaterThanOrEqual(0);
          expect(reported).toBeLessThanOrEqual(100);
        } else {
          expect(off).toBeLessThanOrEqual(0.005 + 1e-9);
          expect(Math.round((reported ?? NaN) * 100) / 100).toBe(reported);
        }
      });
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('disagrees on a deterministic share of scored segments (default 5%); shares nest', () => {
    const scored = data.segmentIds().filter((id) => data.assessmentsOf(id).some((a) => a.score !== null));
    const at = (share?: number) =>
      (share === undefined ? data : make({ percentageMismatchShare: share })).percentageMismatchSegmentIds();
    expect(DEFAULT_PERCENTAGE_MISMATCH_SHARE).toBe(0.05);
    const small = at();
    const large = at(0.3);
    expect(small.length / scored.length).toBeGreaterThan(0.03);
    expect(small.length / scored.length).toBeLessThan(0.07);
    expect(large.length / scored.length).toBeGreaterThan(0.26);
    expect(large.length / scored.length).toBeLessThan(0.34);
    expect(small.every((id) => large.includes(id))).toBe(true);
    expect(at(0)).toEqual([]);
    expect(at(1)).toEqual(scored);
    expect(make().percentageMismatchSegmentIds()).toEqual(small);
    // Only the percentages move: the records are the same whatever the share.
    expect(make({ percentageMismatchShare: 1, assessments: 500 }).assessments()).toEqual(
      make({ percentageMismatchShare: 0, assessments: 500 }).assessments(),
    );
    for (const bad of [-0.1, 1.5, Number.NaN]) {
      expect(() => make({ percentageMismatchShare: bad })).toThrow(RangeError);
    }
  });
});

describe('sizes and bundling', () => {
  it('keeps exactly N records for any N, cutting only the last assessment short', () => {
    for (const n of [0, 1, 7, 1001]) {
      const small = make({ assessments: n });
      const list = small.assessments();
      expect(list).toHaveLength(n);
      const cut = groupsOf(list);
      expect(small.assessmentGroupCount).toBe(cut.length);
      const described = small.segmentIds().flatMap((id) => small.assessmentsOf(id));
      expect(described.filter((a) => a.recordCount < a.questionCount).length).toBeLessThanOrEqual(1);
      expect(described.slice(0, -1).every((a) => a.recordCount === a.questionCount)).toBe(true);
    }
  });

  it('src-main/demo imports nothing but its own modules (it bundles into the Electron main process)', () => {
    // The generator and its API (api/) are pure; dispatcher.ts alone adapts them to undici.
    const dir = new URL('../../../src-main/demo/', import.meta.url);
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files).toEqual(
      expect.arrayContaining(['dataset.ts', 'api/routes.ts', 'api/paging.ts', 'dispatcher.ts']),
    );
    for (const file of files) {
      const source = readFileSync(new URL(file, dir), 'utf8');
      const imports = [...source.matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map(
        (m) => m[1] ?? '',
      );
      for (const target of imports) {
        const own =
          /^\.\.?\/.*\.ts$/.test(target) && new URL(target, new URL(file, dir)).href.startsWith(dir.href);
        const adapter = file === 'dispatcher.ts' && (target === 'undici' || target === 'node:http');
        // service.ts is the app's side of the demo (accounts, sync, jobs): main process only, never the simulator.
        const app = file === 'service.ts' && target.startsWith('../');
        expect(own || adapter || app, `${file} imports ${target}`).toBe(true);
      }
      if (file !== 'dispatcher.ts') expect(source).not.toMatch(/\b(require\(|process\.\w|Buffer\.\w)/); // Node globals
    }
  });
});
