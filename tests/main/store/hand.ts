/**
 * A small hand-built account whose scores, calibration figures and trends are worked out by hand
 * in scores.test.ts: three answer sets with easy scores, four questions, two questionnaires, three
 * assessors on three segments of two agents. Records go through the Flex client's schemas.
 */
import {
  AnswerSetsSchema,
  AssessmentSchema,
  CategorySchema,
  CommentSchema,
  CommentTagsSchema,
  QuestionnaireSchema,
  QuestionSchema,
  SegmentSchema,
} from '../../../src-main/flex/schemas.ts';
import type { Assessment, Comment, Segment } from '../../../src-main/flex/schemas.ts';
import type { ReferenceData } from '../../../src-main/store/types.ts';
import { ACCOUNT_SID, parse } from './fixture.ts';

export const sidOf = (prefix: string, n: number): string => prefix + n.toString(16).padStart(32, '0');

export const Q = { q1: sidOf('GE', 1), q2: sidOf('GE', 2), q3: sidOf('GE', 3), q4: sidOf('GE', 4) };
export const CAT = { c1: sidOf('FY', 1), c2: sidOf('FY', 2) };
export const QN = { main: sidOf('GM', 1), other: sidOf('GM', 2) };
export const QN_NAME = { main: 'Scorecard', other: 'Other' };
export const SEG = { s1: 'seg-1', s2: 'seg-2', s3: 'seg-3' };
export const AGENT = { a1: 'agent-1', a2: 'agent-2' };
export const TAG = { t1: 'tag-1', t2: 'tag-2' };

/** Answer ids: yes/no score 10/0 (max 10); a–d 4/2/1/0 (max 4); good/bad 3/0 (max 3, a later set); na; ghost is in no set. */
export const ANSWER = {
  yes: 'ans-yes',
  no: 'ans-no',
  a: 'ans-a',
  b: 'ans-b',
  c: 'ans-c',
  d: 'ans-d',
  good: 'ans-good',
  bad: 'ans-bad',
  na: 'ans-na',
  ghost: 'ans-ghost',
} as const;
const NAMES: Record<string, string> = {
  'ans-yes': 'Yes',
  'ans-no': 'No',
  'ans-a': 'A',
  'ans-b': 'B',
  'ans-c': 'C',
  'ans-d': 'D',
  'ans-good': 'Good',
  'ans-bad': 'Bad',
  'ans-na': 'N/A',
  'ans-ghost': 'Ghost',
};

const QUESTION_TEXT: Record<string, string> = {
  [Q.q1]: 'Greeting',
  [Q.q2]: 'Accuracy',
  [Q.q3]: 'Closing',
  [Q.q4]: 'Compliance',
};
const CATEGORY_OF: Record<string, string> = {
  [Q.q1]: CAT.c1,
  [Q.q2]: CAT.c2,
  [Q.q3]: CAT.c1,
  [Q.q4]: CAT.c2,
};

/**
 * Reference data. `q4Set: 'set-new'` adds the Good/Bad set and moves question 4 to it (its older
 * answers stay in the four-step set, which question 2 still uses); `yes` rescores Yes.
 */
