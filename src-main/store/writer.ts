/**
 * The sync's side of the store (runs in the writer worker): passes and page commits with the
 * mirror rule, segment details, reference data and sync runs.
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { Assessment, Comment, Segment } from '../flex/schemas.ts';
import { AppError } from '../errors.ts';
import { ASSESSMENT_FIELDS, assessmentValues, COMMENT_FIELDS, commentValues } from './records.ts';
import type { SegmentFields } from './records.ts';
import { loadReference, writeReference } from './reference.ts';
import type { ReferenceLookup } from './reference.ts';
import { bumpGenerations, transaction } from './sql.ts';
import { streamKey } from './types.ts';
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
const RAW_TABLE = { assessments: 'assessment_raw', comments: 'comment_raw' } as const;
const COUNT_COLUMN = { assessments: 'assessment_count', comments: 'comment_count' } as const;

function scopeParts(scope: StreamScope): { type: 'segment' | 'agent' | 'all'; id: string | null } {
  if ('segmentId' in scope) return { type: 'segment', id: scope.segmentId };
  if ('agentId' in scope) return { type: 'agent', id: scope.agentId };
  return { type: 'all', id: null };
}

/** Rows per multi-row INSERT: fewer calls into SQLite, well under its 32766 bound parameters. */
const BATCH = 32;

interface Stored {
  id: number;
  segmentId: string | null;
  json: string | null;
}

/** The statements one record kind needs, prepared once (multi-row inserts per batch size). */
function recordStatements(db: DatabaseSync, kind: StreamKind) {
  const fields: readonly string[] = kind === 'assessments' ? ASSESSMENT_FIELDS : COMMENT_FIELDS;
  const raw = RAW_TABLE[kind];
  const row = `(${['sid', ...fields, 'seen_pass'].map(() => '?').join(', ')})`;
  const batches = new Map<number, { insert: StatementSync; putRaw: StatementSync }>();
  return {
    existing: db.prepare(
      `SELECT t.sid, t.id, t.segment_id AS segmentId, r.json FROM ${kind} t LEFT JOIN ${raw} r ON r.id = t.id
       WHERE t.sid IN (SELECT value FROM json_each(?))`,
    ),
    batch(n: number) {
      let statements = batches.get(n);
      if (statements === undefined) {
        statements = {
          insert: db.prepare(
            `INSERT INTO ${kind}(sid, ${fields.join(', ')}, seen_pass) VALUES ${Array(n).fill(row).join(', ')}
             RETURNING id, sid`,
          ),
          putRaw: db.prepare(
            `INSERT INTO ${raw}(id, json) VALUES ${Array(n).fill('(?, ?)').join(', ')}
             ON CONFLICT(id) DO UPDATE SET json = excluded.json`,
          ),
        };
        batches.set(n, statements);
      }
      return statements;
    },
    update: db.prepare(`UPDATE ${kind} SET ${fields.map((f) => `${f} = ?`).join(', ')}, seen_pass = ? WHERE id = ?`),
    seen: db.prepare(`UPDATE ${kind} SET seen_pass = ? WHERE id IN (SELECT value FROM json_each(?))`),
    removeIn: {
      segment: db.prepare(`DELETE FROM ${kind} WHERE segment_id = ? AND seen_pass < ? RETURNING segment_id AS s`),
      agent: db.prepare(`DELETE FROM ${kind} WHERE agent_id = ? AND seen_pass < ? RETURNING segment_id AS s`),
      all: db.prepare(`DELETE FROM ${kind} WHERE seen_pass < ? RETURNING segment_id AS s`),
    },
    recount: db.prepare(
      `UPDATE segments SET ${COUNT_COLUMN[kind]} = (SELECT count(*) FROM ${kind} WHERE segment_id = ?1)
       WHERE segment_id = ?1`,
    ),
  };
}

