import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LIST_ENDPOINTS, SINGLE_PATHS, buildQuery } from '../../../src-main/flex/endpoints.ts';
import {
  AnswerSetsSchema,
  AssessmentSchema,
  CommentTagsSchema,
  parseRecord,
  UserRolesSchema,
} from '../../../src-main/flex/schemas.ts';
import { SPEC_FILE } from '../../simulator/testkit.ts';

// Twilio's OpenAPI for these endpoints: the copy vendored with the simulator (checked against shared/).
const spec = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as {
  paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, unknown> }> } }>;
};

function examplesOf(path: string): unknown[] {
  const content = spec.paths[`/v1/Insights/${path}`]?.get?.responses['200']?.content?.['application/json'] as
    { examples?: Record<string, { value: unknown }> } | undefined;
  return Object.values(content?.examples ?? {}).map((e) => e.value);
}

const assessment = {
  account_sid: `AC${'a'.repeat(32)}`,
  assessment_sid: `FM${'b'.repeat(32)}`,
  offset: '0.0',
  report: true,
  weight: '1',
  agent_id: 'agent',
  segment_id: 'segment',
  user_name: 'Supervisor',
  user_email: 'supervisor@example.com',
  answer_id: 'answer',
  answer_text: 'Fair',
  timestamp: '1657329694199',
  assessment: {
    questionnaire: {
      questionnaire_sid: `GM${'c'.repeat(32)}`,
      name: 'CX',
      question: {
        question_sid: `GE${'d'.repeat(32)}`,
        name: 'Listening',
        category: { category_sid: `FY${'e'.repeat(32)}`, name: 'Training' },
      },
    },
  },
  url: 'https://flex-api.twilio.com/v1/Insights/QualityManagement/Assessments/FM',
};

describe('record schemas', () => {
  for (const [name, def] of Object.entries(LIST_ENDPOINTS)) {
    it(`accept every record in the spec's ${name} examples`, () => {
      const pages = examplesOf(def.path) as Record<string, unknown>[];
      expect(pages.length).toBeGreaterThan(0);
      for (const page of pages) {
        for (const [i, record] of (page[def.key] as unknown[]).entries()) {
          const result = parseRecord(def.schema, record, `${def.key}[${i}]`);
          expect(result.ok ? 'ok' : result.reason).toBe('ok');
        }
      }
    });
  }

  it.each([
    ['answer sets', SINGLE_PATHS.answerSets, AnswerSetsSchema],
    ['comment tags', SINGLE_PATHS.commentTags, CommentTagsSchema],
    ['user roles', SINGLE_PATHS.userRoles, UserRolesSchema],
  ] as const)('accept the spec example for %s', (_, path, schema) => {
    const [example] = examplesOf(path);
    const result = parseRecord(schema, example, path);
    expect(result.ok).toBe(true);
  });

  it('normalises offset, weight and timestamp from strings or numbers to numbers', () => {
    const fromStrings = parseRecord(AssessmentSchema, assessment, 'a');
    const fromNumbers = parseRecord(
      AssessmentSchema,
      { ...assessment, offset: 12.5, weight: 2, timestamp: 1657329694199 },
      'a',
    );
    if (!fromStrings.ok || !fromNumbers.ok) throw new Error('expected both to parse');
    expect([fromStrings.value.offset, fromStrings.value.weight, fromStrings.value.timestamp]).toEqual([
      0, 1, 1657329694199,
    ]);
    expect([fromNumbers.value.offset, fromNumbers.value.weight, fromNumbers.value.timestamp]).toEqual([
      12.5, 2, 1657329694199,
    ]);
    const empty = parseRecord(AssessmentSchema, { ...assessment, weight: '' }, 'a');
    expect(empty.ok && empty.value.weight).toBeNull();
  });

  it('keeps the record as received, unknown fields included, and reads missing fields as null', () => {
    const input = { ...assessment, brand_new_field: { nested: [1, 2] } } as Record<string, unknown>;
    delete input.user_email;
    const result = parseRecord(AssessmentSchema, input, 'a');
    if (!result.ok) throw new Error(result.reason);
    expect(result.value.raw).toBe(input);
    expect(result.value.raw.brand_new_field).toEqual({ nested: [1, 2] });
    expect(result.value.raw.offset).toBe('0.0');
    expect(result.value.user_email).toBeNull();
    expect(result.value.assessment?.questionnaire?.question?.category?.name).toBe('Training');
  });

  it.each([
    ['a malformed account SID', { account_sid: 'AC123' }, 'a.account_sid'],
    ['a wrong SID prefix', { assessment_sid: `GM${'b'.repeat(32)}` }, 'a.assessment_sid'],
    ['a non-numeric weight', { weight: 'heavy' }, 'a.weight'],
    ['a string report flag', { report: 'yes' }, 'a.report'],
    [
      'a nested SID',
      { assessment: { questionnaire: { questionnaire_sid: 'GMxyz' } } },
      'a.assessment.questionnaire.questionnaire_sid',
    ],
  ])('rejects %s and says where, without the value', (_, patch, where) => {
    const result = parseRecord(AssessmentSchema, { ...assessment, ...patch }, 'a');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason.startsWith(`${where}:`)).toBe(true);
      expect(result.reason).not.toContain('heavy');
    }
  });

  it('rejects records that are not objects', () => {
    expect(parseRecord(AssessmentSchema, [assessment], 'a').ok).toBe(false);
    expect(parseRecord(AssessmentSchema, 'x', 'a').ok).toBe(false);
  });
});

describe('query building', () => {
  it('uses PascalCase keys, repeats list filters and appends PageSize', () => {
    const query = buildQuery(LIST_ENDPOINTS.segments, { segmentId: 's1', reservationIds: ['WR1', 'WR2'] }, 7);
    expect(query.toString()).toBe('SegmentId=s1&ReservationId=WR1&ReservationId=WR2&PageSize=7');
    expect(buildQuery(LIST_ENDPOINTS.questionnaires, { includeInactive: false }, 50).toString()).toBe(
      'IncludeInactive=false&PageSize=50',
    );
    expect(buildQuery(LIST_ENDPOINTS.comments, { agentId: 'a b&c' }, 1).getAll('AgentId')).toEqual(['a b&c']);
  });

  it.each([0, 1001, 2.5, Number.NaN])('rejects page size %s', (size) => {
    expect(() => buildQuery(LIST_ENDPOINTS.assessments, {}, size)).toThrow(/page size/);
  });

  it('rejects a filter the endpoint does not have', () => {
    expect(() => buildQuery(LIST_ENDPOINTS.assessments, { agentId: 'x' }, 50)).toThrow(/not a filter/);
  });
});
