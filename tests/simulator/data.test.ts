// The seeded data set: determinism, exact counts, filters served over HTTP, realistic content, scale.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from './index.ts';
import type {
  AssessmentRecord,
  CommentRecord,
  ConversationRecord,
  QuestionnaireRecord,
  QuestionRecord,
  SegmentRecord,
  Simulator,
} from './index.ts';
import { accountAuth, collect, get, rawGet } from './testkit.ts';

const QM = '/v1/Insights/QualityManagement';
let sim: Simulator;
let assessments: AssessmentRecord[];
let comments: CommentRecord[];

beforeAll(async () => {
  sim = await startSimulator({ seed: 42, assessments: 3000 });
  // The unfiltered lists, fetched over HTTP: filters below are checked against these.
  assessments = (await collect(sim, `${QM}/Assessments?PageSize=1000`))
    .items as unknown as AssessmentRecord[];
  comments = (await collect(sim, `${QM}/Assessments/Comments?PageSize=1000`))
    .items as unknown as CommentRecord[];
});
afterAll(async () => {
  await sim.close();
});

describe('determinism', () => {
  it('gives byte-identical responses for the same seed and Host, different ones for another seed', async () => {
    const twin = await startSimulator({ seed: 42, assessments: 3000 });
    const other = await startSimulator({ seed: 43, assessments: 3000 });
    try {
      const paths = [
        `${QM}/Assessments?PageSize=200&Page=3`,
        `${QM}/Assessments/Comments?PageSize=100`,
        '/v1/Insights/Segments?PageSize=100',
        '/v1/Insights/Conversations?PageSize=100',
        `${QM}/Questions`,
        `${QM}/Settings/AnswerSets`,
      ];
      for (const path of paths) {
        const bodies = await Promise.all(
          [sim, twin, other].map((s) => rawGet(s, path, accountAuth(s.accounts[0]!), 'sim.test')),
        );
        const [a, b, c] = bodies.map((r) => r.body);
        expect(a?.equals(b ?? Buffer.alloc(0)), path).toBe(true);
        expect(a?.equals(c ?? Buffer.alloc(0)), path).toBe(false);
      }
    } finally {
      await Promise.all([twin.close(), other.close()]);
    }
  });
});

describe('counts and uniqueness', () => {
  it('has exactly `assessments` assessments and floor(n/4) comments, every SID unique', () => {
    expect(assessments).toHaveLength(3000);
    expect(sim.data.countAssessments()).toBe(3000);
    expect(comments).toHaveLength(750);
    expect(sim.data.countComments()).toBe(750);
    const sids = [...assessments, ...comments].map((r) => r.assessment_sid);
    expect(new Set(sids).size).toBe(sids.length);
  });

  it('honours an explicit comment count, including more comments than assessments and zero', async () => {
    const many = await startSimulator({ assessments: 10, comments: 25 });
    const none = await startSimulator({ assessments: 10, comments: 0 });
    try {
      const { items } = await collect(many, `${QM}/Assessments/Comments?PageSize=7`);
      expect(items).toHaveLength(25);
      expect(new Set(items.map((c) => c.assessment_sid)).size).toBe(25);
      expect((await collect(none, `${QM}/Assessments/Comments`)).items).toEqual([]);
    } finally {
      await Promise.all([many.close(), none.close()]);
    }
  });

  it('agrees with the data-set accessors record for record', () => {
    expect(assessments).toEqual(sim.data.assessments());
    expect(comments).toEqual(sim.data.comments());
    expect(sim.data.assessment(2999)).toEqual(assessments[2999]);
    expect(() => sim.data.assessment(3000)).toThrow(RangeError);
  });
});

