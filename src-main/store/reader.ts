/**
 * The workspace's side of the store (runs in the reader worker, on its own connection, so long
 * queries never hold up the sync's writes): windows of rows, picker values, segments, agents.
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import {
  AssessmentQuerySchema,
  CommentQuerySchema,
  contract,
  DistinctQuerySchema,
  ExportKindSchema,
  RowKindSchema,
  ScoreGroupsQuerySchema,
  ScoreQuerySchema,
  SegmentListQuerySchema,
} from '../../src-preload/contract.ts';
import type {
  AgentDetail,
  AgentScorecard,
  AnswerDistribution,
  AssessmentRow,
  AssessmentScoreRow,
  CalibrationReport,
  CommentRow,
  DistinctValues,
  KnownAgent,
  QueryFilters,
  RowDetail,
  SavedView,
  ScoreGroups,
  StoredSegment,
  StoreOverview,
} from '../../src-preload/contract.ts';
import {
  buildOrder,
  buildScoreWhere,
  buildWhere,
  COLUMN_SQL,
  DISTINCT_FILTER,
  distinctTable,
  normaliseFilters,
  selectList,
  TABLE,
  whereSql,
} from './columns.ts';
import type { TableKind } from './columns.ts';
import { rowDetail } from './detail.ts';
import { ftsQuery, MATCH_END, MATCH_START } from './fts.ts';
import { createInsights } from './insights.ts';
import { createOrderCache, readGenerations } from './orders.ts';
import { SEGMENT_FROM, SEGMENT_SELECT, toScoreRow, toSegment, withReport } from './shape.ts';
import { snapshot, statementCache } from './sql.ts';
import { fold, likePrefix } from './text.ts';
import { createViews } from './views.ts';

type Window<R> = { total: number; offset: number; rows: R[] };
type ExportRow = AssessmentRow | CommentRow | AssessmentScoreRow;

export interface Reader {
  overview(): Omit<StoreOverview, 'profileId'>;
  segments(query: unknown): Window<StoredSegment>;
  agents(query: unknown): KnownAgent[];
  assessments(query: unknown): Window<AssessmentRow>;
  comments(query: unknown): Window<CommentRow>;
  distinct(query: unknown): Omit<DistinctValues, 'profileId'>;
  segmentIds(): string[];
  segmentIdsOfAgent(agentId: string): string[];
  scores(query: unknown): Window<AssessmentScoreRow>;
  scoreGroups(query: unknown): Omit<ScoreGroups, 'profileId'>;
  answerDistribution(query: unknown): Omit<AnswerDistribution, 'profileId'>;
  agentScorecards(query: unknown): Window<AgentScorecard>;
  agentDetail(query: unknown): Omit<AgentDetail, 'profileId'>;
  calibration(query: unknown): Omit<CalibrationReport, 'profileId'>;
  rowDetail(kind: unknown, sid: unknown): Omit<RowDetail, 'profileId'>;
  views(): SavedView[];
  /** Materialises a view's order for an export; its handle and row count. */
  openExport(kind: unknown, query: unknown): { handle: string; total: number };
  /** Rows of an export's order at positions offset+1 … offset+limit (rows removed since are left out). */
  readExport(handle: string, offset: number, limit: number): ExportRow[];
  closeExport(handle: string): void;
}

const QUERIES = {
  assessments: AssessmentQuerySchema.omit({ profileId: true }),
  comments: CommentQuerySchema.omit({ profileId: true }),
  scores: ScoreQuerySchema.omit({ profileId: true }),
  distinct: DistinctQuerySchema.omit({ profileId: true }),
  segments: SegmentListQuerySchema.omit({ profileId: true }),
  agents: z
    .object({ search: z.string().max(200).default(''), limit: z.number().int().min(1).max(200).default(20) })
    .strict(),
  scoreGroups: ScoreGroupsQuerySchema.omit({ profileId: true }),
  answers: contract.scores.answers.request.omit({ profileId: true }),
  scorecards: contract.agents.scorecards.request.omit({ profileId: true }),
  agentDetail: contract.agents.detail.request.omit({ profileId: true }),
  calibration: contract.calibration.report.request.omit({ profileId: true }),
  rowDetail: z.object({ kind: RowKindSchema, sid: z.string().min(1).max(64) }).strict(),
  export: z
    .object({
      kind: ExportKindSchema,
      filters: AssessmentQuerySchema.shape.filters,
      sort: z
        .array(z.object({ column: z.string().max(64), dir: z.enum(['asc', 'desc']) }).strict())
        .max(3)
        .default([]),
    })
    .strict(),
};