export function createWriter(db: DatabaseSync): Writer {
  let reference: ReferenceLookup = loadReference(db);
  const records = { assessments: recordStatements(db, 'assessments'), comments: recordStatements(db, 'comments') };
  const stream = db.prepare('SELECT pass, next_url AS next, complete FROM streams WHERE key = ?');
  const nextPass = db.prepare(
    "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'pass_counter' RETURNING CAST(value AS INTEGER) AS pass",
  );
  const startStream = db.prepare(
    `INSERT INTO streams(key, kind, scope_type, scope_id, pass, next_url, complete, started_at, completed_at)
     VALUES (?, ?, ?, ?, ?, NULL, 0, ?, NULL)
     ON CONFLICT(key) DO UPDATE SET pass = excluded.pass, next_url = NULL, complete = 0,
       started_at = excluded.started_at, completed_at = NULL`,
  );
  const advanceStream = db.prepare(
    'UPDATE streams SET next_url = ?, complete = ?, completed_at = ? WHERE key = ? AND pass = ? AND complete = 0',
  );
  const segmentFields = db.prepare(
    `SELECT s.agent_name AS sn, s.team AS st, s.queue AS sq, g.name AS gn, g.team AS gt
     FROM (SELECT ?1 AS seg, ?2 AS ag) k
     LEFT JOIN segments s ON s.segment_id = k.seg LEFT JOIN agents g ON g.agent_id = k.ag`,
  );
  const knowSegment = db.prepare(
    `INSERT INTO segments(segment_id, agent_id) VALUES (?, ?)
     ON CONFLICT(segment_id) DO UPDATE SET agent_id = excluded.agent_id
     WHERE segments.agent_id IS NULL AND excluded.agent_id IS NOT NULL`,
  );
  const knowAgent = db.prepare('INSERT INTO agents(agent_id) VALUES (?) ON CONFLICT(agent_id) DO NOTHING');

  function fieldsOf(segmentId: string | null, agentId: string | null): SegmentFields {
    const row = segmentFields.get(segmentId, agentId) as Record<string, string | null>;
    return {
      agentName: row.sn ?? row.gn ?? null,
      team: row.st ?? row.gt ?? null,
      queue: row.sq ?? null,
    };
  }

  function commitPage(page: PageCommit): PageOutcome {
    return transaction(db, () => {
      const key = streamKey(page.kind, page.scope);
      const current = stream.get(key) as { pass: number; complete: number } | undefined;
      if (current === undefined || current.pass !== page.pass || current.complete === 1) {
        throw new AppError(
          'store_failed',
          'This page belongs to a sync pass that is no longer current (another sync took over). Start the sync again.',
          { detail: { stream: key, pass: page.pass, currentPass: current?.pass ?? null } },
        );
      }
      const st = records[page.kind];
      // The page's records by SID (a SID twice in one page: the later one wins, as two upserts would).
      const bySid = new Map<string, Assessment | Comment>();
      let written = 0;
      let skippedNoSid = 0;
      for (const record of page.records as Array<Assessment | Comment>) {
        if (record.assessment_sid === null) skippedNoSid++;
        else {
          written++;
          bySid.set(record.assessment_sid, record);
        }
      }
      const stored = new Map<string, Stored>();
      for (const row of st.existing.all(JSON.stringify([...bySid.keys()])) as unknown as Array<Stored & { sid: string }>) {
        stored.set(row.sid, row);
      }

      const touched = new Set<string>();
      const agents = new Set<string>();
      const segmentAgents = new Map<string, string | null>();
      const fieldCache = new Map<string, SegmentFields>();
      const unchanged: number[] = [];
      const inserts: Array<{ sid: string; values: SQLInputValue[]; json: string }> = [];
      let changed = 0;
      for (const [sid, record] of bySid) {
        const json = JSON.stringify(record.raw);
        const before = stored.get(sid);
        if (before !== undefined && before.json === json) {
          unchanged.push(before.id);
          continue;
        }
        const fieldsKey = `${record.segment_id}\u0000${record.agent_id}`;
        let fields = fieldCache.get(fieldsKey);
        if (fields === undefined) {
          fields = fieldsOf(record.segment_id, record.agent_id);
          fieldCache.set(fieldsKey, fields);
        }
        const values =
          page.kind === 'assessments'
            ? assessmentValues(record as Assessment, fields, reference)
            : commentValues(record as Comment, fields, reference);
        if (before === undefined) {
          inserts.push({ sid, values, json });
        } else {
          st.update.run(...values, page.pass, before.id);
          st.batch(1).putRaw.run(before.id, json);
          if (before.segmentId !== null) touched.add(before.segmentId);
        }
        changed++;
        if (record.segment_id !== null) {
          touched.add(record.segment_id);
          if (!segmentAgents.has(record.segment_id) || segmentAgents.get(record.segment_id) === null)
            segmentAgents.set(record.segment_id, record.agent_id);
        }
        if (record.agent_id !== null) agents.add(record.agent_id);
      }
      if (unchanged.length > 0) st.seen.run(page.pass, JSON.stringify(unchanged));
      for (let i = 0; i < inserts.length; i += BATCH) {
        const chunk = inserts.slice(i, i + BATCH);
        const { insert, putRaw } = st.batch(chunk.length);
        const ids = insert.all(...chunk.flatMap((r) => [r.sid, ...r.values, page.pass])) as Array<{
          id: number;
          sid: string;
        }>;
        const jsonOf = new Map(chunk.map((r) => [r.sid, r.json]));
        putRaw.run(...ids.flatMap((r) => [r.id, jsonOf.get(r.sid) ?? '']));
      }

      let removed = 0;
      if (page.next === null) {
        const { type, id } = scopeParts(page.scope);
        const gone = (
          type === 'all' ? st.removeIn.all.all(page.pass) : st.removeIn[type].all(id, page.pass)
        ) as Array<{ s: string | null }>;
        removed = gone.length;
        for (const row of gone) if (row.s !== null) touched.add(row.s);
      }
      for (const [segmentId, agentId] of segmentAgents) knowSegment.run(segmentId, agentId);
      for (const agentId of agents) knowAgent.run(agentId);
      for (const segmentId of touched) st.recount.run(segmentId);
      const done = page.next === null;
      advanceStream.run(page.next, done ? 1 : 0, done ? Date.now() : null, key, page.pass);
      if (changed > 0 || removed > 0) bumpGenerations(db, [page.kind]);
      return { written, skippedNoSid, removed };
    });
  }

  function openPass(kind: StreamKind, scope: StreamScope): PassStart {
    return transaction(db, () => {
      const key = streamKey(kind, scope);
      const current = stream.get(key) as { pass: number; next: string | null; complete: number } | undefined;
      if (current !== undefined && current.complete === 0) return { pass: current.pass, resumeFrom: current.next };
      const { pass } = nextPass.get() as { pass: number };
      const { type, id } = scopeParts(scope);
      startStream.run(key, kind, type, id, pass, Date.now());
      return { pass, resumeFrom: null };
    });
  }

  const putSegment = db.prepare(
    `INSERT INTO segments(segment_id, agent_id, agent_name, team, team_in_hierarchy, queue, date,
       assessment_type, assessment_percentage, raw, details_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(segment_id) DO UPDATE SET agent_id = coalesce(excluded.agent_id, segments.agent_id),
       agent_name = excluded.agent_name, team = excluded.team, team_in_hierarchy = excluded.team_in_hierarchy,
       queue = excluded.queue, date = excluded.date, assessment_type = excluded.assessment_type,
       assessment_percentage = excluded.assessment_percentage, raw = excluded.raw, details_at = excluded.details_at`,
  );
  const putAgent = db.prepare(
    `INSERT INTO agents(agent_id, name, team, team_in_hierarchy) VALUES (?, ?, ?, ?)
     ON CONFLICT(agent_id) DO UPDATE SET name = coalesce(excluded.name, agents.name),
       team = coalesce(excluded.team, agents.team),
       team_in_hierarchy = coalesce(excluded.team_in_hierarchy, agents.team_in_hierarchy)`,
  );
  const agentRow = db.prepare('SELECT name, team FROM agents WHERE agent_id = ?');
  const copyToRows = KINDS.map((kind) => ({
    kind,
    ofSegment: db.prepare(
      `UPDATE ${kind} SET agent_name = ?1, team = ?2, queue = ?3
       WHERE segment_id = ?4 AND (agent_name IS NOT ?1 OR team IS NOT ?2 OR queue IS NOT ?3)`,
    ),
    // Rows of the agent's other segments whose details were never fetched take the agent's name.
    ofAgent: db.prepare(
      `UPDATE ${kind} SET agent_name = ?1, team = ?2
       WHERE agent_id = ?3 AND (agent_name IS NOT ?1 OR team IS NOT ?2)
         AND segment_id IN (SELECT segment_id FROM segments WHERE agent_id = ?3 AND details_at IS NULL)`,
    ),
  }));

  function upsertSegments(segments: Segment[]): void {
    transaction(db, () => {
      const now = Date.now();
      const changedKinds: StreamKind[] = [];
      for (const s of segments) {
        if (s.segment_id === null) continue;
        const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));
        putSegment.run(
          s.segment_id,
          s.agent_id,
          s.agent_name,
          s.agent_team_name,
          s.agent_team_name_in_hierarchy,
          s.queue,
          s.date,
          json(s.assessment_type),
          json(s.assessment_percentage),
          JSON.stringify(s.raw),
          now,
        );
        let agent: { name: string | null; team: string | null } | undefined;
        if (s.agent_id !== null) {
          putAgent.run(s.agent_id, s.agent_name, s.agent_team_name, s.agent_team_name_in_hierarchy);
          agent = agentRow.get(s.agent_id) as typeof agent;
        }
        const name = s.agent_name ?? agent?.name ?? null;
        const team = s.agent_team_name ?? agent?.team ?? null;
        for (const copy of copyToRows) {
          let changes = Number(copy.ofSegment.run(name, team, s.queue, s.segment_id).changes);
          if (s.agent_id !== null && agent !== undefined) {
            changes += Number(copy.ofAgent.run(agent.name, agent.team, s.agent_id).changes);
          }
          if (changes > 0) changedKinds.push(copy.kind);
        }
      }
      bumpGenerations(db, changedKinds);
    });
  }

  function putReference(ref: ReferenceData): void {
    transaction(db, () => {
      writeReference(db, ref);
      reference = loadReference(db);
      const changes = { assessments: rescore(), comments: 0 };
      changes.assessments += fillNames('assessments');
      changes.comments += fillNames('comments');
      bumpGenerations(
        db,
        KINDS.filter((k) => changes[k] > 0),
      );
    });
  }

  /** Re-derives answer_score where the new answer sets score an answer differently. */
  function rescore(): number {
    const pairs = db.prepare('SELECT DISTINCT question_sid AS q, answer_id AS a FROM assessments').all() as Array<{
      q: string | null;
      a: string | null;
    }>;
    const set = db.prepare(
      'UPDATE assessments SET answer_score = ?3 WHERE question_sid IS ?1 AND answer_id IS ?2 AND answer_score IS NOT ?3',
    );
    let changes = 0;
    for (const { q, a } of pairs) changes += Number(set.run(q, a, reference.answerScore(q, a)).changes);
    return changes;
  }

  /** Names missing from records, taken from the reference tables. */
  const fills = {
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
  } as const;
  function fillNames(kind: StreamKind): number {
    let changes = 0;
    for (const [column, lookup] of fills[kind]) {
      const sql = `UPDATE ${kind} SET ${column} = ${lookup} WHERE ${column} IS NULL AND ${lookup} IS NOT NULL`;
      changes += Number(db.prepare(sql).run().changes);
    }
    return changes;
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
    openPass,
    commitPage,
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
