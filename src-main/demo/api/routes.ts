// The read endpoints: query validation, filters, and the list envelope with its paging meta.

import type { ListFilters, ListKind, SimDataset } from '../dataset.ts';
import { errors } from './errors.ts';
import { pageUrl } from './paging.ts';
import type { ListMeta, Paging } from './paging.ts';

export interface RouteContext {
  dataset: SimDataset;
  accountSid: string;
  origin: string;
  path: string;
  query: URLSearchParams;
  paging: Paging;
}

/** What a request produces before faults are applied. `list` is set for 200 list responses. */
export interface Outcome {
  status: number;
  body: unknown;
  list?: { key: string; meta: ListMeta; sameOffsetNextUrl: string };
}

type Filters = [string, string][];
type ParsedFilter<K extends ListKind> = { filter: ListFilters[K]; pairs: Filters } | string;

interface ListRoute<K extends ListKind> {
  kind: K;
  parse(query: URLSearchParams): ParsedFilter<K>;
}

const FY = /^FY[0-9a-fA-F]{32}$/;
const WR = /^WR[0-9a-fA-F]{32}$/;

function one(query: URLSearchParams, name: string, pairs: Filters): string | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  pairs.push([name, value]);
  return value;
}

function many(
  query: URLSearchParams,
  name: string,
  pattern: RegExp,
  pairs: Filters,
): string[] | undefined | string {
  const values = query.getAll(name);
  if (values.length === 0) return undefined;
  const bad = values.find((v) => !pattern.test(v));
  if (bad !== undefined) return `Invalid ${name} '${bad}': must match ${pattern.source}`;
  for (const v of values) pairs.push([name, v]);
  return values;
}

const LISTS: Record<string, ListRoute<ListKind>> = {
  '/v1/Insights/QualityManagement/Assessments': {
    kind: 'assessments',
    parse: (q) => {
      const pairs: Filters = [];
      return { filter: { segmentId: one(q, 'SegmentId', pairs) }, pairs };
    },
  },
  '/v1/Insights/QualityManagement/Assessments/Comments': {
    kind: 'comments',
    parse: (q) => {
      const pairs: Filters = [];
      return { filter: { segmentId: one(q, 'SegmentId', pairs), agentId: one(q, 'AgentId', pairs) }, pairs };
    },
  },
  '/v1/Insights/Segments': {
    kind: 'segments',
    parse: (q) => {
      const pairs: Filters = [];
      const segmentId = one(q, 'SegmentId', pairs);
      const reservationIds = many(q, 'ReservationId', WR, pairs);
      return typeof reservationIds === 'string'
        ? reservationIds
        : { filter: { segmentId, reservationIds }, pairs };
    },
  },
  '/v1/Insights/Conversations': {
    kind: 'conversations',
    parse: (q) => {
      const pairs: Filters = [];
      return { filter: { segmentId: one(q, 'SegmentId', pairs) }, pairs };
    },
  },
  '/v1/Insights/QualityManagement/Questionnaires': {
    kind: 'questionnaires',
    parse: (q) => {
      const pairs: Filters = [];
      const value = q.get('IncludeInactive');
      if (value === null) return { filter: {}, pairs };
      const normal = value.toLowerCase();
      if (normal !== 'true' && normal !== 'false')
        return `IncludeInactive must be true or false, got '${value}'`;
      pairs.push(['IncludeInactive', normal]);
      return { filter: { includeInactive: normal === 'true' }, pairs };
    },
  },
  '/v1/Insights/QualityManagement/Categories': {
    kind: 'categories',
    parse: () => ({ filter: {}, pairs: [] }),
  },
  '/v1/Insights/QualityManagement/Questions': {
    kind: 'questions',
    parse: (q) => {
      const pairs: Filters = [];
      const categorySids = many(q, 'CategorySid', FY, pairs);
      return typeof categorySids === 'string' ? categorySids : { filter: { categorySids }, pairs };
    },
  },
};

const SINGLES: Record<string, (ctx: RouteContext) => unknown> = {
  '/v1/Insights/QualityManagement/Settings/AnswerSets': (ctx) => ctx.dataset.answerSets(ctx.origin),
  '/v1/Insights/QualityManagement/Settings/CommentTags': (ctx) => ctx.dataset.commentTags(ctx.origin),
  '/v1/Insights/UserRoles': (ctx) => ctx.dataset.userRoles(ctx.origin),
};

const QUESTIONNAIRE = /^\/v1\/Insights\/QualityManagement\/Questionnaires\/(GM[0-9a-fA-F]{32})$/;

export function isKnownPath(path: string): boolean {
  return path in LISTS || path in SINGLES || QUESTIONNAIRE.test(path);
}

/** Serves a GET on a known path. */
export function serve(ctx: RouteContext): Outcome {
  const single = SINGLES[ctx.path];
  if (single !== undefined) return { status: 200, body: single(ctx) };
  const questionnaireSid = QUESTIONNAIRE.exec(ctx.path)?.[1];
  if (questionnaireSid !== undefined) {
    const found = ctx.dataset
      .questionnaires({ includeInactive: true }, ctx.origin)
      .find((q) => q.questionnaire_sid === questionnaireSid);
    return found === undefined
      ? { status: 404, body: errors.notFound(ctx.path) }
      : { status: 200, body: found };
  }
  const route = LISTS[ctx.path];
  if (route === undefined) return { status: 404, body: errors.notFound(ctx.path) };
  return serveList(ctx, route);
}

function serveList(ctx: RouteContext, route: ListRoute<ListKind>): Outcome {
  const parsed = route.parse(ctx.query);
  if (typeof parsed === 'string') return { status: 400, body: errors.invalidParameter(parsed) };
  const scope = ctx.paging.scopeOf(ctx.accountSid, ctx.path, parsed.pairs);
  const req = ctx.paging.parse(ctx.query, scope);
  if (typeof req === 'string') return { status: 400, body: errors.invalidParameter(req) };

  const selection = ctx.dataset.select(route.kind, parsed.filter);
  const offset = Math.min(req.offset, selection.total);
  const end = Math.min(selection.total, offset + req.pageSize);
  const items: unknown[] = [];
  for (let k = offset; k < end; k++) items.push(selection.at(k, ctx.origin));

  const url = (page: number, token: string | null) =>
    pageUrl(ctx.origin, ctx.path, parsed.pairs, req.pageSize, page, token);
  const token = (at: number) => ctx.paging.encode(at, scope);
  const meta: ListMeta = {
    page: req.page,
    page_size: req.pageSize,
    first_page_url: url(0, null),
    previous_page_url: req.page > 0 ? url(req.page - 1, token(Math.max(0, offset - req.pageSize))) : null,
    url: url(req.page, req.token),
    next_page_url: end < selection.total ? url(req.page + 1, token(end)) : null,
    key: route.kind,
  };
  return {
    status: 200,
    body: { [route.kind]: items, meta },
    list: { key: route.kind, meta, sameOffsetNextUrl: url(req.page + 1, token(offset)) },
  };
}
