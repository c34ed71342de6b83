/**
 * The sync's side of the store (runs in the writer worker): page commits (pages.ts), segment
 * details, reference data and sync runs. Every method is one transaction.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Segment } from '../flex/schemas.ts';
import { COUNTED, createCounts } from './counts.ts';
import { createPages } from './pages.ts';
import { loadReference, writeReference } from './reference.ts';
import type { ReferenceLookup } from './reference.ts';
import { bumpGenerations, transaction } from './sql.ts';
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
  openPass(kind: StreamKind, scope: StreamScope): PassStart;
  commitPage(page: PageCommit): PageOutcome;
  upsertSegments(segments: Segment[]): void;
  putReference(reference: ReferenceData): void;
  markSegmentSynced(segmentId: string, at: number): void;
  beginRun(run: SyncRunStart): number;
  endRun(runId: number, end: SyncRunEnd): void;
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
  const pages = createPages(db, counts, () => reference);

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

  function upsertSegments(segments: Segment[]): void {
    transaction(db, () => {
      const now = Date.now();
      const changed = new Set<StreamKind>();
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
        const agentId = s.agent_id;
        let agent: { name: string | null; team: string | null } | undefined;
        if (agentId !== null) {
          putAgent.run(agentId, s.agent_name, s.agent_team_name, s.agent_team_name_in_hierarchy, nameKey);
          agent = agentRow.get(agentId) as typeof agent;
        }
        const name = s.agent_name ?? agent?.name ?? null;
        const team = s.agent_team_name ?? agent?.team ?? null;
        for (const copy of copies) {
          let changes = recounted(
            copy.kind,
            copy.groupsOfSegment,
            segmentId,
            () => copy.ofSegment.run(name, team, s.queue, segmentId).changes,
          );
          if (agentId !== null && agent !== undefined) {
            const known = agent;
            changes += recounted(
              copy.kind,
              copy.groupsOfAgent,
              agentId,
              () => copy.ofAgent.run(agentId, known.name, known.team).changes,
            );
          }
          if (changes > 0) changed.add(copy.kind);
        }
      }
      counts.flush();
      bumpGenerations(db, changed);
    });
  }

  const scorePairs = db.prepare('SELECT DISTINCT question_sid AS q, answer_id AS a FROM assessments');
  const setScore = db.prepare(
    'UPDATE assessments SET answer_score = ?3 WHERE question_sid IS ?1 AND answer_id IS ?2 AND answer_score IS NOT ?3',
  );

  /** Re-derives answer_score where new answer sets score an answer differently. */
  function rescore(): number {
    let changes = 0;
    for (const { q, a } of scorePairs.all() as Array<{ q: string | null; a: string | null }>) {
      changes += Number(setScore.run(q, a, reference.answerScore(q, a)).changes);
    }
    return changes;
  }

  function fillNames(kind: StreamKind): number {
    let changes = 0;
    for (const [column, lookup] of FILLS[kind]) {
      const sql = `UPDATE ${kind} SET ${column} = ${lookup} WHERE ${column} IS NULL AND ${lookup} IS NOT NULL`;
      const filled = Number(db.prepare(sql).run().changes);
      // Rare (records without names): recounting the column is simpler than tracking each row.
      if (filled > 0 && COUNTED[kind].includes(column)) counts.rebuild(kind, column);
      changes += filled;
    }
    return changes;
  }

  function putReference(ref: ReferenceData): void {
    transaction(db, () => {
      writeReference(db, ref);
      reference = loadReference(db);
      const changes = { assessments: rescore() + fillNames('assessments'), comments: fillNames('comments') };
      bumpGenerations(
        db,
        KINDS.filter((k) => changes[k] > 0),
      );
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
    upsertSegments,
    putReference,
    markSegmentSynced(segmentId, at) {
      markSynced.run(segmentId, at);
    },
    beginRun(run) {
      return (insertRun.get(run.label, JSON.stringify(run.target), run.startedAt) as { id: number }).id;
    },
    endRun(runId, end) {
      finishRun.run(end.status, end.endedAt, JSON.stringify(end.result), runId);
    },
  };
}