describe('filters', () => {
  const bySegment = (segmentId: string) => assessments.filter((a) => a.segment_id === segmentId);

  it('SegmentId on assessments returns exactly that segment’s records (every segment)', async () => {
    const segmentIds = sim.data.segmentIds();
    expect(new Set(assessments.map((a) => a.segment_id)).size).toBeLessThan(segmentIds.length); // some unassessed
    for (const segmentId of segmentIds) {
      expect(sim.data.countAssessments({ segmentId })).toBe(bySegment(segmentId).length);
    }
    for (const segmentId of segmentIds.slice(0, 40)) {
      const { items } = await collect(sim, `${QM}/Assessments?SegmentId=${segmentId}&PageSize=3`);
      expect(items).toEqual(bySegment(segmentId));
    }
  });

  it('SegmentId and AgentId on comments, alone and together', async () => {
    const segmentIds = sim.data.segmentIds().slice(0, 30);
    for (const segmentId of segmentIds) {
      const { items } = await collect(sim, `${QM}/Assessments/Comments?SegmentId=${segmentId}`);
      expect(items).toEqual(comments.filter((c) => c.segment_id === segmentId));
      expect(sim.data.countComments({ segmentId })).toBe(items.length);
    }
    for (const agentId of sim.data.agentIds()) {
      const expected = comments.filter((c) => c.agent_id === agentId);
      expect(sim.data.countComments({ agentId })).toBe(expected.length);
      expect(sim.data.comments({ agentId })).toEqual(expected);
    }
    const agentId = sim.data.agentIds()[2] ?? '';
    const { items } = await collect(sim, `${QM}/Assessments/Comments?AgentId=${agentId}&PageSize=9`);
    expect(items).toEqual(comments.filter((c) => c.agent_id === agentId));
    expect(items.length).toBeGreaterThan(0);

    const withComments = comments[0] as CommentRecord;
    const both = `${QM}/Assessments/Comments?SegmentId=${withComments.segment_id}`;
    const same = await collect(sim, `${both}&AgentId=${withComments.agent_id}`);
    expect(same.items).toEqual(comments.filter((c) => c.segment_id === withComments.segment_id));
    const otherAgent = sim.data.agentIds().find((a) => a !== withComments.agent_id);
    expect((await collect(sim, `${both}&AgentId=${otherAgent}`)).items).toEqual([]);
    expect((await collect(sim, `${QM}/Assessments/Comments?AgentId=nobody`)).items).toEqual([]);
  });

  it('Segments by SegmentId and by repeated ReservationId', async () => {
    const all = (await collect(sim, '/v1/Insights/Segments?PageSize=1000'))
      .items as unknown as SegmentRecord[];
    expect(all.map((s) => s.segment_id)).toEqual(sim.data.segmentIds());
    const [a, b, c] = [all[4], all[9], all[2]] as [SegmentRecord, SegmentRecord, SegmentRecord];
    const wr = (s: SegmentRecord) => sim.data.reservationIdsOf(s.segment_id)[0] ?? '';
    const byReservation = await collect(
      sim,
      `/v1/Insights/Segments?ReservationId=${wr(a)}&ReservationId=${wr(b)}&ReservationId=${wr(c)}&ReservationId=${wr(a)}`,
    );
    expect(byReservation.items).toEqual([c, a, b]); // list order, no duplicates
    expect((await collect(sim, `/v1/Insights/Segments?SegmentId=${b.segment_id}`)).items).toEqual([b]);
    const mismatch = await collect(
      sim,
      `/v1/Insights/Segments?SegmentId=${b.segment_id}&ReservationId=${wr(a)}`,
    );
    expect(mismatch.items).toEqual([]);
    expect((await collect(sim, `/v1/Insights/Segments?ReservationId=WR${'f'.repeat(32)}`)).items).toEqual([]);
    expect(sim.data.reservationIdsOf('no-such-segment')).toEqual([]);
  });

  it('Conversations group consecutive segments; SegmentId finds the one that holds it', async () => {
    const all = (await collect(sim, '/v1/Insights/Conversations?PageSize=1000'))
      .items as unknown as ConversationRecord[];
    expect(all.flatMap((c) => c.segments.map((s) => s.segment_id))).toEqual(sim.data.segmentIds());
    expect(all.every((c) => c.segment_count === c.segments.length)).toBe(true);
    expect(all.some((c) => c.segment_count > 1)).toBe(true);
    const holder = all.find((c) => c.segment_count > 1) as ConversationRecord;
    const segmentId = holder.segments[1]?.segment_id ?? '';
    expect((await collect(sim, `/v1/Insights/Conversations?SegmentId=${segmentId}`)).items).toEqual([holder]);
  });

  it('Questionnaires exclude inactive ones unless IncludeInactive=true', async () => {
    const active = (await collect(sim, `${QM}/Questionnaires`)).items as unknown as QuestionnaireRecord[];
    const explicitFalse = (await collect(sim, `${QM}/Questionnaires?IncludeInactive=false`)).items;
    const every = (await collect(sim, `${QM}/Questionnaires?IncludeInactive=true&PageSize=2`))
      .items as unknown as QuestionnaireRecord[];
    expect(active.every((q) => q.active)).toBe(true);
    expect(explicitFalse).toEqual(active);
    expect(every.filter((q) => !q.active).length).toBeGreaterThan(0);
    expect(every.filter((q) => q.active)).toEqual(active);
    const fetched = await get(sim, `${QM}/Questionnaires/${every[0]?.questionnaire_sid}`);
    expect(fetched.body).toEqual(every[0]);
  });

  it('Questions by repeated CategorySid', async () => {
    const all = (await collect(sim, `${QM}/Questions`)).items as unknown as QuestionRecord[];
    const [c1 = '', c2 = ''] = sim.data.categorySids();
    const some = (await collect(sim, `${QM}/Questions?CategorySid=${c1}&CategorySid=${c2}`)).items;
    expect(some).toEqual(all.filter((q) => q.category.category_sid === c1 || q.category.category_sid === c2));
    expect(some.length).toBeGreaterThan(0);
    expect((await collect(sim, `${QM}/Questions?CategorySid=FY${'0'.repeat(32)}`)).items).toEqual([]);
  });
});