export function reference(options: { q4Set?: 'set-5' | 'set-new'; yes?: number } = {}): ReferenceData {
  const setOf: Record<string, string> = {
    [Q.q1]: 'set-yn',
    [Q.q2]: 'set-5',
    [Q.q3]: 'set-yn',
    [Q.q4]: options.q4Set ?? 'set-5',
  };
  const answer = (id: string, score: number, sort: number) => ({
    id,
    name: NAMES[id],
    description: null,
    score,
    sort,
  });
  return {
    questionnaires: [
      { sid: QN.main, name: QN_NAME.main, questions: [Q.q1, Q.q2, Q.q3, Q.q4] },
      { sid: QN.other, name: QN_NAME.other, questions: [Q.q1] },
    ].map((q) =>
      parse(QuestionnaireSchema, {
        account_sid: ACCOUNT_SID,
        questionnaire_sid: q.sid,
        name: q.name,
        active: true,
        questions: q.questions.map((question_sid) => ({ question_sid })),
      }),
    ),
    questions: Object.entries(QUESTION_TEXT).map(([sid, text]) =>
      parse(QuestionSchema, {
        account_sid: ACCOUNT_SID,
        question_sid: sid,
        question: text,
        category: { category_sid: CATEGORY_OF[sid] },
        answer_set_id: setOf[sid],
        allow_na: true,
        answer_set: null,
      }),
    ),
    categories: [
      [CAT.c1, 'Manner'],
      [CAT.c2, 'Substance'],
    ].map(([sid, name]) => parse(CategorySchema, { account_sid: ACCOUNT_SID, category_sid: sid, name })),
    answerSets: parse(AnswerSetsSchema, {
      account_sid: ACCOUNT_SID,
      answer_sets: [
        {
          id: 'set-yn',
          name: 'Yes/No',
          answers: [answer(ANSWER.yes, options.yes ?? 10, 0), answer(ANSWER.no, 0, 1)],
        },
        {
          id: 'set-5',
          name: 'Four steps',
          answers: [
            answer(ANSWER.a, 4, 0),
            answer(ANSWER.b, 2, 1),
            answer(ANSWER.c, 1, 2),
            answer(ANSWER.d, 0, 3),
          ],
        },
        ...(options.q4Set === 'set-new'
          ? [
              {
                id: 'set-new',
                name: 'Good/Bad',
                answers: [answer(ANSWER.good, 3, 0), answer(ANSWER.bad, 0, 1)],
              },
            ]
          : []),
      ],
      not_applicable: answer(ANSWER.na, 0, 0),
    }),
    commentTags: parse(CommentTagsSchema, {
      account_sid: ACCOUNT_SID,
      comments: [
        { id: TAG.t1, name: 'Coaching', default: true, sort: 0 },
        { id: TAG.t2, name: 'Kudos', default: false, sort: 1 },
      ],
    }),
  };
}

const DAY = 86_400_000;
export const T0 = Date.UTC(2024, 2, 4, 9); // a Monday

interface Answered {
  q: string;
  answer: string;
  weight: number;
}
export interface HandAssessment {
  name: string;
  segment: string;
  agent: string;
  questionnaire: keyof typeof QN;
  assessor: string;
  email: string | null;
  at: number;
  answers: Answered[];
}

const w = (q: string, answer: string, weight: number): Answered => ({ q, answer, weight });

/**
 * The assessments, in list order. Scores by hand (Σ score × weight / Σ max × weight):
 * A1 = (10·2 + 2 + 12) / (10·2 + 4 + 12) = 34/36 (Q3 is N/A); A2 = (0 + 4 + 10) / (20 + 4 + 10) =
 * 14/34 (Q4's answer is in no set); A3 = (20 + 2 + 0 + 3) / (20 + 4 + 10 + 12) = 25/46;
 * B1 = (20 + 4 + 10 + 0) / 46 = 34/46; B2 = 46/46; B3 = 0/10; D1: nothing scored (null) until its
 * question 4 moves to the Good/Bad set, then 9/9.
 */
export const ASSESSMENTS: HandAssessment[] = [
  {
    name: 'A1',
    segment: SEG.s1,
    agent: AGENT.a1,
    questionnaire: 'main',
    assessor: 'Ann',
    email: 'ann@example.com',
    at: T0,
    answers: [w(Q.q1, ANSWER.yes, 2), w(Q.q2, ANSWER.b, 1), w(Q.q3, ANSWER.na, 1), w(Q.q4, ANSWER.a, 3)],
  },
  {
    name: 'A2',
    segment: SEG.s1,
    agent: AGENT.a1,
    questionnaire: 'main',
    assessor: 'Bob',
    email: null,
    at: T0 + DAY,
    answers: [w(Q.q1, ANSWER.no, 2), w(Q.q2, ANSWER.a, 1), w(Q.q3, ANSWER.yes, 1), w(Q.q4, ANSWER.ghost, 3)],
  },
  {
    name: 'A3',
    segment: SEG.s1,
    agent: AGENT.a1,
    questionnaire: 'main',
    assessor: 'Cy',
    email: 'cy@example.com',
    at: T0 + 2 * DAY,
    answers: [w(Q.q1, ANSWER.yes, 2), w(Q.q2, ANSWER.b, 1), w(Q.q3, ANSWER.no, 1), w(Q.q4, ANSWER.c, 3)],
  },
  {
    name: 'B1',
    segment: SEG.s2,
    agent: AGENT.a1,
    questionnaire: 'main',
    assessor: 'Ann',
    email: 'ann@example.com',
    at: T0 + 40 * DAY,
    answers: [w(Q.q1, ANSWER.yes, 2), w(Q.q2, ANSWER.a, 1), w(Q.q3, ANSWER.yes, 1), w(Q.q4, ANSWER.d, 3)],
  },
  {
    name: 'B2',
    segment: SEG.s2,
    agent: AGENT.a1,
    questionnaire: 'main',
    assessor: 'Bob',
    email: null,
    at: T0 + 41 * DAY,
    answers: [w(Q.q1, ANSWER.yes, 2), w(Q.q2, ANSWER.a, 1), w(Q.q3, ANSWER.yes, 1), w(Q.q4, ANSWER.a, 3)],
  },
  {
    name: 'B3',
    segment: SEG.s2,
    agent: AGENT.a1,
    questionnaire: 'other',
    assessor: 'Cy',
    email: 'cy@example.com',
    at: T0 + 42 * DAY,
    answers: [w(Q.q1, ANSWER.no, 1)],
  },
  {
    name: 'D1',
    segment: SEG.s3,
    agent: AGENT.a2,
    questionnaire: 'main',
    assessor: 'Ann',
    email: 'ann@example.com',
    at: T0 + 10 * DAY,
    answers: [w(Q.q3, ANSWER.na, 1), w(Q.q4, ANSWER.good, 3)],
  },
];

