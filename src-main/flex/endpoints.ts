import type { z } from 'zod';
import { FlexError } from './errors.ts';
import {
  AssessmentSchema,
  CategorySchema,
  CommentSchema,
  ConversationSchema,
  QuestionnaireSchema,
  QuestionSchema,
  SegmentSchema,
  type Assessment,
  type Category,
  type Comment,
  type Conversation,
  type Question,
  type Questionnaire,
  type Segment,
} from './schemas.ts';

export const API_PREFIX = '/v1/Insights/';

export interface AssessmentFilters {
  segmentId?: string;
}
export interface CommentFilters {
  segmentId?: string;
  agentId?: string;
}
export interface SegmentFilters {
  segmentId?: string;
  /** WR… Task reservation SIDs; sent as repeated ReservationId parameters. */
  reservationIds?: string[];
}
export interface ConversationFilters {
  segmentId?: string;
}
export interface QuestionnaireFilters {
  includeInactive?: boolean;
}
export type NoFilters = Record<string, never>;
export interface QuestionFilters {
  /** FY… category SIDs; sent as repeated CategorySid parameters. */
  categorySids?: string[];
}

/** Each list endpoint's filters and record type. */
export interface ListEndpoints {
  assessments: { filters: AssessmentFilters; record: Assessment };
  comments: { filters: CommentFilters; record: Comment };
  segments: { filters: SegmentFilters; record: Segment };
  conversations: { filters: ConversationFilters; record: Conversation };
  questionnaires: { filters: QuestionnaireFilters; record: Questionnaire };
  categories: { filters: NoFilters; record: Category };
  questions: { filters: QuestionFilters; record: Question };
}
export type ListEndpoint = keyof ListEndpoints;
export type FiltersOf<E extends ListEndpoint> = ListEndpoints[E]['filters'];
export type RecordOf<E extends ListEndpoint> = ListEndpoints[E]['record'];

export interface ListEndpointDef {
  /** Below /v1/Insights/. */
  path: string;
  /** The list key in the payload, which `meta.key` must name. */
  key: string;
  schema: z.ZodType<object>;
  /** Filter name -> query parameter (arrays are repeated). */
  params: Record<string, string>;
}

export const LIST_ENDPOINTS: Record<ListEndpoint, ListEndpointDef> = {
  assessments: {
    path: 'QualityManagement/Assessments',
    key: 'assessments',
    schema: AssessmentSchema,
    params: { segmentId: 'SegmentId' },
  },
  comments: {
    path: 'QualityManagement/Assessments/Comments',
    key: 'comments',
    schema: CommentSchema,
    params: { segmentId: 'SegmentId', agentId: 'AgentId' },
  },
  segments: {
    path: 'Segments',
    key: 'segments',
    schema: SegmentSchema,
    params: { segmentId: 'SegmentId', reservationIds: 'ReservationId' },
  },
  conversations: {
    path: 'Conversations',
    key: 'conversations',
    schema: ConversationSchema,
    params: { segmentId: 'SegmentId' },
  },
  questionnaires: {
    path: 'QualityManagement/Questionnaires',
    key: 'questionnaires',
    schema: QuestionnaireSchema,
    params: { includeInactive: 'IncludeInactive' },
  },
  categories: { path: 'QualityManagement/Categories', key: 'categories', schema: CategorySchema, params: {} },
  questions: {
    path: 'QualityManagement/Questions',
    key: 'questions',
    schema: QuestionSchema,
    params: { categorySids: 'CategorySid' },
  },
};

export const SINGLE_PATHS = {
  answerSets: 'QualityManagement/Settings/AnswerSets',
  commentTags: 'QualityManagement/Settings/CommentTags',
  userRoles: 'UserRoles',
} as const;

export const MAX_PAGE_SIZE = 1000;

function badArgument(message: string): FlexError {
  return new FlexError('bad_request', message);
}

/** PascalCase query for the first page: the filters (arrays repeated) in table order, then PageSize. */
export function buildQuery(
  def: ListEndpointDef,
  filters: object,
  pageSize: number | undefined,
): URLSearchParams {
  const query = new URLSearchParams();
  for (const name of Object.keys(filters)) {
    if (!(name in def.params)) throw badArgument(`“${name}” is not a filter of ${def.path}.`);
  }
  const values = filters as Record<string, unknown>;
  for (const [name, param] of Object.entries(def.params)) {
    const value = values[name];
    if (value === undefined || value === null) continue;
    const list = Array.isArray(value) ? value : [value];
    for (const item of list) {
      if (typeof item === 'boolean') query.append(param, item ? 'true' : 'false');
      else if (typeof item === 'string' && item !== '') query.append(param, item);
      else throw badArgument(`The filter “${name}” must be ${Array.isArray(value) ? 'a list of ' : ''}text.`);
    }
  }
  if (pageSize !== undefined) {
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw badArgument(`The page size must be a whole number from 1 to ${MAX_PAGE_SIZE}.`);
    }
    query.set('PageSize', String(pageSize));
  }
  return query;
}
