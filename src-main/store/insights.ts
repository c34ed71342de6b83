/**
 * The review workspace's figures (runs in the reader worker): score groups, the answer
 * distribution, agent scorecards and pages, calibration. Everything about assessments reads
 * assessment_scores (one row per assessment, indexed) and calibration_questions, never the
 * million records, unless a filter names record columns; means are of assessment scores.
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type {
  AgentDetail,
  AgentScorecard,
  AnswerDistribution,
  CalibrationReport,
  QueryFilters,
  ScoreGroup,
  ScoreGroupBy,
} from '../../src-preload/contract.ts';
import { AppError } from '../errors.ts';
import { buildScoreWhere, buildWhere, normaliseFilters, whereSql } from './columns.ts';
import { PAIR_SEPARATOR, QUESTION_ANSWER } from './counts.ts';
import { SEGMENT_FROM, SEGMENT_SELECT, toSegment } from './shape.ts';
import { snapshot } from './sql.ts';
import { fold } from './text.ts';

const DAY = 86_400_000;
/** The trend compares the agent's last 30 days of data with the 30 days before. */
const TREND_WINDOW = 30 * DAY;
/** Most segments an agent's page lists (newest first). */
const AGENT_SEGMENTS = 1000;
/** Questions and categories on an agent's page, most points lost first. */
const WEAKEST = 50;
/**
 * Segments a calibration report lists (the widest spreads); its questions and assessors count
 * all of them. A million records hold some 13,000 such segments: as one answer they would hold
 * main's event loop (and the renderer's) for tens of milliseconds, and nobody reads them all.
 */
export const CALIBRATION_SEGMENTS = 1000;

/** segment_id, questionnaire_sid, questionnaire, agent_name, assessor, score */
type CalibrationRow = [string, string, string | null, string | null, string | null, number | null];

/** UTC buckets, named as the renderer's periods.ts reads them: a day or week by its first day, a month YYYY-MM. */
const PERIOD_SQL = {
  day: "strftime('%Y-%m-%d', timestamp / 1000, 'unixepoch')",
  week: "date(timestamp / 1000, 'unixepoch', 'weekday 0', '-6 days')",
  month: "strftime('%Y-%m', timestamp / 1000, 'unixepoch')",
} as const;
export type Period = keyof typeof PERIOD_SQL;

/** Assessment-level groups: the key column of assessment_scores and where a readable name comes from. */
const ASSESSMENT_GROUPS: Record<
  Exclude<ScoreGroupBy, 'question' | 'category' | 'period'>,
  { key: string; label: string }
> = {
  agent: {
    key: 'agent_id',
    label: `coalesce((SELECT a.name FROM agents a WHERE a.agent_id = g.key),
      (SELECT s.agent_name FROM assessment_scores s WHERE s.agent_id = g.key AND s.agent_name IS NOT NULL LIMIT 1), g.key)`,
  },
  team: { key: 'team', label: 'g.key' },
  questionnaire: {
    key: 'questionnaire_sid',
    label: `coalesce((SELECT q.name FROM questionnaires q WHERE q.questionnaire_sid = g.key),
      (SELECT s.questionnaire FROM assessment_scores s WHERE s.questionnaire_sid = g.key AND s.questionnaire IS NOT NULL LIMIT 1), g.key)`,
  },
  assessor: { key: 'assessor', label: 'g.key' },
};

/** Question and category groups: their kind in group_totals and parts, their filter, their names. */
const PART_GROUPS = {
  question: {
    kind: 'q',
    filter: 'questionSids',
    label: `SELECT coalesce((SELECT question FROM questions WHERE question_sid = ?1),
      (SELECT question FROM assessments WHERE question_sid = ?1 AND question IS NOT NULL LIMIT 1)) AS t`,
  },
  category: {
    kind: 'c',
    filter: 'categorySids',
    label: `SELECT coalesce((SELECT name FROM categories WHERE category_sid = ?1),
      (SELECT category FROM assessments WHERE category_sid = ?1 AND category IS NOT NULL LIMIT 1)) AS t`,
  },
} as const;

