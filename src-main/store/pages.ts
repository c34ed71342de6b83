/**
 * Passes over streams and page commits: upserts by SID, the stream's cursor, and the mirror rule,
 * all in one transaction per page (so a crash never loses or duplicates rows).
 *
 * Mirror rule: every row remembers the last pass that saw it (seen_pass). Pass numbers come from
 * one global counter, so when a pass over a scope completes, the scope's rows with a lower
 * seen_pass were seen by neither it nor any pass opened after it: gone upstream, they are deleted.
 * A cancelled pass deletes nothing; openPass resumes it under the same number from its cursor.
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { AppError } from '../errors.ts';
import type { Assessment, Comment } from '../flex/schemas.ts';
import { COUNTED } from './counts.ts';
import type { Counts } from './counts.ts';
import { ASSESSMENT_FIELDS, assessmentValues, COMMENT_FIELDS, commentValues } from './records.ts';
import type { SegmentFields } from './records.ts';
import type { ReferenceLookup } from './reference.ts';
import type { Scores } from './scores.ts';
import { bumpGenerations, transaction } from './sql.ts';
import { streamKey } from './types.ts';
import type { PageCommit, PageOutcome, PassStart, StreamKind, StreamScope } from './types.ts';

const RAW_TABLE = { assessments: 'assessment_raw', comments: 'comment_raw' } as const;
const COUNT_COLUMN = { assessments: 'assessment_count', comments: 'comment_count' } as const;
/** Rows per multi-row INSERT: fewer calls into SQLite, well under its 32766 bound parameters. */
const BATCH = 32;

/** A stored row as a page commit needs it: id, raw JSON, the counted columns and its assessment. */
interface Stored extends Record<string, unknown> {
  id: number;
  sid: string;
  json: string | null;
  segment_id: string | null;
  assessment_id?: number | null;
}

function scopeParts(scope: StreamScope): { type: 'segment' | 'agent' | 'all'; id: string | null } {
  if ('segmentId' in scope) return { type: 'segment', id: scope.segmentId };
  if ('agentId' in scope) return { type: 'agent', id: scope.agentId };
  return { type: 'all', id: null };
}

