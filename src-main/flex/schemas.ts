/**
 * Zod schemas for the Flex Insights QM records, after the component schemas of Twilio's OpenAPI
 * (shared/reference/twilio_flex_v1_insights.json): every field nullable, missing means null, SIDs
 * checked against their patterns. Typed fields are what QM Desk reads; the record as received,
 * unknown fields included, stays on each item as `raw`.
 */
import { z } from 'zod';

const text = z.string().nullable().default(null);
const flag = z.boolean().nullable().default(null);
const anything = z.unknown().transform((v) => v ?? null);
const sid = (prefix: string) =>
  z
    .string()
    .regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `expected a ${prefix}… SID`)
    .nullable()
    .default(null);

const NUMERIC = /^\s*-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;
/**
 * `offset`, `weight`, `timestamp` (and answer scores) were JSON numbers and are now strings
 * ("0.0", "1", "1657329694199"): both are accepted and normalised to a number; "" means null.
 */
const numeric = z
  .union([z.number(), z.string().regex(NUMERIC, 'expected a number'), z.literal('')])
  .nullable()
  .default(null)
  .transform((v) => (v === null || v === '' ? null : Number(v)));

export type JsonObject = Record<string, unknown>;
/** A parsed record plus the object exactly as Twilio sent it. */
export type WithRaw<T> = T & { raw: JsonObject };

const Category = z.object({ category_sid: sid('FY'), name: text });
const Question = z.object({
  question_sid: sid('GE'),
  name: text,
  category: Category.nullable().default(null),
});
const AssessmentDetail = z.object({
  questionnaire: z
    .object({ questionnaire_sid: sid('GM'), name: text, question: Question.nullable().default(null) })
    .nullable()
    .default(null),
});

const recordBase = {
  account_sid: sid('AC'),
  assessment_sid: sid('FM'),
  offset: numeric,
  report: flag,
  weight: numeric,
  agent_id: text,
  segment_id: text,
  user_name: text,
  user_email: text,
  timestamp: numeric,
  url: text,
};

export const AssessmentSchema = z.object({
  ...recordBase,
  answer_text: text,
  answer_id: text,
  assessment: AssessmentDetail.nullable().default(null),
});

export const CommentSchema = z.object({
  ...recordBase,
  comment: z
    .object({
      comment: text,
      category: z.object({ category_id: text, name: text }).nullable().default(null),
    })
    .nullable()
    .default(null),
});

export const SegmentSchema = z.object({
  segment_id: text,
  external_id: text,
  queue: text,
  external_contact: text,
  external_segment_link_id: text,
  date: text,
  account_id: text,
  external_segment_link: text,
  agent_id: text,
  agent_phone: text,
  agent_name: text,
  agent_team_name: text,
  agent_team_name_in_hierarchy: text,
  agent_link: text,
  customer_phone: text,
  customer_name: text,
  customer_link: text,
  segment_recording_offset: text,
  media: anything,
  assessment_type: anything,
  assessment_percentage: anything,
  url: text,
});

export const ConversationSchema = z.object({
  account_id: text,
  conversation_id: text,
  segment_count: z.number().int().nullable().default(null),
  segments: z.array(z.unknown()).nullable().default(null),
});

export const QuestionnaireSchema = z.object({
  account_sid: sid('AC'),
  questionnaire_sid: sid('GM'),
  name: text,
  description: text,
  active: flag,
  questions: z.array(z.unknown()).nullable().default(null),
  url: text,
});

export const CategorySchema = z.object({
  account_sid: sid('AC'),
  category_sid: sid('FY'),
  name: text,
  url: text,
});

export const QuestionSchema = z.object({
  account_sid: sid('AC'),
  question_sid: sid('GE'),
  question: text,
  description: text,
  category: anything,
  answer_set_id: text,
  allow_na: flag,
  usage: z.number().int().nullable().default(null),
  answer_set: anything,
  url: text,
});

const Answer = z.object({ id: text, name: text, description: text, score: numeric, sort: numeric });

export const AnswerSetsSchema = z.object({
  account_sid: sid('AC'),
  answer_sets: z
    .array(
      z.object({
        id: text,
        name: text,
        category_id: text,
        type: text,
        sort: numeric,
        answers: z.array(Answer).nullable().default(null),
      }),
    )
    .nullable()
    .default(null),
  answer_set_categories: z
    .array(z.object({ id: text, name: text, sort: numeric }))
    .nullable()
    .default(null),
  not_applicable: Answer.nullable().default(null),
  url: text,
});

export const CommentTagsSchema = z.object({
  account_sid: sid('AC'),
  comments: z
    .array(z.object({ id: text, name: text, default: flag, sort: numeric }))
    .nullable()
    .default(null),
  url: text,
});

export const UserRolesSchema = z.object({
  roles: z.array(z.string()).nullable().default(null),
  url: text,
});

export type Assessment = WithRaw<z.output<typeof AssessmentSchema>>;
export type Comment = WithRaw<z.output<typeof CommentSchema>>;
export type Segment = WithRaw<z.output<typeof SegmentSchema>>;
export type Conversation = WithRaw<z.output<typeof ConversationSchema>>;
export type Questionnaire = WithRaw<z.output<typeof QuestionnaireSchema>>;
export type Category = WithRaw<z.output<typeof CategorySchema>>;
export type Question = WithRaw<z.output<typeof QuestionSchema>>;
export type AnswerSets = WithRaw<z.output<typeof AnswerSetsSchema>>;
export type CommentTags = WithRaw<z.output<typeof CommentTagsSchema>>;
export type UserRoles = WithRaw<z.output<typeof UserRolesSchema>>;

/** The paging envelope's `meta`; extra fields are ignored. */
export const MetaSchema = z.object({
  key: z.string().min(1),
  page: z.number().int().nullable().default(null),
  page_size: z.number().int().nullable().default(null),
  url: text,
  first_page_url: text,
  previous_page_url: text,
  next_page_url: z.string().min(1).nullable().default(null),
});

/** Short, value-free description of what failed validation (no record content in messages). */
export function describeIssues(error: z.ZodError, prefix: string): string {
  const first = error.issues[0];
  if (!first) return prefix;
  const where = [prefix, ...first.path.map(String)].filter((p) => p !== '').join('.');
  return `${where}: ${first.message}`;
}

/** Parses one record and keeps what was received as `raw`; null plus a reason when it does not fit. */
export function parseRecord<S extends z.ZodType<object>>(
  schema: S,
  input: unknown,
  where: string,
): { ok: true; value: WithRaw<z.output<S>> } | { ok: false; reason: string } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, reason: `${where}: expected an object` };
  }
  const result = schema.safeParse(input);
  if (!result.success) return { ok: false, reason: describeIssues(result.error, where) };
  const value = result.data as WithRaw<z.output<S>>;
  value.raw = input as JsonObject;
  return { ok: true, value };
}
