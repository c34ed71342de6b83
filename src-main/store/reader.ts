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
  DistinctQuerySchema,
  SegmentListQuerySchema,
} from '../../src-preload/contract.ts';
import type {
  AssessmentRow,
  CommentRow,
  DistinctValues,
  KnownAgent,
  QueryFilters,
  RowKind,
  StoredSegment,
  StoreOverview,
} from '../../src-preload/contract.ts';
import {
  buildOrder,
  buildWhere,
  COLUMN_SQL,
  DISTINCT_FILTER,
  distinctTable,
  normaliseFilters,
  selectList,
  whereSql,
} from './columns.ts';
import { ftsQuery, MATCH_END, MATCH_START } from './fts.ts';
import { createOrderCache, readGenerations } from './orders.ts';
import { snapshot, statementCache } from './sql.ts';

type Window<R> = { total: number; offset: number; rows: R[] };

export interface Reader {
  overview(): Omit<StoreOverview, 'profileId'>;
  segments(query: unknown): Window<StoredSegment>;
  agents(query: unknown): KnownAgent[];
  assessments(query: unknown): Window<AssessmentRow>;
  comments(query: unknown): Window<CommentRow>;
  distinct(query: unknown): Omit<DistinctValues, 'profileId'>;
  segmentIds(): string[];
  segmentIdsOfAgent(agentId: string): string[];
}

