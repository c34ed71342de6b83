/**
 * The sync's side of the store (runs in the writer worker): page commits (pages.ts), segment
 * details, reference data and sync runs. Every method is one transaction.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Segment } from '../flex/schemas.ts';
import type { QueryFilters, SavedView } from '../../src-preload/contract.ts';
import { COUNTED, createCounts } from './counts.ts';
import { createPages } from './pages.ts';
import { decodePage } from './raw-page.ts';
import type { RawPage } from './raw-page.ts';
import { loadReference, writeReference } from './reference.ts';
import type { ReferenceLookup } from './reference.ts';
import { createScores } from './scores.ts';
import { bumpGenerations, transaction } from './sql.ts';
import { createViews } from './views.ts';
import { fold } from './text.ts';
import type {
  PageCommit,
  PageOutcome,
  PassStart,
  ReferenceData,
  StreamKind,
  StreamScope,
  SyncRunEnd,
  SyncRunStart,
} from './types.ts';

export interface Writer {
  openPass(kind: StreamKind, scope: StreamScope, options?: { restart?: boolean }): PassStart;
  commitPage(page: PageCommit): PageOutcome;
  /** commitPage for a page sent as its records' JSON text (how the facade sends pages). */
  commitRawPage(page: RawPage): PageOutcome;
  upsertSegments(segments: Segment[]): void;
  putReference(reference: ReferenceData): void;
  markSegmentsSynced(segmentIds: readonly string[], at: number): void;
  beginRun(run: SyncRunStart): number;
  endRun(runId: number, end: SyncRunEnd): void;
  /** Saves a filter set under a name (replacing a view of that name); every view after it. */
  saveView(name: string, filters: QueryFilters): SavedView[];
  removeView(name: string): SavedView[];
}

const KINDS: readonly StreamKind[] = ['assessments', 'comments'];
const json = (value: unknown): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);

/** Names missing from records, taken from the reference tables: [column, lookup]. */
const FILLS: Record<StreamKind, ReadonlyArray<readonly [string, string]>> = {
  assessments: [
    [
      'questionnaire',
      '(SELECT name FROM questionnaires r WHERE r.questionnaire_sid = assessments.questionnaire_sid)',
    ],
    ['question', '(SELECT question FROM questions r WHERE r.question_sid = assessments.question_sid)'],
    ['category', '(SELECT name FROM categories r WHERE r.category_sid = assessments.category_sid)'],
    [
      'answer',
      '(SELECT name FROM answers r WHERE r.answer_id = assessments.answer_id AND name IS NOT NULL LIMIT 1)',
    ],
  ],
  comments: [['tag', '(SELECT name FROM comment_tags r WHERE r.tag_id = comments.tag_id)']],
};