/** The statements one record kind needs, prepared once (multi-row inserts per batch size). */
function recordStatements(db: DatabaseSync, kind: StreamKind) {
  const fields: readonly string[] = kind === 'assessments' ? ASSESSMENT_FIELDS : COMMENT_FIELDS;
  const raw = RAW_TABLE[kind];
  // Assessment records also name their assessment, whose score a change or removal moves.
  const linked = kind === 'assessments' ? ['assessment_id'] : [];
  const counted = [...COUNTED[kind], ...linked].join(', ');
  const row = `(${['sid', ...fields, 'seen_pass'].map(() => '?').join(', ')})`;
  const batches = new Map<number, { insert: StatementSync; putRaw: StatementSync }>();
  const remove = (where: string) =>
    db.prepare(`DELETE FROM ${kind} WHERE ${where} seen_pass < ? RETURNING ${counted}`);
  return {
    fields,
    existing: db.prepare(
      `SELECT t.sid, t.id, r.json, ${[...COUNTED[kind], ...linked].map((c) => `t.${c}`).join(', ')}
       FROM ${kind} t LEFT JOIN ${raw} r ON r.id = t.id WHERE t.sid IN (SELECT value FROM json_each(?))`,
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
    update: db.prepare(
      `UPDATE ${kind} SET ${fields.map((f) => `${f} = ?`).join(', ')}, seen_pass = ? WHERE id = ?`,
    ),
    seen: db.prepare(`UPDATE ${kind} SET seen_pass = ? WHERE id IN (SELECT value FROM json_each(?))`),
    removeIn: { segment: remove('segment_id = ? AND'), agent: remove('agent_id = ? AND'), all: remove('') },
    recount: db.prepare(
      `UPDATE segments SET ${COUNT_COLUMN[kind]} = (SELECT count(*) FROM ${kind} WHERE segment_id = ?1)
       WHERE segment_id = ?1`,
    ),
  };
}

export interface Pages {
  openPass(kind: StreamKind, scope: StreamScope, options?: { restart?: boolean }): PassStart;
  commitPage(page: PageCommit): PageOutcome;
}

export function createPages(
  db: DatabaseSync,
  counts: Counts,
  scores: Scores,
  reference: () => ReferenceLookup,
): Pages {
  const records = {
    assessments: recordStatements(db, 'assessments'),
    comments: recordStatements(db, 'comments'),
  };
  const stream = db.prepare('SELECT pass, next_url AS next, complete FROM streams WHERE key = ?');
  const nextPass = db.prepare(
    `UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'pass_counter'
     RETURNING CAST(value AS INTEGER) AS pass`,
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

  /** Agent name, team and queue from the segment's details, else the agent's name and team. */
  function fieldsOf(segmentId: string | null, agentId: string | null): SegmentFields {
    const row = segmentFields.get(segmentId, agentId) as Record<string, string | null>;
    return { agentName: row.sn ?? row.gn ?? null, team: row.st ?? row.gt ?? null, queue: row.sq ?? null };
  }

  function openPass(kind: StreamKind, scope: StreamScope, options: { restart?: boolean } = {}): PassStart {
    return transaction(db, () => {
      const key = streamKey(kind, scope);
      const current = stream.get(key) as { pass: number; next: string | null; complete: number } | undefined;
      // An abandoned pass removes nothing: its rows keep their seen_pass, below the new pass's number.
      if (current !== undefined && current.complete === 0 && options.restart !== true)
        return { pass: current.pass, resumeFrom: current.next };
      const { pass } = nextPass.get() as { pass: number };
      const { type, id } = scopeParts(scope);
      startStream.run(key, kind, type, id, pass, Date.now());
      return { pass, resumeFrom: null };
    });
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
      const ref = reference();

      // The page's records by SID (a SID twice in one page: the later one wins, as two upserts would).
      const bySid = new Map<string, Assessment | Comment>();
      let skippedNoSid = 0;
      for (const record of page.records as Array<Assessment | Comment>) {
        if (record.assessment_sid === null) skippedNoSid++;
        else bySid.set(record.assessment_sid, record);
      }
      const stored = new Map<string, Stored>();
      for (const row of st.existing.all(JSON.stringify([...bySid.keys()])) as unknown as Stored[]) {
        stored.set(row.sid, row);
      }

      const touched = new Set<string>();
      const assessments = new Set<number>();
      const written: number[] = [];
      const segmentAgents = new Map<string, string | null>();
      const agents = new Set<string>();
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
            ? assessmentValues(record as Assessment, fields, ref)
            : commentValues(record as Comment, fields, ref);
        counts.add(page.kind, Object.fromEntries(st.fields.map((f, i) => [f, values[i]])), 1);
        if (before === undefined) {
          inserts.push({ sid, values, json });
        } else {
          st.update.run(...values, page.pass, before.id);
          st.batch(1).putRaw.run(before.id, json);
          written.push(before.id);
          if (typeof before.assessment_id === 'number') assessments.add(before.assessment_id);
          counts.add(page.kind, before, -1);
          if (before.segment_id !== null) touched.add(before.segment_id);
        }
        changed++;
        if (record.segment_id !== null) {
          touched.add(record.segment_id);
          if ((segmentAgents.get(record.segment_id) ?? null) === null)
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
        for (const r of ids) written.push(r.id);
      }
      if (page.kind === 'assessments') for (const id of scores.assign(written)) assessments.add(id);

      let removed = 0;
      if (page.next === null) {
        const { type, id } = scopeParts(page.scope);
        const gone = (
          type === 'all' ? st.removeIn.all.all(page.pass) : st.removeIn[type].all(id, page.pass)
        ) as Array<Record<string, unknown>>;
        removed = gone.length;
        for (const row of gone) {
          counts.add(page.kind, row, -1);
          if (typeof row.segment_id === 'string') touched.add(row.segment_id);
          if (typeof row.assessment_id === 'number') assessments.add(row.assessment_id);
        }
      }
      for (const [segmentId, agentId] of segmentAgents) knowSegment.run(segmentId, agentId);
      for (const agentId of agents) knowAgent.run(agentId);
      for (const segmentId of touched) st.recount.run(segmentId);
      counts.flush();
      const rescored = scores.refresh(assessments);
      const done = page.next === null;
      advanceStream.run(page.next, done ? 1 : 0, done ? Date.now() : null, key, page.pass);
      if (changed > 0 || removed > 0) bumpGenerations(db, [page.kind, ...(rescored ? ['scores'] : [])]);
      return { written: page.records.length - skippedNoSid, skippedNoSid, removed };
    });
  }

  return { openPass, commitPage };
}
