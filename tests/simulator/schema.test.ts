// Every endpoint's responses checked against Twilio's OpenAPI definition (vendored in ./spec).

import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from './index.ts';
import type { Simulator } from './index.ts';
import { examplesOf, get, loadSpec, responseValidators, shapeDiff } from './testkit.ts';

const spec = loadSpec();
const loose = responseValidators(spec, false);
const exact = responseValidators(spec, true);
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, assessments: 2000 });
});
afterAll(async () => {
  await sim.close();
});

type Data = Simulator['data'];
const qm = '/v1/Insights/QualityManagement';
const segmentOf = (d: Data) => d.segmentIds()[5] ?? '';

/** Requests per spec path, unfiltered and with each filter, built from the data set. */
const TARGETS: [string, string, (d: Data) => string][] = [
  ['assessments', `${qm}/Assessments`, () => ''],
  ['assessments by segment', `${qm}/Assessments`, (d) => `?SegmentId=${segmentOf(d)}&PageSize=5`],
  [
    'assessments, unknown segment',
    `${qm}/Assessments`,
    () => '?SegmentId=00000000-0000-5000-8000-000000000000',
  ],
  ['comments', `${qm}/Assessments/Comments`, () => ''],
  ['comments by segment', `${qm}/Assessments/Comments`, (d) => `?SegmentId=${segmentOf(d)}`],
  [
    'comments by agent',
    `${qm}/Assessments/Comments`,
    (d) => `?AgentId=${d.agentIdOf(segmentOf(d))}&PageSize=20`,
  ],
  ['segments', '/v1/Insights/Segments', () => ''],
  ['segments by id', '/v1/Insights/Segments', (d) => `?SegmentId=${segmentOf(d)}`],
  [
    'segments, one assessed by several',
    '/v1/Insights/Segments',
    (d) => `?SegmentId=${d.multiAssessorSegmentIds()[0]}`,
  ],
  [
    'segments by reservations',
    '/v1/Insights/Segments',
    (d) => `?ReservationId=${d.reservationIdsOf(segmentOf(d))[0]}&ReservationId=WR${'0'.repeat(32)}`,
  ],
  ['conversations', '/v1/Insights/Conversations', () => ''],
  ['conversations by segment', '/v1/Insights/Conversations', (d) => `?SegmentId=${segmentOf(d)}`],
  ['questionnaires', `${qm}/Questionnaires`, () => ''],
  ['questionnaires with inactive', `${qm}/Questionnaires`, () => '?IncludeInactive=true'],
  ['categories', `${qm}/Categories`, () => ''],
  ['questions', `${qm}/Questions`, () => ''],
  [
    'questions by categories',
    `${qm}/Questions`,
    (d) => `?CategorySid=${d.categorySids()[0]}&CategorySid=${d.categorySids()[1]}`,
  ],
  ['answer sets', `${qm}/Settings/AnswerSets`, () => ''],
  ['comment tags', `${qm}/Settings/CommentTags`, () => ''],
  ['user roles', '/v1/Insights/UserRoles', () => ''],
];