/** Queries come from main's own code, already checked against the contract; this is a second line. */
function parse<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const result = schema.safeParse(query);
  if (!result.success) {
    throw new AppError('invalid_request', 'The store was asked an invalid question.', {
      detail: { issue: result.error.issues[0]?.message ?? 'invalid' },
    });
  }
  return result.data;
}

const SEGMENT_SORT: Record<string, string> = {
  segmentId: 's.segment_id',
  agentName: 'agentName',
  team: 'team',
  queue: 's.queue',
  date: 's.date',
  assessments: 's.assessment_count',
  comments: 's.comment_count',
  lastSyncedAt: 's.last_synced_at',
};

/** Materialised orders kept per connection; each holds ~12 bytes per row in memory. */
const ORDER_CACHE_SIZE = 6;

export function createReader(db: DatabaseSync): Reader {
  const statement = statementCache(db);
  const orders = createOrderCache(db, ORDER_CACHE_SIZE);
  // One pass over the matches for a whole window: a rowid lookup per row (rowid = ?) would set the
  // MATCH up again for each row, which costs milliseconds apiece for a prefix term. The range lets
  // FTS5 skip doclist parts outside the window; the unary + keeps IN a plain filter.
  const highlights = db.prepare(
    `SELECT rowid AS id, highlight(comments_fts, 0, '${MATCH_START}', '${MATCH_END}') AS h
     FROM comments_fts WHERE comments_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3
       AND +rowid IN (SELECT value FROM json_each(?4))`,
  );
  function highlightsOf(match: string, ids: number[]): Map<number, string> {
    if (ids.length === 0) return new Map();
    // Bound as integers: FTS5 ignores a rowid constraint given as a double (a JS number).
    const rows = highlights.all(
      match,
      BigInt(Math.min(...ids)),
      BigInt(Math.max(...ids)),
      JSON.stringify(ids),
    ) as Array<{ id: number; h: string | null }>;
    return new Map(rows.flatMap((r) => (r.h === null ? [] : [[r.id, r.h] as const])));
  }

  type Sort = ReadonlyArray<{ column: string; dir: 'asc' | 'desc' }>;

  /** The SELECT that yields a view's row ids in order (what an order materialises). */
  function orderSelect(kind: TableKind, normal: QueryFilters, sort: Sort) {
    const where = kind === 'scores' ? buildScoreWhere(normal) : buildWhere(kind, normal);
    const order = buildOrder(kind, sort);
    const match = ftsQuery(normal.text);
    // Text alone in arrival order is the full-text index itself: its rowids are the comment ids, in order.
    const textOnly =
      kind === 'comments' && match !== null && sort.length === 0 && Object.keys(normal).length === 1;
    const select = textOnly
      ? { sql: 'SELECT rowid FROM comments_fts WHERE comments_fts MATCH ? ORDER BY rowid', params: [match] }
      : { sql: `SELECT id FROM ${TABLE[kind]} ${whereSql(where.conditions)} ${order}`, params: where.params };
    return { select, deps: where.deps };
  }

  /** The rows at positions from … to of a materialised order. */
  function rowsAt<R>(kind: TableKind, table: string, from: number, to: number): Array<R & { id: number }> {
    return statement(
      `SELECT w.id AS id, ${selectList(kind, 't')} FROM temp.${table} w
       JOIN ${TABLE[kind]} t ON t.id = w.id WHERE w.pos BETWEEN ? AND ? ORDER BY w.pos`,
    ).all(from, to) as Array<R & { id: number }>;
  }

  function window<R>(
    kind: TableKind,
    filters: QueryFilters,
    sort: Sort,
    offset: number,
    limit: number,
  ): { total: number; rows: Array<R & { id: number }> } {
    const normal = normaliseFilters(filters);
    const key = JSON.stringify([kind, normal, sort.map((s) => [s.column, s.dir])]);
    const { select, deps } = orderSelect(kind, normal, sort);
    const materialised = orders.get(key, deps, readGenerations(db), select);
    return {
      total: materialised.total,
      rows: rowsAt<R>(kind, materialised.table, offset + 1, offset + limit),
    };
  }

  const insights = createInsights(db, statement);
  const views = createViews(db);
  const exports = new Map<string, TableKind>();
  const shapeRow = (kind: TableKind, { id: _id, ...row }: Record<string, unknown>): ExportRow =>
    kind === 'scores' ? toScoreRow(row) : withReport(row as unknown as AssessmentRow | CommentRow);

  return {
    assessments(query) {
      const q = parse(QUERIES.assessments, query);
      return snapshot(db, () => {
        const { total, rows } = window<AssessmentRow>('assessments', q.filters, q.sort, q.offset, q.limit);
        return {
          total,
          offset: q.offset,
          rows: rows.map(({ id: _id, ...row }) => withReport(row)),
        };
      });
    },

    scores(query) {
      const q = parse(QUERIES.scores, query);
      return snapshot(db, () => {
        const { total, rows } = window<Record<string, unknown>>(
          'scores',
          q.filters,
          q.sort,
          q.offset,
          q.limit,
        );
        return { total, offset: q.offset, rows: rows.map(toScoreRow) };
      });
    },

    scoreGroups(query) {
      const q = parse(QUERIES.scoreGroups, query);
      return { by: q.by, groups: insights.scoreGroups(q.filters, q.by, q.period, q.limit) };
    },

    answerDistribution(query) {
      const q = parse(QUERIES.answers, query);
      return { questions: insights.answerDistribution(q.filters, q.limit) };
    },

    agentScorecards(query) {
      return insights.agentScorecards(parse(QUERIES.scorecards, query));
    },

    agentDetail(query) {
      const q = parse(QUERIES.agentDetail, query);
      return insights.agentDetail(q.agentId, q.filters);
    },

    calibration(query) {
      return insights.calibration(parse(QUERIES.calibration, query).filters);
    },

    rowDetail(kind, sid) {
      const q = parse(QUERIES.rowDetail, { kind, sid });
      return rowDetail(db, statement, q.kind, q.sid);
    },

    views: () => views.list(),

    openExport(kind, query) {
      const q = parse(QUERIES.export, { ...(query as object), kind });
      const table: TableKind = q.kind;
      const unknown = q.sort.filter((s) => COLUMN_SQL[table][s.column] === undefined).map((s) => s.column);
      if (unknown.length > 0) {
        throw new AppError('invalid_request', `Cannot sort ${table} by ${unknown.join(', ')}.`, {
          detail: { unknown, columns: Object.keys(COLUMN_SQL[table]) },
        });
      }
      const { select } = orderSelect(table, normaliseFilters(q.filters), q.sort);
      const order = snapshot(db, () => orders.pin(select));
      exports.set(order.table, table);
      return { handle: order.table, total: order.total };
    },

    readExport(handle, offset, limit) {
      const kind = exports.get(handle);
      if (kind === undefined) throw new Error(`no open export ${handle}`);
      return rowsAt<Record<string, unknown>>(kind, handle, offset + 1, offset + limit).map((r) =>
        shapeRow(kind, r),
      );
    },

    closeExport(handle) {
      if (exports.delete(handle)) orders.unpin(handle);
    },

    comments(query) {
      const q = parse(QUERIES.comments, query);
      const match = ftsQuery(q.filters.text);
      return snapshot(db, () => {
        const { total, rows } = window<CommentRow>('comments', q.filters, q.sort, q.offset, q.limit);
        const marked =
          match === null
            ? new Map<number, string>()
            : highlightsOf(
                match,
                rows.map((r) => r.id),
              );
        return {
          total,
          offset: q.offset,
          rows: rows.map(({ id, ...row }) => {
            const out: CommentRow = withReport(row);
            const highlight = marked.get(id);
            if (highlight !== undefined) out.highlight = highlight;
            return out;
          }),
        };
      });
    },

    distinct(query) {
      const q = parse(QUERIES.distinct, query);
      const table = distinctTable(q.kind, q.column);
      const def = DISTINCT_FILTER[q.column];
      const column = COLUMN_SQL[table][q.column];
      if (column === undefined) throw new Error(`no ${table} column for ${q.column}`);
      const where = buildWhere(table, normaliseFilters(q.filters), def.filter);
      // Under no other filter the counts come from value_counts (kept by the writer), not from a scan.
      const counted = where.conditions.length === 0;
      const conditions = counted ? ['kind = ?', 'col = ?'] : [...where.conditions, `${column} IS NOT NULL`];
      const params: SQLInputValue[] = counted ? [table, column] : [...where.params];
      const prefix = q.prefix === undefined || q.prefix === '' ? null : q.prefix;
      // Ids are ASCII: their prefix is matched in SQL. Names (labels, teams …) are matched on the
      // groups, with case and accents folded (SQLite's LIKE folds ASCII only).
      const prefixInSql = prefix !== null && q.column === 'segmentId';
      if (prefixInSql) {
        conditions.push(`${counted ? 'value' : column} LIKE ? ESCAPE '\\'`);
        params.push(likePrefix(prefix));
      }
      // Labels are looked up per value after grouping, so counting never reads whole rows.
      const label =
        def.label === null
          ? 'value'
          : `coalesce((SELECT l.${def.label} FROM ${table} l
               WHERE l.${column} = g.value AND l.${def.label} IS NOT NULL LIMIT 1), value)`;
      const groups = counted
        ? `SELECT value, n FROM value_counts ${whereSql(conditions)}`
        : `SELECT ${column} AS value, count(*) AS n FROM ${table} ${whereSql(conditions)} GROUP BY ${column}`;
      let sql = `SELECT value, ${label} AS label, n AS count FROM (${groups}) g ORDER BY label COLLATE NOCASE, value`;
      if (prefix === null || prefixInSql) {
        sql += ' LIMIT ?';
        params.push(q.limit);
      }
      let values = snapshot(db, () => statement(sql).all(...params)) as Array<{
        value: string;
        label: string;
        count: number;
      }>;
      if (prefix !== null && !prefixInSql) {
        const key = fold(prefix);
        values = values
          .filter((v) => fold(String(v.value)).startsWith(key) || fold(String(v.label)).startsWith(key))
          .slice(0, q.limit);
      }
      return {
        column: q.column,
        values: values.map((v) => ({ value: String(v.value), label: String(v.label), count: v.count })),
      };
    },

    segments(query) {
      const q = parse(QUERIES.segments, query);
      const search = q.search?.trim() ?? '';
      const where =
        search === ''
          ? ''
          : "WHERE s.segment_id LIKE ?1 ESCAPE '\\' OR coalesce(s.name_key, g.name_key) LIKE ?2 ESCAPE '\\'";
      const params = search === '' ? [] : [likePrefix(search), likePrefix(fold(search))];
      const sortColumn = SEGMENT_SORT[q.sort.column];
      if (sortColumn === undefined) throw new Error(`unknown segment column ${q.sort.column}`);
      const order = `ORDER BY ${sortColumn} ${q.sort.dir === 'desc' ? 'DESC' : 'ASC'}, s.segment_id ASC`;
      return snapshot(db, () => {
        const { n } = statement(`SELECT count(*) AS n ${SEGMENT_FROM} ${where}`).get(...params) as {
          n: number;
        };
        const rows = statement(
          `SELECT ${SEGMENT_SELECT} ${SEGMENT_FROM} ${where} ${order} LIMIT ? OFFSET ?`,
        ).all(...params, q.limit, q.offset);
        return { total: n, offset: q.offset, rows: rows.map(toSegment) };
      });
    },

    agents(query) {
      const q = parse(QUERIES.agents, query);
      const search = q.search.trim();
      const where =
        search === '' ? '' : "WHERE a.agent_id LIKE ?1 ESCAPE '\\' OR a.name_key LIKE ?2 ESCAPE '\\'";
      const params = search === '' ? [] : [likePrefix(search), likePrefix(fold(search))];
      const rows = statement(
        `SELECT a.agent_id AS agentId, a.name AS name, a.team AS team,
           (SELECT count(*) FROM segments s WHERE s.agent_id = a.agent_id) AS segments
         FROM agents a ${where} ORDER BY a.name IS NULL, a.name COLLATE NOCASE, a.agent_id LIMIT ?`,
      ).all(...params, q.limit) as unknown as KnownAgent[];
      return rows.map((r) => ({ ...r }));
    },

    overview() {
      return snapshot(db, () => {
        const count = (sql: string): number => (statement(sql).get() as { n: number }).n;
        const account = statement("SELECT value FROM meta WHERE key = 'account_sid'").get() as {
          value: string;
        };
        const last = statement(
          'SELECT ended_at AS endedAt, status, label FROM sync_runs WHERE ended_at IS NOT NULL ORDER BY ended_at DESC, id DESC LIMIT 1',
        ).get() as { endedAt: number; status: 'done' | 'failed' | 'cancelled'; label: string } | undefined;
        return {
          accountSid: account.value,
          assessments: count('SELECT count(*) AS n FROM assessments'),
          comments: count('SELECT count(*) AS n FROM comments'),
          segments: count('SELECT count(*) AS n FROM segments'),
          agents: count('SELECT count(*) AS n FROM agents'),
          lastSync:
            last === undefined ? null : { endedAt: last.endedAt, status: last.status, label: last.label },
        };
      });
    },

    segmentIds() {
      return (
        statement('SELECT segment_id AS s FROM segments ORDER BY segment_id').all() as Array<{ s: string }>
      ).map((r) => r.s);
    },

    segmentIdsOfAgent(agentId) {
      return (
        statement(
          `SELECT segment_id AS s FROM assessments WHERE agent_id = ?1 AND segment_id IS NOT NULL
           UNION SELECT segment_id FROM comments WHERE agent_id = ?1 AND segment_id IS NOT NULL
           UNION SELECT segment_id FROM segments WHERE agent_id = ?1 ORDER BY 1`,
        ).all(agentId) as Array<{ s: string }>
      ).map((r) => r.s);
    },
  };
}