let counter = 0;
/** The records of one assessment (one per answered question, 7 s apart). */
export function recordsOf(a: HandAssessment): Assessment[] {
  return a.answers.map((x, p) =>
    parse(AssessmentSchema, {
      account_sid: ACCOUNT_SID,
      assessment_sid: sidOf('FM', ++counter),
      offset: String(p * 10),
      report: p % 2 === 0,
      weight: String(x.weight),
      agent_id: a.agent,
      segment_id: a.segment,
      user_name: a.assessor,
      user_email: a.email,
      answer_id: x.answer,
      answer_text: NAMES[x.answer],
      timestamp: String(a.at + p * 7000),
      assessment: {
        questionnaire: {
          questionnaire_sid: QN[a.questionnaire],
          name: QN_NAME[a.questionnaire],
          question: {
            question_sid: x.q,
            name: QUESTION_TEXT[x.q],
            category: { category_sid: CATEGORY_OF[x.q], name: null },
          },
        },
      },
    }),
  );
}

export function comment(
  segment: string,
  agent: string,
  assessor: string,
  text: string,
  tag: string | null,
  at: number,
): Comment {
  return parse(CommentSchema, {
    account_sid: ACCOUNT_SID,
    assessment_sid: sidOf('FM', 0x1000 + ++counter),
    offset: '1.0',
    report: true,
    weight: '1',
    agent_id: agent,
    segment_id: segment,
    user_name: assessor,
    user_email: null,
    timestamp: String(at),
    comment: { comment: text, category: tag === null ? null : { category_id: tag, name: null } },
  });
}

/**
 * Segments' details. Twilio's figures, matched by questionnaire name then order: seg-1 reports A1
 * (94.44, within half a point), A2 (41.18, within) and A3 (60: off by more, a mismatch); seg-2
 * lists "Other" first ("0" for B3), then B1 (73.9) and B2 (none reported).
 */
export function segments(): Segment[] {
  const base = (id: string, agent: string, name: string, team: string) => ({
    segment_id: id,
    agent_id: agent,
    agent_name: name,
    agent_team_name: team,
    queue: 'Support',
    date: new Date(T0).toISOString(),
    media: null,
  });
  return [
    {
      ...base(SEG.s1, AGENT.a1, 'Ada Agent', 'Alpha'),
      assessment_type: [QN_NAME.main, QN_NAME.main, QN_NAME.main],
      assessment_percentage: [94.44, 41.18, 60],
    },
    {
      ...base(SEG.s2, AGENT.a1, 'Ada Agent', 'Alpha'),
      assessment_type: [QN_NAME.other, QN_NAME.main, QN_NAME.main],
      assessment_percentage: ['0', 73.9, null],
    },
    { ...base(SEG.s3, AGENT.a2, 'Bo Agent', 'Beta'), assessment_type: [null], assessment_percentage: [null] },
  ].map((s) => parse(SegmentSchema, s));
}