describe('responses match the OpenAPI definition', () => {
  it('vendored spec equals the shared reference copy when that is present', () => {
    const shared = new URL('../../../shared/reference/twilio_flex_v1_insights.json', import.meta.url);
    if (!existsSync(shared)) return; // only the vendored copy exists outside the workspace
    expect(loadSpec()).toEqual(JSON.parse(readFileSync(shared, 'utf8')));
  });

  it('covers every read endpoint the app uses', () => {
    const covered = new Set(TARGETS.map(([, path]) => path));
    const specGets = Object.keys(spec.paths).filter(
      (p) => spec.paths[p]?.get !== undefined && !p.includes('{'),
    );
    expect([...covered].sort()).toEqual(specGets.sort());
  });

  it.each(TARGETS)('%s', async (_name, path, query) => {
    const reply = await get(sim, path + query(sim.data));
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    const validateLoose = loose.get(path);
    const validateExact = exact.get(path);
    if (validateLoose === undefined || validateExact === undefined) throw new Error(`no schema for ${path}`);
    expect(validateLoose(reply.body), JSON.stringify(validateLoose.errors)).toBe(true);
    // Exactly the spec's fields: none missing, none extra.
    expect(validateExact(reply.body), JSON.stringify(validateExact.errors)).toBe(true);

    // Free-form parts (assessment, comment, answer_sets…) have the structure of the spec's examples.
    const body = reply.body as Record<string, unknown>;
    const examples = examplesOf(spec, path);
    expect(examples.length).toBeGreaterThan(0);
    const meta = body.meta as { key: string } | undefined;
    if (meta === undefined) {
      for (const example of examples) expect(shapeDiff(body, example)).toEqual([]);
    } else {
      const ours = body[meta.key] as unknown[];
      for (const example of examples) {
        const theirs = example[meta.key] as unknown[];
        if (ours.length > 0 && theirs.length > 0) expect(shapeDiff(ours[0], theirs[0])).toEqual([]);
        expect(Object.keys(body).sort()).toEqual(Object.keys(example).sort());
        expect(Object.keys(meta).sort()).toEqual(Object.keys(example.meta as object).sort());
      }
    }
  });

  it('the validators reject what the spec does not allow (they are not vacuous)', async () => {
    const path = `${qm}/Assessments`;
    const reply = await get(sim, `${path}?PageSize=1`);
    const body = reply.body as { assessments: Record<string, unknown>[] };
    const validateLoose = loose.get(path);
    const validateExact = exact.get(path);
    if (validateLoose === undefined || validateExact === undefined) throw new Error(`no schema for ${path}`);
    const record = body.assessments[0] ?? {};
    const variant = (patch: Record<string, unknown>) => ({ ...body, assessments: [{ ...record, ...patch }] });
    expect(validateLoose(variant({ offset: 0 }))).toBe(false); // strings since August 2025
    expect(validateLoose(variant({ assessment_sid: 'FMnothex' }))).toBe(false);
    expect(validateLoose(variant({ url: 'not a uri' }))).toBe(false);
    expect(validateLoose(variant({ weight: null }))).toBe(true); // nullable
    expect(validateExact(variant({ extra: 1 }))).toBe(false);
    const { user_email: _dropped, ...missing } = record;
    expect(validateExact({ ...body, assessments: [missing] })).toBe(false);
    const example = examplesOf(spec, path)[0]?.assessments as unknown[];
    expect(shapeDiff({ ...record, assessment: { questionnaire: { name: 'x' } } }, example[0])).not.toEqual(
      [],
    );
  });

  it('serves the spec formats: string offset/weight/timestamp, SID patterns, UUIDs, ISO dates', async () => {
    const [assessment] = sim.data.assessments({}, { limit: 1 });
    const [comment] = sim.data.comments({}, { limit: 1 });
    const [segment] = sim.data.segments({}, { limit: 1 });
    if (assessment === undefined || comment === undefined || segment === undefined)
      throw new Error('empty data');
    for (const record of [assessment, comment]) {
      expect(record.offset).toMatch(/^\d+\.\d$/);
      expect(record.weight).toMatch(/^\d+(\.\d+)?$/);
      expect(record.timestamp).toMatch(/^1\d{12}$/);
      expect(record.account_sid).toMatch(/^AC[0-9a-f]{32}$/);
      expect(record.assessment_sid).toMatch(/^FM[0-9a-f]{32}$/);
      expect(record.segment_id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
    const q = assessment.assessment.questionnaire;
    expect(q.questionnaire_sid).toMatch(/^GM[0-9a-f]{32}$/);
    expect(q.question.question_sid).toMatch(/^GE[0-9a-f]{32}$/);
    expect(q.question.category.category_sid).toMatch(/^FY[0-9a-f]{32}$/);
    expect(segment.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(new Date(segment.date).toISOString().replace('.000Z', 'Z')).toBe(segment.date);
    expect(sim.data.reservationIdsOf(segment.segment_id)[0]).toMatch(/^WR[0-9a-f]{32}$/);
  });
});