describe('content', () => {
  it('answers come from the question’s answer set, with some N/A; scores feed the segment percentage', async () => {
    const questions = (await collect(sim, `${QM}/Questions`)).items as unknown as QuestionRecord[];
    const answerSets = (await get(sim, `${QM}/Settings/AnswerSets`)).body as ReturnType<
      Simulator['data']['answerSets']
    >;
    const na = answerSets.not_applicable;
    expect(na.name).toBe('N/A');
    const yesNo = answerSets.answer_sets.find((s) => s.name === 'Yes, No');
    expect(yesNo?.answers.map((a) => [a.name, a.score])).toEqual([
      ['Yes', 100],
      ['No', 0],
    ]);
    const setOf = new Map(questions.map((q) => [q.question_sid, q.answer_set]));
    let naCount = 0;
    for (const a of assessments) {
      const set = setOf.get(a.assessment.questionnaire.question.question_sid);
      expect(set).toBeDefined();
      if (a.answer_id === na.id) {
        naCount++;
        expect(a.answer_text).toBe('N/A');
      } else {
        expect(set?.answers.find((x) => x.id === a.answer_id)?.name).toBe(a.answer_text);
      }
    }
    expect(naCount).toBeGreaterThan(0);
    expect(new Set(assessments.map((a) => a.weight)).size).toBeGreaterThan(2);

    // Segments report one assessment_percentage per assessment (records sharing segment,
    // questionnaire and assessor), in list order: the formula, except on the mismatched segments.
    const score = new Map(answerSets.answer_sets.flatMap((s) => s.answers.map((x) => [x.id, x.score])));
    const maxOf = new Map(
      questions.map((q) => [q.question_sid, Math.max(...q.answer_set.answers.map((x) => x.score))]),
    );
    const groups = new Map<string, { key: string; got: number; max: number }[]>();
    for (const a of assessments) {
      const key = `${a.assessment.questionnaire.questionnaire_sid} ${a.user_name} ${a.user_email}`;
      const list = groups.get(a.segment_id) ?? [];
      groups.set(a.segment_id, list);
      if (list.at(-1)?.key !== key) list.push({ key, got: 0, max: 0 });
      const group = list.at(-1)!;
      if (a.answer_id === na.id) continue;
      group.got += Number(a.weight) * (score.get(a.answer_id) ?? NaN);
      group.max += Number(a.weight) * (maxOf.get(a.assessment.questionnaire.question.question_sid) ?? NaN);
    }
    const mismatched = new Set(sim.data.percentageMismatchSegmentIds());
    expect(mismatched.size).toBeGreaterThan(0);
    const segments = (await collect(sim, '/v1/Insights/Segments?PageSize=1000'))
      .items as unknown as SegmentRecord[];
    let multi = 0;
    for (const segment of segments) {
      const mine = groups.get(segment.segment_id) ?? [];
      if (mine.length > 1) multi++;
      const expected = mine.map((g) => (g.max === 0 ? null : (g.got / g.max) * 100));
      if (mine.length === 0) {
        expect(segment.assessment_percentage).toEqual([null]);
        expect(segment.assessment_type).toEqual([null]);
        continue;
      }
      expect(segment.assessment_percentage).toHaveLength(expected.length);
      expect(segment.assessment_type).toHaveLength(expected.length);
      segment.assessment_percentage.forEach((reported, k) => {
        const formula = expected[k] ?? null;
        if (formula === null) return expect(reported).toBeNull();
        const off = Math.abs((reported ?? NaN) - formula);
        if (mismatched.has(segment.segment_id)) expect(off).toBeGreaterThanOrEqual(2.99);
        else expect(off).toBeLessThanOrEqual(0.005 + 1e-9); // rounded to 2 decimals
      });
    }
    expect(multi).toBeGreaterThan(0);
  });

  it('comment text has quotes, commas, newlines, non-Latin script and emoji; categories come from CommentTags', async () => {
    const texts = comments.map((c) => c.comment.comment);
    for (const pattern of [/"/, /,/, /\n/, /„Danke“/, /[\u3040-\u30ff]/, /\p{Extended_Pictographic}/u, /'/]) {
      expect(
        texts.some((t) => pattern.test(t)),
        String(pattern),
      ).toBe(true);
    }
    const tags = (await get(sim, `${QM}/Settings/CommentTags`)).body as {
      comments: { id: string; name: string }[];
    };
    const tagName = new Map(tags.comments.map((t) => [t.id, t.name]));
    for (const c of comments) {
      if (c.comment.category !== null)
        expect(tagName.get(c.comment.category.category_id)).toBe(c.comment.category.name);
    }
    expect(comments.some((c) => c.comment.category === null)).toBe(true);
  });

  it('has agents with names and teams, dates in order, and nulls where the spec allows them', () => {
    const agents = sim.data.agents();
    expect(agents.length).toBeGreaterThanOrEqual(6);
    expect(new Set(agents.map((a) => a.team)).size).toBeGreaterThan(1);
    const segments = sim.data.segments();
    const dates = segments.map((s) => s.date);
    expect([...dates].sort()).toEqual(dates);
    expect(segments.every((s) => agents.some((a) => a.id === s.agent_id && a.name === s.agent_name))).toBe(
      true,
    );
    expect(segments.some((s) => s.external_segment_link === null)).toBe(true);
    expect(segments.some((s) => s.external_segment_link !== null)).toBe(true);
    expect(assessments.some((a) => a.user_email === null)).toBe(true);
  });
});

describe('scale', () => {
  it('serves a late page of a 1M-assessment account from a few MB of index', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const big = await startSimulator({ seed: 5, assessments: 1_000_000 });
    try {
      const data = big.data;
      const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
      expect(heapGrowth).toBeLessThan(64 * 1024 * 1024); // generous: records are never materialised
      const last = await get(big, `${QM}/Assessments?PageSize=1000&Page=999`);
      const page = last.body as { assessments: AssessmentRecord[]; meta: { next_page_url: string | null } };
      expect(page.assessments).toHaveLength(1000);
      expect(page.assessments[999]).toEqual(data.assessment(999_999));
      expect(page.meta.next_page_url).toBeNull();

      const lastSegment = data.segmentIdAt(data.segmentCount - 1);
      const bySegment = await collect(big, `${QM}/Assessments?SegmentId=${lastSegment}`);
      expect(bySegment.items.at(-1)).toEqual(data.assessment(999_999));
      expect(bySegment.items.every((a) => a.segment_id === lastSegment)).toBe(true);

      const agentId = data.agentIds()[0] ?? '';
      const total = data.countComments({ agentId });
      expect(total).toBeGreaterThan(100);
      const tail = await get(
        big,
        `${QM}/Assessments/Comments?AgentId=${agentId}&PageSize=50&Page=${Math.floor((total - 1) / 50)}`,
      );
      const tailComments = (tail.body as { comments: CommentRecord[] }).comments;
      expect(tailComments.length).toBe(total - Math.floor((total - 1) / 50) * 50);
      expect(tailComments.every((c) => c.agent_id === agentId)).toBe(true);
    } finally {
      await big.close();
    }
  });
});