export function createWriter(db: DatabaseSync): Writer {
  let reference: ReferenceLookup = loadReference(db);
  const counts = createCounts(db);
  const scores = createScores(db);
  const pages = createPages(db, counts, scores, () => reference);
  const views = createViews(db);

  // A migration that added summary data leaves it to be derived here, by the current code.
  if (db.prepare("SELECT 1 FROM meta WHERE key = 'summaries_stale'").get() !== undefined) {
    transaction(db, () => {
      scores.rebuild(reference);
      counts.rebuildPairs();
      bumpGenerations(db, ['assessments', 'scores']);
    });
  }

  const putSegment = db.prepare(
    `INSERT INTO segments(segment_id, agent_id, agent_name, team, team_in_hierarchy, queue, date,
       assessment_type, assessment_percentage, name_key, raw, details_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(segment_id) DO UPDATE SET agent_id = coalesce(excluded.agent_id, segments.agent_id),
       agent_name = excluded.agent_name, name_key = excluded.name_key, team = excluded.team,
       team_in_hierarchy = excluded.team_in_hierarchy, queue = excluded.queue, date = excluded.date,
       assessment_type = excluded.assessment_type, assessment_percentage = excluded.assessment_percentage,
       raw = excluded.raw, details_at = excluded.details_at`,
  );
  const putAgent = db.prepare(
    `INSERT INTO agents(agent_id, name, team, team_in_hierarchy, name_key) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(agent_id) DO UPDATE SET name = coalesce(excluded.name, agents.name),
       name_key = coalesce(excluded.name_key, agents.name_key), team = coalesce(excluded.team, agents.team),
       team_in_hierarchy = coalesce(excluded.team_in_hierarchy, agents.team_in_hierarchy)`,
  );
  const agentRow = db.prepare('SELECT name, team FROM agents WHERE agent_id = ?');
  // Rows of the agent's other segments whose details were never fetched show the agent's name.
  const agentWithoutDetails =
    'agent_id = ?1 AND segment_id IN (SELECT segment_id FROM segments WHERE agent_id = ?1 AND details_at IS NULL)';
  const copies = KINDS.map((kind) => ({
    kind,
    ofSegment: db.prepare(
      `UPDATE ${kind} SET agent_name = ?1, team = ?2, queue = ?3
       WHERE segment_id = ?4 AND (agent_name IS NOT ?1 OR team IS NOT ?2 OR queue IS NOT ?3)`,
    ),
    ofAgent: db.prepare(
      `UPDATE ${kind} SET agent_name = ?2, team = ?3
       WHERE ${agentWithoutDetails} AND (agent_name IS NOT ?2 OR team IS NOT ?3)`,
    ),
    // team and queue are counted picker columns: their counts move with the copies.
    groupsOfSegment: db.prepare(
      `SELECT team, queue, count(*) AS n FROM ${kind} WHERE segment_id = ? GROUP BY 1, 2`,
    ),
    groupsOfAgent: db.prepare(
      `SELECT team, queue, count(*) AS n FROM ${kind} WHERE ${agentWithoutDetails} GROUP BY 1, 2`,
    ),
  }));

  /** Runs an update of team/queue and moves the picker counts of the rows it changed. */
  function recounted(
    kind: StreamKind,
    groups: StatementSync,
    key: string,
    update: () => number | bigint,
  ): number {
    const before = groups.all(key) as Array<{ team: string | null; queue: string | null; n: number }>;
    const changes = Number(update());
    if (changes > 0) {
      for (const g of before) counts.add(kind, g, -1, g.n);
      for (const g of groups.all(key) as typeof before) counts.add(kind, g, 1, g.n);
    }
    return changes;
  }

  const assessmentsOfSegment = db.prepare('SELECT id FROM assessment_scores WHERE segment_id = ?');
  const assessmentsOfAgent = db.prepare(`SELECT id FROM assessment_scores WHERE ${agentWithoutDetails}`);
  const collect = (into: Set<number>, rows: unknown[]): void => {
    for (const row of rows as Array<{ id: number }>) into.add(row.id);
  };

  function upsertSegments(segments: Segment[]): void {
    transaction(db, () => {
      const now = Date.now();
      const changed = new Set<StreamKind | 'scores'>();
      // Assessments whose copied agent name, team or queue moved.
      const moved = new Set<number>();
      const upserted: string[] = [];
      for (const s of segments) {
        const segmentId = s.segment_id;
        if (segmentId === null) continue;
        const nameKey = s.agent_name === null ? null : fold(s.agent_name);
        putSegment.run(
          segmentId,
          s.agent_id,
          s.agent_name,
          s.agent_team_name,
          s.agent_team_name_in_hierarchy,
          s.queue,
          s.date,
          json(s.assessment_type),
          json(s.assessment_percentage),
          nameKey,
          JSON.stringify(s.raw),
          now,
        );
        upserted.push(segmentId);
        const agentId = s.agent_id;
        let agent: { name: string | null; team: string | null } | undefined;
        if (agentId !== null) {
          putAgent.run(agentId, s.agent_name, s.agent_team_name, s.agent_team_name_in_hierarchy, nameKey);
          agent = agentRow.get(agentId) as typeof agent;
        }
        const name = s.agent_name ?? agent?.name ?? null;
        const team = s.agent_team_name ?? agent?.team ?? null;
        for (const copy of copies) {
          const ofSegment = recounted(
            copy.kind,
            copy.groupsOfSegment,
            segmentId,
            () => copy.ofSegment.run(name, team, s.queue, segmentId).changes,
          );
          let ofAgent = 0;
          if (agentId !== null && agent !== undefined) {
            const known = agent;
            ofAgent = recounted(
              copy.kind,
              copy.groupsOfAgent,
              agentId,
              () => copy.ofAgent.run(agentId, known.name, known.team).changes,
            );
          }
          if (ofSegment + ofAgent > 0) changed.add(copy.kind);
          if (copy.kind !== 'assessments') continue;
          if (ofSegment > 0) collect(moved, assessmentsOfSegment.all(segmentId));
          if (ofAgent > 0) collect(moved, assessmentsOfAgent.all(agentId));
        }
      }
      counts.flush();
      // New details may report other percentages, or name the agent, team and queue anew.
      const rescored = scores.refresh(moved);
      if (scores.matchSegments(upserted) || rescored) changed.add('scores');
      bumpGenerations(db, changed);
    });
  }

  /** Fills names the records lack; the assessments whose rows got one. */
  function fillNames(kind: StreamKind, assessments: Set<number>): number {
    let changes = 0;
    for (const [column, lookup] of FILLS[kind]) {
      const sql = `UPDATE ${kind} SET ${column} = ${lookup} WHERE ${column} IS NULL AND ${lookup} IS NOT NULL`;
      const filled =
        kind === 'assessments'
          ? db.prepare(`${sql} RETURNING assessment_id AS id`).all()
          : db.prepare(sql).run();
      const count = Array.isArray(filled) ? filled.length : Number(filled.changes);
      if (Array.isArray(filled))
        collect(
          assessments,
          filled.filter((r) => r.id !== null),
        );
      // Rare (records without names): recounting the column is simpler than tracking each row.
      if (count > 0 && COUNTED[kind].includes(column)) counts.rebuild(kind, column);
      changes += count;
    }
    return changes;
  }

  function putReference(ref: ReferenceData): void {
    transaction(db, () => {
      writeReference(db, ref);
      reference = loadReference(db);
      // Assessments whose records were scored or named anew.
      const touched = scores.rescore(reference, true);
      const rescored = touched.size;
      const changes = {
        assessments: rescored + fillNames('assessments', touched),
        comments: fillNames('comments', touched),
      };
      const kinds: string[] = KINDS.filter((k) => changes[k] > 0);
      if (scores.refresh(touched)) kinds.push('scores');
      bumpGenerations(db, kinds);
    });
  }

  const markSynced = db.prepare(
    `INSERT INTO segments(segment_id, last_synced_at) VALUES (?, ?)
     ON CONFLICT(segment_id) DO UPDATE SET last_synced_at = excluded.last_synced_at`,
  );
  const insertRun = db.prepare(
    'INSERT INTO sync_runs(label, target, started_at) VALUES (?, ?, ?) RETURNING id',
  );
  const finishRun = db.prepare('UPDATE sync_runs SET status = ?, ended_at = ?, counts = ? WHERE id = ?');

  return {
    openPass: pages.openPass,
    commitPage: pages.commitPage,
    commitRawPage: (page) => pages.commitPage(decodePage(page)),
    upsertSegments,
    putReference,
    markSegmentsSynced(segmentIds, at) {
      transaction(db, () => {
        for (const segmentId of segmentIds) markSynced.run(segmentId, at);
      });
    },
    beginRun(run) {
      return (insertRun.get(run.label, JSON.stringify(run.target), run.startedAt) as { id: number }).id;
    },
    endRun(runId, end) {
      finishRun.run(end.status, end.endedAt, JSON.stringify(end.result), runId);
    },
    saveView: (name, filters) => transaction(db, () => views.save(name, filters, Date.now())),
    removeView: (name) => transaction(db, () => views.remove(name)),
  };
}
