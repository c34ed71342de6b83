// Synthetic store rows for the export tests and `bench/export.ts`: realistic values (SIDs,
// UUIDs, names with commas, quotes, accents and emoji, question text with line breaks and
// quotes, answers such as "-" or "=…" that the formula guard must catch, numbers, booleans,
// epoch timestamps), each derived from its index so nothing large is kept.
import type { AssessmentRow } from '../../../src-preload/contract.ts';

const AGENTS = [
  'Pat O’Brien',
  'Lee, Sam',
  'Alex "AJ" Jones',
  'Zoë Müller',
  'María-José Núñez',
  '李小龍',
  'Chris 🚀 Park',
  'Dana Smith',
];
const TEAMS = ['Billing, Tier 1', 'Sales', 'Support "Gold"', 'Retention'];
const QUEUES = ['billing', 'sales-emea', 'support', 'callbacks'];
const QUESTIONNAIRES = ['Call quality 2024', 'Onboarding, v2', 'Escalations'];
const CATEGORIES = ['Greeting', 'Compliance', 'Resolution', 'Soft skills'];
const QUESTIONS = [
  'Did the agent greet the customer by name?',
  'Was the hold time under 2 minutes, or a callback offered?',
  'Did the agent say "thank you"\nbefore ending the call?',
  'Compliance statement read in full?\r\nIncluding the recording notice.',
  'Empathy shown (tone, pace, wording)',
];
const ANSWERS: [string, number | null][] = [
  ['Yes', 100],
  ['No', 0],
  ['N/A', null],
  ['3 – Average', 50],
  ['-', 0],
  ['=1+1 (typed by an assessor)', 0],
];
const ASSESSORS: [string, string][] = [
  ['Robin Reviewer', 'robin@example.com'],
  ['Kim "QA" Lead', 'kim.lead@example.com'],
  ['@sam', 'sam@example.com'],
];
const T0 = Date.UTC(2024, 0, 1);
const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
const pick = <T>(list: readonly T[], n: number): T => list[n % list.length] as T;

export function syntheticRow(i: number): AssessmentRow {
  const assessment = Math.floor(i / 8);
  const agent = assessment % 97;
  const [answer, score] = pick(ANSWERS, (i * 7) % 11);
  const [assessor, email] = pick(ASSESSORS, assessment);
  return {
    sid: `FM${hex(i, 32)}`,
    segmentId: `${hex(assessment, 8)}-0000-4000-8000-${hex(assessment * 31, 12)}`,
    agentId: `agent-${agent}`,
    agentName: pick(AGENTS, agent),
    team: pick(TEAMS, agent),
    queue: pick(QUEUES, assessment),
    questionnaireSid: `GM${hex(assessment % 3, 32)}`,
    questionnaire: pick(QUESTIONNAIRES, assessment),
    questionSid: `GE${hex(i % 8, 32)}`,
    question: pick(QUESTIONS, i),
    categorySid: `FY${hex(i % 4, 32)}`,
    category: pick(CATEGORIES, i),
    answerId: `${hex(i % 6, 8)}-1111-4000-8000-000000000000`,
    answer,
    answerScore: score,
    weight: i % 5 === 0 ? 0.5 : 1,
    offset: (i % 13) * 1.5,
    report: i % 3 !== 0,
    assessor,
    assessorEmail: email,
    timestamp: T0 + assessment * 61_000 + (i % 8),
  };
}

/** Pages of rows 0 … rows-1, `pageSize` at a time, made on demand. */
export function* syntheticPages(rows: number, pageSize = 1000): Generator<AssessmentRow[]> {
  for (let start = 0; start < rows; start += pageSize) {
    const page: AssessmentRow[] = [];
    for (let i = start; i < Math.min(rows, start + pageSize); i++) page.push(syntheticRow(i));
    yield page;
  }
}