type Statement = (sql: string) => StatementSync;
type Window<R> = { total: number; offset: number; rows: R[] };

export interface Insights {
  scoreGroups(filters: QueryFilters, by: ScoreGroupBy, period: Period, limit: number): ScoreGroup[];
  answerDistribution(filters: QueryFilters, limit: number): AnswerDistribution['questions'];
  agentScorecards(query: {
    filters: QueryFilters;
    search: string;
    sort: { column: keyof AgentScorecard; dir: 'asc' | 'desc' };
    offset: number;
    limit: number;
  }): Window<AgentScorecard>;
  agentDetail(agentId: string, filters: QueryFilters): Omit<AgentDetail, 'profileId'>;
  calibration(filters: QueryFilters): Omit<CalibrationReport, 'profileId'>;
}

export function createInsights(db: DatabaseSync, statement: Statement): Insights {
  const all = (sql: string, params: SQLInputValue[]) =>
    statement(sql).all(...params) as Array<Record<string, unknown>>;

  function assessmentGroups(
    filters: QueryFilters,
    by: keyof typeof ASSESSMENT_GROUPS | 'period',
    period: Period,
    limit: number,
  ): ScoreGroup[] {
    const where = buildScoreWhere(normaliseFilters(filters));
    const key = by === 'period' ? PERIOD_SQL[period] : ASSESSMENT_GROUPS[by].key;
    const label = by === 'period' ? 'g.key' : ASSESSMENT_GROUPS[by].label;
    const conditions = [...where.conditions, `${key} IS NOT NULL`];
    // Periods: the latest ones, oldest first; other groups: the biggest first.
    const order = by === 'period' ? 'g.key DESC' : 'g.assessments DESC, g.key';
    const rows = all(
      `SELECT g.key AS key, ${label} AS label, g.assessments AS assessments, g.meanScore AS meanScore
       FROM (SELECT ${key} AS key, count(*) AS assessments, avg(score) AS meanScore
             FROM assessment_scores ${whereSql(conditions)} GROUP BY 1) g
       ORDER BY ${order} LIMIT ?`,
      [...where.params, limit],
    );
    const groups = rows.map((r) => ({
      key: String(r.key),
      label: String(r.label),
      assessments: Number(r.assessments),
      meanScore: r.meanScore as number | null,
    }));
    return by === 'period' ? groups.reverse() : groups;
  }

  /**
   * Question and category groups: the assessments with a scored answer in the group, the mean of
   * their scores, and the mean points lost per scored record, (max − score) × weight. Over the whole
   * store they are the kept totals; under filters, the parts of the assessments the filters keep
   * (a question or category filter also keeps only its own groups). Most points lost first.
   */
  function partGroups(filters: QueryFilters, by: keyof typeof PART_GROUPS, limit: number): ScoreGroup[] {
    const normal = normaliseFilters(filters);
    const def = PART_GROUPS[by];
    let rows: Array<Record<string, unknown>>;
    if (Object.keys(normal).length === 0) {
      rows = all(
        `SELECT key, assessments, CASE WHEN score_n > 0 THEN score_sum / score_n END AS meanScore,
           CASE WHEN lost_n > 0 THEN lost_sum / lost_n END AS meanLost
         FROM group_totals WHERE kind = ?`,
        [def.kind],
      );
    } else {
      const where = buildScoreWhere(normal);
      rows = all(
        `SELECT p.value ->> 1 AS key, count(*) AS assessments, avg(s.score) AS meanScore,
           sum(p.value ->> 2) * 1.0 / sum(p.value ->> 3) AS meanLost
         FROM (SELECT score, parts FROM assessment_scores ${whereSql([...where.conditions, 'parts IS NOT NULL'])}) s,
           json_each(s.parts) p
         WHERE p.value ->> 0 = ? GROUP BY 1`,
        [...where.params, def.kind],
      );
    }
    const only = normal[def.filter];
    const label = statement(def.label);
    return rows
      .filter((r) => only === undefined || only.includes(String(r.key)))
      .map((r) => ({
        key: String(r.key),
        label: (label.get(String(r.key)) as { t: string | null }).t ?? String(r.key),
        assessments: Number(r.assessments),
        meanScore: r.meanScore as number | null,
        meanLost: r.meanLost as number | null,
      }))
      .sort((a, b) => (b.meanLost ?? -Infinity) - (a.meanLost ?? -Infinity) || compareText(a.key, b.key))
      .slice(0, limit);
  }

  function scoreGroups(filters: QueryFilters, by: ScoreGroupBy, period: Period, limit: number): ScoreGroup[] {
    return snapshot(db, () =>
      by === 'question' || by === 'category'
        ? partGroups(filters, by, limit)
        : assessmentGroups(filters, by, period, limit),
    );
  }

  /** An answer's score: by name in the question's answer set, else in the one set that has the name. */
  function answerScores(): (questionSid: string, answer: string) => number | null {
    const setOf = new Map(
      (
        all('SELECT question_sid AS q, answer_set_id AS s FROM questions', []) as Array<{
          q: string;
          s: string | null;
        }>
      ).map((r) => [r.q, r.s] as const),
    );
    const inSet = new Map<string, number | null>();
    const byName = new Map<string, Array<number | null>>();
    for (const row of all(
      'SELECT answer_set_id AS s, name, score, is_na AS na FROM answers WHERE name IS NOT NULL',
      [],
    ) as Array<{
      s: string;
      name: string;
      score: number | null;
      na: number;
    }>) {
      const score = row.na === 1 ? null : row.score;
      inSet.set(`${row.s}\u0000${row.name}`, score);
      byName.set(row.name, [...(byName.get(row.name) ?? []), score]);
    }
    return (questionSid, answer) => {
      const set = setOf.get(questionSid);
      const own = set === undefined || set === null ? undefined : inSet.get(`${set}\u0000${answer}`);
      if (own !== undefined) return own;
      const any = byName.get(answer);
      return any?.length === 1 ? (any[0] ?? null) : null;
    };
  }

  function answerDistribution(filters: QueryFilters, limit: number): AnswerDistribution['questions'] {
    return snapshot(db, () => {
      const normal = normaliseFilters(filters);
      let counts: Array<{ q: string; answer: string; n: number }>;
      if (Object.keys(normal).length === 0) {
        // The whole store: the pair counts the writer keeps.
        counts = (
          all("SELECT value, n FROM value_counts WHERE kind = 'assessments' AND col = ?", [
            QUESTION_ANSWER,
          ]) as Array<{
            value: string;
            n: number;
          }>
        ).map(({ value, n }) => {
          const at = value.indexOf(PAIR_SEPARATOR);
          return { q: value.slice(0, at), answer: value.slice(at + 1), n };
        });
      } else {
        const where = buildWhere('assessments', normal);
        const conditions = [...where.conditions, 'question_sid IS NOT NULL', 'answer IS NOT NULL'];
        counts = all(
          `SELECT question_sid AS q, answer, count(*) AS n FROM assessments ${whereSql(conditions)} GROUP BY 1, 2`,
          where.params,
        ) as typeof counts;
      }
      const byQuestion = new Map<string, Array<{ answer: string; count: number }>>();
      for (const c of counts) {
        byQuestion.set(c.q, [...(byQuestion.get(c.q) ?? []), { answer: c.answer, count: c.n }]);
      }
      const scoreOf = answerScores();
      const questions = [...byQuestion].map(([questionSid, answers]) => ({
        questionSid,
        question: questionText(questionSid),
        answers: answers
          .map((a) => ({ ...a, score: scoreOf(questionSid, a.answer) }))
          // Best first, unscored (N/A) last.
          .sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity) || compareText(a.answer, b.answer)),
      }));
      return questions
        .sort((a, b) => compareText(a.question ?? a.questionSid, b.question ?? b.questionSid))
        .slice(0, limit);
    });
  }

  function questionText(questionSid: string): string | null {
    const row = statement(
      `SELECT coalesce((SELECT question FROM questions WHERE question_sid = ?1),
         (SELECT question FROM assessments WHERE question_sid = ?1 AND question IS NOT NULL LIMIT 1)) AS t`,
    ).get(questionSid) as { t: string | null };
    return row.t;
  }

  /** Every agent's card under the filters (no search, no sort). */
  function scorecards(filters: QueryFilters): AgentScorecard[] {
    const normal = normaliseFilters(filters);
    const where = buildScoreWhere(normal);
    const conditions = [...where.conditions, 'agent_id IS NOT NULL'];
    const own = whereSql(conditions);
    // The trend windows are range scans of (agent_id, timestamp, score) per agent.
    const windowMean = (range: string) =>
      `(SELECT avg(s.score) FROM assessment_scores s
        ${whereSql([...conditions, 's.agent_id = l.agent_id', range])})`;
    const scored = all(
      `WITH l AS (SELECT agent_id, count(*) AS n, avg(score) AS mean, max(timestamp) AS last
                  FROM assessment_scores ${own} GROUP BY agent_id)
       SELECT l.agent_id AS agentId, l.n AS n, l.mean AS mean, l.last AS last,
         ${windowMean(`s.timestamp > l.last - ${TREND_WINDOW}`)} AS recent,
         ${windowMean(`s.timestamp <= l.last - ${TREND_WINDOW} AND s.timestamp > l.last - ${2 * TREND_WINDOW}`)} AS earlier
       FROM l`,
      [...where.params, ...where.params, ...where.params],
    ) as Array<{
      agentId: string;
      n: number;
      mean: number | null;
      last: number | null;
      recent: number | null;
      earlier: number | null;
    }>;
    const comments = commentCounts(normal);
    const names = new Map(
      (
        all('SELECT agent_id AS id, name, team FROM agents', []) as Array<{
          id: string;
          name: string | null;
          team: string | null;
        }>
      ).map((r) => [r.id, r] as const),
    );
    const cards = new Map<string, AgentScorecard>();
    const card = (agentId: string): AgentScorecard => {
      let c = cards.get(agentId);
      if (c === undefined) {
        const known = names.get(agentId);
        c = {
          agentId,
          name: known?.name ?? null,
          team: known?.team ?? null,
          assessments: 0,
          comments: 0,
          meanScore: null,
          trend: null,
          lastAssessedAt: null,
        };
        cards.set(agentId, c);
      }
      return c;
    };
    for (const r of scored) {
      const c = card(r.agentId);
      c.assessments = r.n;
      c.meanScore = r.mean;
      c.lastAssessedAt = r.last;
      c.trend = r.recent !== null && r.earlier !== null ? r.recent - r.earlier : null;
    }
    for (const [agentId, n] of comments) card(agentId).comments = n;
    return [...cards.values()];
  }

  /** Comments per agent under the filters: the kept counts when nothing filters. */
  function commentCounts(normal: QueryFilters): Map<string, number> {
    const rows =
      Object.keys(normal).length === 0
        ? all("SELECT value AS id, n FROM value_counts WHERE kind = 'comments' AND col = 'agent_id'", [])
        : (() => {
            const where = buildWhere('comments', normal);
            const conditions = [...where.conditions, 'agent_id IS NOT NULL'];
            return all(
              `SELECT agent_id AS id, count(*) AS n FROM comments ${whereSql(conditions)} GROUP BY 1`,
              where.params,
            );
          })();
    return new Map(rows.map((r) => [String(r.id), Number(r.n)] as const));
  }

  function matchesSearch(card: AgentScorecard, search: string): boolean {
    if (search === '') return true;
    if (card.agentId.toLowerCase().startsWith(search.toLowerCase())) return true;
    const name = card.name === null ? '' : fold(card.name);
    const key = fold(search);
    return name.startsWith(key) || name.includes(` ${key}`);
  }

  function agentScorecards(query: Parameters<Insights['agentScorecards']>[0]): Window<AgentScorecard> {
    const search = query.search.trim();
    const cards = snapshot(db, () => scorecards(query.filters)).filter((c) => matchesSearch(c, search));
    const { column, dir } = query.sort;
    const sign = dir === 'asc' ? 1 : -1;
    cards.sort((a, b) => sign * compareValues(a[column], b[column]) || compareText(a.agentId, b.agentId));
    return {
      total: cards.length,
      offset: query.offset,
      rows: cards.slice(query.offset, query.offset + query.limit),
    };
  }

  function agentDetail(agentId: string, filters: QueryFilters): Omit<AgentDetail, 'profileId'> {
    const narrowed: QueryFilters = { ...filters, agentIds: [agentId] };
    return snapshot(db, () => {
      const known = statement('SELECT 1 AS k FROM agents WHERE agent_id = ?').get(agentId);
      const agent = scorecards(narrowed).find((c) => c.agentId === agentId);
      if (known === undefined && agent === undefined) {
        throw new AppError(
          'not_found',
          'That agent is not in the local data of this account. Sync the agent or one of their segments first.',
        );
      }
      const names = statement('SELECT name, team FROM agents WHERE agent_id = ?').get(agentId) as
        { name: string | null; team: string | null } | undefined;
      const card: AgentScorecard = agent ?? {
        agentId,
        name: names?.name ?? null,
        team: names?.team ?? null,
        assessments: 0,
        comments: 0,
        meanScore: null,
        trend: null,
        lastAssessedAt: null,
      };
      const overTime = assessmentGroups(narrowed, 'period', 'week', 1000).map((g) => ({
        period: g.key,
        assessments: g.assessments,
        meanScore: g.meanScore,
      }));
      const where = buildWhere('comments', normaliseFilters(narrowed));
      const commentsByTag = (
        all(
          `SELECT c.tag_id AS tagId, coalesce((SELECT t.name FROM comment_tags t WHERE t.tag_id = c.tag_id), max(c.tag)) AS tag,
             count(*) AS count
           FROM comments c ${whereSql(where.conditions)} GROUP BY c.tag_id ORDER BY count DESC, c.tag_id`,
          where.params,
        ) as Array<{ tagId: string | null; tag: string | null; count: number }>
      ).map((r) => ({ tagId: r.tagId, tag: r.tag, count: r.count }));
      const segments = all(
        `SELECT ${SEGMENT_SELECT} ${SEGMENT_FROM} WHERE s.agent_id = ?
         ORDER BY s.date IS NULL, s.date DESC, s.segment_id LIMIT ?`,
        [agentId, AGENT_SEGMENTS],
      ).map(toSegment);
      return {
        agent: card,
        overTime,
        weakestQuestions: partGroups(narrowed, 'question', WEAKEST),
        weakestCategories: partGroups(narrowed, 'category', WEAKEST),
        commentsByTag,
        segments,
      };
    });
  }

  function calibration(filters: QueryFilters): Omit<CalibrationReport, 'profileId'> {
    const normal = normaliseFilters(filters);
    return snapshot(db, () => {
      const where = buildScoreWhere(normal);
      // A segment and questionnaire assessed more than once, any of whose assessments matches the filters.
      const groups = `SELECT DISTINCT segment_id, questionnaire_sid FROM assessment_scores
        ${whereSql(['peers > 1', ...where.conditions])}`;
      const filtered = where.conditions.length > 0;
      // Rows as arrays: tens of thousands of them, and node:sqlite builds arrays much faster than objects.
      const arrays = (sql: string, params: SQLInputValue[]): unknown[][] => {
        const read = statement(sql);
        read.setReturnArrays(true);
        return read.all(...params) as unknown as unknown[][];
      };
      const groupKey = (segmentId: unknown, questionnaireSid: unknown) =>
        `${segmentId}\u0000${questionnaireSid}`;
      const kept = filtered ? new Set(arrays(groups, where.params).map(([s, q]) => groupKey(s, q))) : null;
      // Every multi-assessor assessment from one covering index, in segment and list order.
      const rows = (
        arrays(
          `SELECT s.segment_id, s.questionnaire_sid, s.questionnaire, s.agent_name, s.assessor, s.score
           FROM assessment_scores s WHERE s.peers > 1 ORDER BY s.segment_id, s.questionnaire_sid, s.first_record`,
          [],
        ) as CalibrationRow[]
      ).filter((r) => kept === null || kept.has(groupKey(r[0], r[1])));

      const segments: CalibrationReport['segments'] = [];
      const diffs = new Map<string, { sum: number; n: number }>();
      for (let i = 0; i < rows.length;) {
        const [segmentId, questionnaireSid, questionnaire] = rows[i]!;
        let end = i;
        while (end < rows.length && rows[end]![0] === segmentId && rows[end]![1] === questionnaireSid) end++;
        const group = rows.slice(i, end);
        i = end;
        const scores = group.map((r) => ({ assessor: r[4] ?? '', score: r[5] }));
        let total = 0;
        let known = 0;
        let high = -Infinity;
        let low = Infinity;
        for (const { score } of scores) {
          if (score === null) continue;
          total += score;
          known++;
          high = Math.max(high, score);
          low = Math.min(low, score);
        }
        segments.push({
          segmentId,
          questionnaireSid,
          questionnaire,
          agentName: group.find((r) => r[3] !== null)?.[3] ?? null,
          scores,
          spread: known < 2 ? null : high - low,
        });
        // Leniency: each score against the mean of the others on the same segment.
        for (const { assessor, score } of scores) {
          const entry = diffs.get(assessor) ?? { sum: 0, n: 0 };
          diffs.set(assessor, entry);
          if (score === null || known < 2) continue;
          entry.sum += score - (total - score) / (known - 1);
          entry.n++;
        }
      }
      // The widest disagreements first; a report carries at most CALIBRATION_SEGMENTS of them.
      segments.sort(
        (a, b) =>
          (b.spread ?? -Infinity) - (a.spread ?? -Infinity) ||
          compareText(a.segmentId, b.segmentId) ||
          compareText(a.questionnaireSid ?? '', b.questionnaireSid ?? ''),
      );
      const segmentCount = segments.length;
      segments.length = Math.min(segments.length, CALIBRATION_SEGMENTS);
      const assessors = [...diffs]
        .map(([assessor, d]) => ({ assessor, sharedSegments: d.n, leniency: d.n === 0 ? null : d.sum / d.n }))
        .sort(
          (a, b) =>
            (b.leniency ?? -Infinity) - (a.leniency ?? -Infinity) || compareText(a.assessor, b.assessor),
        );

      const conditions = filtered ? [`(c.segment_id, c.questionnaire_sid) IN (${groups})`] : [];
      const params: SQLInputValue[] = filtered ? [...where.params] : [];
      for (const [values, column] of [
        [normal.questionSids, 'c.question_sid'],
        [normal.categorySids, 'c.category_sid'],
      ] as const) {
        if (values === undefined || values.length === 0) continue;
        conditions.push(`${column} IN (${values.map(() => '?').join(', ')})`);
        params.push(...values);
      }
      const questions = (
        all(
          `SELECT c.question_sid AS questionSid,
             coalesce((SELECT q.question FROM questions q WHERE q.question_sid = c.question_sid),
               (SELECT r.question FROM assessments r WHERE r.question_sid = c.question_sid AND r.question IS NOT NULL LIMIT 1)) AS question,
             sum(c.pairs) AS pairs, sum(c.agreeing) AS agreeing
           FROM calibration_questions c ${whereSql(conditions)} GROUP BY c.question_sid`,
          params,
        ) as Array<{ questionSid: string; question: string | null; pairs: number; agreeing: number }>
      )
        .map((q) => ({
          questionSid: q.questionSid,
          question: q.question,
          pairs: q.pairs,
          agreement: q.pairs === 0 ? null : q.agreeing / q.pairs,
        }))
        .sort(
          (a, b) =>
            (a.agreement ?? Infinity) - (b.agreement ?? Infinity) ||
            compareText(a.questionSid, b.questionSid),
        );
      return { segmentCount, segments, questions, assessors };
    });
  }

  return { scoreGroups, answerDistribution, agentScorecards, agentDetail, calibration };
}

/** Text by code points (deterministic across locales). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** SQLite's order for a column: nulls first, numbers by value, text by folded name then as is. */
function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compareText(fold(String(a)), fold(String(b))) || compareText(String(a), String(b));
}
