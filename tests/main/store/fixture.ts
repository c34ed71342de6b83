/**
 * Store fixtures from the simulator's generator: the records exactly as the Flex client hands
 * them over (parsed by its schemas, raw kept), so tests compute their expectations from the data.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
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
} from '../../../src-main/flex/schemas.ts';
import type { Assessment, Comment, Segment, WithRaw } from '../../../src-main/flex/schemas.ts';
import type { ReferenceData } from '../../../src-main/store/types.ts';
import { createDataset } from '../../../src-main/demo/dataset.ts';
import type { SimDataset } from '../../../src-main/demo/dataset.ts';

export const ACCOUNT_SID = 'AC' + 'a1'.repeat(16);
export const OTHER_ACCOUNT_SID = 'AC' + 'b2'.repeat(16);
const ORIGIN = 'http://127.0.0.1:9';

export function parse<S extends z.ZodType<object>>(schema: S, input: unknown): WithRaw<z.output<S>> {
  const result = parseRecord(schema, input, 'fixture');
  if (!result.ok) throw new Error(result.reason);
  return result.value;
}

export interface Fixture {
  data: SimDataset;
  assessments: Assessment[];
  comments: Comment[];
  segments: Segment[];
  reference: ReferenceData;
}

export function buildFixture(options: { seed: number; assessments: number; comments?: number }): Fixture {
  const data = createDataset({ ...options, accountSid: ACCOUNT_SID, origin: ORIGIN });
  return {
    data,
    assessments: data.assessments().map((r) => parse(AssessmentSchema, r)),
    comments: data.comments().map((r) => parse(CommentSchema, r)),
    segments: data.segments().map((r) => parse(SegmentSchema, r)),
    reference: referenceOf(data),
  };
}

export function referenceOf(data: SimDataset): ReferenceData {
  return {
    questionnaires: data.questionnaires({ includeInactive: true }).map((r) => parse(QuestionnaireSchema, r)),
    questions: data.questions().map((r) => parse(QuestionSchema, r)),
    categories: data.categories().map((r) => parse(CategorySchema, r)),
    answerSets: parse(AnswerSetsSchema, data.answerSets()),
    commentTags: parse(CommentTagsSchema, data.commentTags()),
  };
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A fresh temp folder per test; removed afterwards. */
export async function tempDir(): Promise<{
  dir: string;
  file: (name?: string) => string;
  remove: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'qm-store-'));
  return {
    dir,
    file: (name = 'store.sqlite') => join(dir, name),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