const QUERIES = {
  assessments: AssessmentQuerySchema.omit({ profileId: true }),
  comments: CommentQuerySchema.omit({ profileId: true }),
  distinct: DistinctQuerySchema.omit({ profileId: true }),
  segments: SegmentListQuerySchema.omit({ profileId: true }),
  agents: z
    .object({ search: z.string().max(200).default(''), limit: z.number().int().min(1).max(200).default(20) })
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

/** A LIKE pattern matching values that start with `prefix`, case-insensitively (ASCII). */
const likePrefix = (prefix: string): string => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

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
  const highlight = db.prepare(
    `SELECT highlight(comments_fts, 0, '${MATCH_START}', '${MATCH_END}') AS h
     FROM comments_fts WHERE comments_fts MATCH ? AND rowid = ?`,
  );

  function window<R>(
    kind: RowKind,
    filters: QueryFilters,
    sort: ReadonlyArray<{ column: string; dir: 'asc' | 'desc' }>,
    offset: number,
    limit: number,
  ): { total: number; rows: Array<R & { id: number }> } {
    const normal = normaliseFilters(filters);
    const where = buildWhere(kind, normal);
    const order = buildOrder(kind, sort);
    const key = JSON.stringify([kind, normal, sort.map((s) => [s.column, s.dir])]);
    const materialised = orders.get(key, where.deps, readGenerations(db), {
      sql: `SELECT id FROM ${kind} ${whereSql(where.conditions)} ${order}`,
      params: where.params,
    });
    const rows = statement(
      `SELECT w.id AS id, ${selectList(kind, 't')} FROM temp.${materialised.table} w
       JOIN ${kind} t ON t.id = w.id WHERE w.pos BETWEEN ? AND ? ORDER BY w.pos`,
    ).all(offset + 1, offset + limit) as Array<R & { id: number }>;
    return { total: materialised.total, rows };
  }

  const toBoolean = <R extends { report: unknown }>(row: R): R => {
    row.report = row.report === null ? null : row.report === 1;
    return row;
  };

  return {
    assessments(query) {
      const q = parse(QUERIES.assessments, query);
      return snapshot(db, () => {
        const { total, rows } = window<AssessmentRow>('assessments', q.filters, q.sort, q.offset, q.limit);
        return {
          total,
          offset: q.offset,
          rows: rows.map(({ id: _id, ...row }) => toBoolean({ ...row })),
        };
      });
    },

    comments(query) {
      const q = parse(QUERIES.comments, query);
      const match = ftsQuery(q.filters.text);
      return snapshot(db, () => {
        const { total, rows } = window<CommentRow>('comments', q.filters, q.sort, q.offset, q.limit);
        return {
          total,
          offset: q.offset,
          rows: rows.map(({ id, ...row }) => {
            const out: CommentRow = toBoolean({ ...row });
            if (match !== null) {
              // A rowid bound as a JS number (a double) is ignored by FTS5's rowid lookup: bind an integer.
              const hit = highlight.get(match, BigInt(id)) as { h: string | null } | undefined;
              if (hit?.h != null) out.highlight = hit.h;
            }
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
      const conditions = [...where.conditions, `${column} IS NOT NULL`];
      const params: SQLInputValue[] = [...where.params];
      const prefix = q.prefix === undefined || q.prefix === '' ? null : likePrefix(q.prefix);
      if (prefix !== null && def.label === null) {
        conditions.push(`${column} LIKE ? ESCAPE '\\'`);
        params.push(prefix);
      }
      // Labels are looked up per value after grouping, so the count can run on the column's index alone.
      const label =
        def.label === null
          ? 'value'
          : `coalesce((SELECT l.${def.label} FROM ${table} l
               WHERE l.${column} = g.value AND l.${def.label} IS NOT NULL LIMIT 1), value)`;
      let sql = `SELECT value, ${label} AS label, n AS count
        FROM (SELECT ${column} AS value, count(*) AS n FROM ${table} ${whereSql(conditions)} GROUP BY ${column}) g`;
      if (prefix !== null && def.label !== null) {
        sql = `SELECT * FROM (${sql}) WHERE value LIKE ? ESCAPE '\\' OR label LIKE ? ESCAPE '\\'`;
        params.push(prefix, prefix);
      }
      sql += ' ORDER BY label COLLATE NOCASE, value LIMIT ?';
      params.push(q.limit);
      const values = snapshot(db, () => statement(sql).all(...params)) as Array<{
        value: string;
        label: string;
        count: number;
      }>;
      return {
        column: q.column,
        values: values.map((v) => ({ value: String(v.value), label: String(v.label), count: v.count })),
      };
    },

    segments(query) {
      const q = parse(QUERIES.segments, query);
      const search = q.search?.trim() ?? '';
      const where =
        search === '' ? '' : "WHERE s.segment_id LIKE ?1 ESCAPE '\\' OR coalesce(s.agent_name, g.name) LIKE ?1 ESCAPE '\\'";
      const params = search === '' ? [] : [likePrefix(search)];
      const sortColumn = SEGMENT_SORT[q.sort.column];
      if (sortColumn === undefined) throw new Error(`unknown segment column ${q.sort.column}`);
      const order = `ORDER BY ${sortColumn} ${q.sort.dir === 'desc' ? 'DESC' : 'ASC'}, s.segment_id ASC`;
      return snapshot(db, () => {
        const from = 'FROM segments s LEFT JOIN agents g ON g.agent_id = s.agent_id';
        const { n } = statement(`SELECT count(*) AS n ${from} ${where}`).get(...params) as { n: number };
        // Segments whose details were never fetched show their agent's name and team, when known.
        const rows = statement(
          `SELECT s.segment_id AS segmentId, s.agent_id AS agentId, coalesce(s.agent_name, g.name) AS agentName,
             coalesce(s.team, g.team) AS team, s.queue AS queue, s.date AS date, s.assessment_count AS assessments,
             s.comment_count AS comments, s.last_synced_at AS lastSyncedAt
           ${from} ${where} ${order} LIMIT ? OFFSET ?`,
        ).all(...params, q.limit, q.offset) as unknown as StoredSegment[];
        return { total: n, offset: q.offset, rows: rows.map((r) => ({ ...r })) };
      });
    },

    agents(query) {
      const q = parse(QUERIES.agents, query);
      const search = q.search.trim();
      const where = search === '' ? '' : "WHERE a.name LIKE ?1 ESCAPE '\\' OR a.agent_id LIKE ?1 ESCAPE '\\'";
      const params = search === '' ? [] : [likePrefix(search)];
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
        const account = statement("SELECT value FROM meta WHERE key = 'account_sid'").get() as { value: string };
        const last = statement(
          'SELECT ended_at AS endedAt, status, label FROM sync_runs WHERE ended_at IS NOT NULL ORDER BY ended_at DESC, id DESC LIMIT 1',
        ).get() as { endedAt: number; status: 'done' | 'failed' | 'cancelled'; label: string } | undefined;
        return {
          accountSid: account.value,
          assessments: count('SELECT count(*) AS n FROM assessments'),
          comments: count('SELECT count(*) AS n FROM comments'),
          segments: count('SELECT count(*) AS n FROM segments'),
          agents: count('SELECT count(*) AS n FROM agents'),
          lastSync: last === undefined ? null : { endedAt: last.endedAt, status: last.status, label: last.label },
        };
      });
    },

    segmentIds() {
      return (statement('SELECT segment_id AS s FROM segments ORDER BY segment_id').all() as Array<{ s: string }>).map(
        (r) => r.s,
      );
    },

    segmentIdsOfAgent(agentId) {
      return (
        statement(
          `SELECT segment_id AS s FROM assessments WHERE agent_id = ?1 AND segment_id IS NOT NULL
           UNION SELECT segment_id FROM comments WHERE agent_id = ?1 AND segment_id IS NOT NULL ORDER BY 1`,
        ).all(agentId) as Array<{ s: string }>
      ).map((r) => r.s);
    },
  };
}
