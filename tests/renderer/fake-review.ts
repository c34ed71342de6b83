/**
 * Fake answers for the insight channels (agents, calibration, scores, demo), added to a fake
 * `window.qm` from fake-qm.ts. The fixtures are small but shaped like the store's: tests
 * compute what a view should show from them rather than repeating numbers.
 */
import { vi } from 'vitest';
import type {
  AGENT_COLUMNS,
  AgentDetail,
  AgentScorecard,
  AnswerDistribution,
  CalibrationReport,
  JobSnapshot,
  Result,
  RowWindow,
  StoredSegment,
} from '../../src-preload/contract.ts';
import { ok, snapshot, storedSegment, uuidOf, type FakeQm } from './fake-qm.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 2, 3); // a Monday

export function scorecard(i: number, overrides: Partial<AgentScorecard> = {}): AgentScorecard {
  return {
    agentId: uuidOf(i, 'a9e7'),
    name: `Agent ${String.fromCharCode(65 + (i % 26))}${i}`,
    team: `Team ${i % 3}`,
    assessments: 40 + ((i * 7) % 23),
    comments: (i * 3) % 11,
    meanScore: 55 + ((i * 13) % 40) + 0.37,
    trend: i % 4 === 0 ? null : ((i % 7) - 3) * 1.26,
    lastAssessedAt: T0 + i * DAY,
    ...overrides,
  };
}

export function agentDetail(profileId: string, card: AgentScorecard): AgentDetail {
  const segments: StoredSegment[] = [0, 1, 2].map((i) =>
    storedSegment(i + 1, { agentId: card.agentId, agentName: card.name }),
  );
  return {
    profileId,
    agent: card,
    overTime: [0, 1, 2, 3].map((w) => ({
      period: new Date(T0 + w * 7 * DAY).toISOString().slice(0, 10),
      assessments: 5 + w,
      meanScore: w === 2 ? null : 60 + w * 4.44,
    })),
    weakestQuestions: [
      { key: 'QS01', label: 'Greets the customer', assessments: 30, meanScore: 52.25, meanLost: 1.46 },
      { key: 'QS02', label: 'Confirms the fix', assessments: 28, meanScore: 61.5, meanLost: 0.94 },
    ],
    weakestCategories: [{ key: 'QC01', label: 'Empathy', assessments: 30, meanScore: 58.04, meanLost: 1.12 }],
    commentsByTag: [
      { tagId: 'tag-hold', tag: 'Hold time', count: 4 },
      { tagId: null, tag: null, count: 2 },
    ],
    segments,
  };
}

export function answerDistribution(profileId: string): AnswerDistribution {
  return {
    profileId,
    questions: [
      {
        questionSid: 'QS01',
        question: 'Greets the customer',
        answers: [
          { answer: 'Yes', count: 21, score: 1 },
          { answer: 'No', count: 9, score: 0 },
        ],
      },
      {
        questionSid: 'QS02',
        question: 'Confirms the fix',
        answers: [
          { answer: 'Yes', count: 17, score: 1 },
          { answer: 'No', count: 8, score: 0 },
          { answer: 'N/A', count: 3, score: null },
        ],
      },
    ],
  };
}

export function calibrationReport(profileId: string): CalibrationReport {
  const report: Omit<CalibrationReport, 'segmentCount'> = {
    profileId,
    segments: [
      {
        segmentId: uuidOf(11),
        questionnaireSid: 'QN01',
        questionnaire: 'Support QA',
        agentName: 'Agent A0',
        scores: [
          { assessor: 'ann@example.com', score: 82.5 },
          { assessor: 'bob@example.com', score: 64.25 },
        ],
        spread: 18.25,
      },
      {
        segmentId: uuidOf(12),
        questionnaireSid: 'QN01',
        questionnaire: 'Support QA',
        agentName: 'Agent B1',
        scores: [
          { assessor: 'ann@example.com', score: 75 },
          { assessor: 'bob@example.com', score: 70 },
          { assessor: 'cy@example.com', score: 71.5 },
        ],
        spread: 5,
      },
    ],
    questions: [
      { questionSid: 'QS01', question: 'Greets the customer', pairs: 4, agreement: 0.75 },
      { questionSid: 'QS02', question: 'Confirms the fix', pairs: 4, agreement: 0.25 },
    ],
    assessors: [
      { assessor: 'bob@example.com', sharedSegments: 2, leniency: -7.71 },
      { assessor: 'ann@example.com', sharedSegments: 2, leniency: 8.96 },
      { assessor: 'cy@example.com', sharedSegments: 1, leniency: -1.0 },
    ],
  };
  return { ...report, segmentCount: report.segments.length };
}

export interface InsightData {
  cards: AgentScorecard[];
  report?: (profileId: string) => CalibrationReport;
}

type ScorecardQuery = {
  profileId: string;
  search?: string;
  sort?: { column: (typeof AGENT_COLUMNS)[number]; dir: 'asc' | 'desc' };
  offset?: number;
  limit?: number;
};

/** The window the store would give: search on the name, sort, offset, limit. */
export function scorecardWindow(all: AgentScorecard[], q: ScorecardQuery): RowWindow<AgentScorecard> {
  const term = (q.search ?? '').trim().toLowerCase();
  const matching = term ? all.filter((c) => (c.name ?? c.agentId).toLowerCase().includes(term)) : all;
  const sort = q.sort ?? { column: 'assessments', dir: 'desc' };
  const sorted = [...matching].sort((a, b) => {
    const x = a[sort.column] ?? -Infinity;
    const y = b[sort.column] ?? -Infinity;
    const order = x < y ? -1 : x > y ? 1 : 0;
    return sort.dir === 'asc' ? order : -order;
  });
  const offset = q.offset ?? 0;
  return {
    profileId: q.profileId,
    total: sorted.length,
    offset,
    rows: sorted.slice(offset, offset + (q.limit ?? 100)),
  };
}

/** Adds the insight channels to a fake window.qm; returns their mocks. */
export function withInsights(fake: FakeQm, data: InsightData) {
  const demoProfileId = 'demo';
  const insights = {
    agents: {
      scorecards: vi.fn(async (q: ScorecardQuery): Promise<Result<RowWindow<AgentScorecard>>> =>
        ok(scorecardWindow(data.cards, q)),
      ),
      detail: vi.fn(async (q: { profileId: string; agentId: string }): Promise<Result<AgentDetail>> => {
        const card = data.cards.find((c) => c.agentId === q.agentId)!;
        return ok(agentDetail(q.profileId, card));
      }),
    },
    scores: {
      answers: vi.fn(async (q: { profileId: string }): Promise<Result<AnswerDistribution>> =>
        ok(answerDistribution(q.profileId)),
      ),
      groups: vi.fn(async (q: { profileId: string; by: string }) =>
        ok({ profileId: q.profileId, by: q.by, groups: [] }),
      ),
    },
    calibration: {
      report: vi.fn(async (q: { profileId: string }): Promise<Result<CalibrationReport>> =>
        ok((data.report ?? calibrationReport)(q.profileId)),
      ),
    },
    demo: {
      open: vi.fn(async (): Promise<Result<{ profileId: string; job: JobSnapshot | null }>> =>
        ok({
          profileId: demoProfileId,
          job: snapshot({ profileId: demoProfileId, label: 'Sync the demo data' }),
        }),
      ),
      remove: vi.fn(async (): Promise<Result<null>> => ok(null)),
    },
  };
  Object.assign(fake.api, insights);
  return insights;
}
