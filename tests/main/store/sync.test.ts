import { DatabaseSync } from 'node:sqlite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src-main/errors.ts';
import { AssessmentSchema, CommentSchema } from '../../../src-main/flex/schemas.ts';
import type { Assessment, Comment } from '../../../src-main/flex/schemas.ts';
import { openStore } from '../../../src-main/store/index.ts';
import type { PageCommit, Store, StreamKind, StreamScope } from '../../../src-main/store/index.ts';
import { DISTINCT_COLUMNS } from '../../../src-preload/contract.ts';
import { ACCOUNT_SID, buildFixture, chunks, parse, tempDir } from './fixture.ts';
import type { Fixture } from './fixture.ts';

let fixture: Fixture;
let temp: Awaited<ReturnType<typeof tempDir>>;
let store: Store;

beforeAll(() => {
  fixture = buildFixture({ seed: 21, assessments: 600 });
});
beforeEach(async () => {
  temp = await tempDir();
  store = await openStore({ file: temp.file(), accountSid: ACCOUNT_SID });
});
afterEach(async () => {
  await store.close();
  await temp.remove();
});
afterAll(() => undefined);

const all = { all: true } as const;
const sidsOf = (records: Array<{ assessment_sid: string | null }>) =>
  records.map((r) => r.assessment_sid).filter((s): s is string => s !== null);

/** Every stored sid of a kind, through the query API. */
async function storedSids(kind: StreamKind, filters = {}): Promise<string[]> {
  const out: string[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page =
      kind === 'assessments'
        ? await store.assessments({ filters, sort: [{ column: 'sid', dir: 'asc' }], offset, limit: 1000 })
        : await store.comments({ filters, sort: [{ column: 'sid', dir: 'asc' }], offset, limit: 1000 });
    out.push(...page.rows.map((r) => r.sid));
    if (offset + 1000 >= page.total) return out;
  }
}

/** One whole pass over a stream, in pages, like a sync would run it. */
async function runPass(
  kind: StreamKind,
  scope: StreamScope,
  records: Array<Assessment | Comment>,
  pageSize = 100,
): Promise<{ pass: number; removed: number; written: number; skipped: number }> {
  const { pass } = await store.openPass(kind, scope);
  const pages = records.length === 0 ? [[]] : chunks(records, pageSize);
  let removed = 0;
  let written = 0;
  let skipped = 0;
  for (const [i, records] of pages.entries()) {
    const outcome = await store.commitPage({
      kind,
      scope,
      pass,
      records,
      next: i === pages.length - 1 ? null : `https://flex-api.twilio.com/page/${i + 1}`,
    } as PageCommit);
    removed += outcome.removed;
    written += outcome.written;
    skipped += outcome.skippedNoSid;
  }
  return { pass, removed, written, skipped };
}

const sorted = (sids: string[]) => [...sids].sort();

describe('commitPage', () => {
  it('stores every record once; the same pages again change nothing', async () => {
    const first = await runPass('assessments', all, fixture.assessments);
    expect(first).toMatchObject({ written: fixture.assessments.length, removed: 0, skipped: 0 });
    const before = await store.assessments({ filters: {}, sort: [], offset: 0, limit: 1000 });
    const again = await runPass('assessments', all, fixture.assessments, 77);
    expect(again).toMatchObject({ written: fixture.assessments.length, removed: 0 });
    expect(again.pass).toBeGreaterThan(first.pass);
    const after = await store.assessments({ filters: {}, sort: [], offset: 0, limit: 1000 });
    expect(after).toEqual(before);
    expect(after.total).toBe(fixture.data.assessmentCount);
    expect(sorted(await storedSids('assessments'))).toEqual(sorted(sidsOf(fixture.assessments)));
  });

  it('a record changed upstream is updated in place', async () => {
    await runPass('comments', all, fixture.comments);
    const target = fixture.comments[3]!;
    const edited = parse(CommentSchema, {
      ...target.raw,
      comment: { comment: 'Rewritten upstream: zebra crossing', category: null },
    });
    const { pass } = await store.openPass('comments', all);
    await store.commitPage({ kind: 'comments', scope: all, pass, records: [edited], next: 'u' });
    const found = await store.comments({ filters: { text: 'zebra' }, sort: [], offset: 0, limit: 10 });
    expect(found.rows.map((r) => [r.sid, r.text, r.tagId])).toEqual([
      [target.assessment_sid, 'Rewritten upstream: zebra crossing', null],
    ]);
    const old = await store.comments({
      filters: { text: target.comment!.comment! },
      sort: [],
      offset: 0,
      limit: 1000,
    });
    expect(old.rows.map((r) => r.sid)).not.toContain(target.assessment_sid);
    expect((await store.overview()).comments).toBe(fixture.comments.length);
  });

  it('counts records without an assessment SID and never stores them', async () => {
    const noSid = [0, 1, 2].map((i) =>
      parse(AssessmentSchema, { ...fixture.assessments[i]!.raw, assessment_sid: null }),
    );
    const records = [...fixture.assessments.slice(10, 20), ...noSid];
    const { pass } = await store.openPass('assessments', all);
    const outcome = await store.commitPage({ kind: 'assessments', scope: all, pass, records, next: null });
    expect(outcome).toEqual({ written: 10, skippedNoSid: 3, removed: 0 });
    expect(sorted(await storedSids('assessments'))).toEqual(
      sorted(sidsOf(fixture.assessments.slice(10, 20))),
    );
  });

  it('keeps the raw JSON of each record, unknown fields included', async () => {
    const extra = parse(AssessmentSchema, {
      ...fixture.assessments[0]!.raw,
      brand_new_field: { nested: [1, 'two'] },
    });
    const { pass } = await store.openPass('assessments', all);
    await store.commitPage({ kind: 'assessments', scope: all, pass, records: [extra], next: null });
    await store.close();
    const db = new DatabaseSync(temp.file());
    const row = db.prepare('SELECT json FROM assessment_raw').get() as { json: string };
    db.close();
    expect(JSON.parse(row.json)).toEqual(extra.raw);
    store = await openStore({ file: temp.file(), accountSid: ACCOUNT_SID });
  });

  it('refuses a page of a pass that is not current, and writes nothing of it', async () => {
    const { pass } = await store.openPass('assessments', all);
    await store.commitPage({
      kind: 'assessments',
      scope: all,
      pass,
      records: fixture.assessments.slice(0, 5),
      next: null,
    });
    const error = await store
      .commitPage({
        kind: 'assessments',
        scope: all,
        pass,
        records: fixture.assessments.slice(5, 10),
        next: null,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('store_failed');
    expect((await store.overview()).assessments).toBe(5);
  });
});

describe('passes and the mirror rule', () => {
  const segmentOf = (fix: Fixture) => {
    const id = fix.data.segmentIds().find((s) => fix.data.countAssessments({ segmentId: s }) >= 5)!;
    const records = fix.assessments.filter((r) => r.segment_id === id);
    return { id, records, scope: { segmentId: id } };
  };

  it('a complete pass removes the scope rows it did not see, and only those', async () => {
    const seg = segmentOf(fixture);
    await runPass('assessments', all, fixture.assessments);
    const gone = seg.records.slice(0, 2);
    const kept = seg.records.slice(2);
    const result = await runPass('assessments', seg.scope, kept, 2);
    expect(result.removed).toBe(2);
    const expected = sidsOf(fixture.assessments).filter((s) => !sidsOf(gone).includes(s));
    expect(sorted(await storedSids('assessments'))).toEqual(sorted(expected));
    const segment = (
      await store.segments({ search: seg.id, sort: { column: 'segmentId', dir: 'asc' }, offset: 0, limit: 5 })
    ).rows[0];
    expect(segment?.assessments).toBe(kept.length);
  });

  it('a cancelled pass removes nothing; resuming keeps its pass number and cursor', async () => {
    const seg = segmentOf(fixture);
    await runPass('assessments', seg.scope, seg.records);
    const first = await store.openPass('assessments', seg.scope);
    expect(first.resumeFrom).toBeNull();
    await store.commitPage({
      kind: 'assessments',
      scope: seg.scope,
      pass: first.pass,
      records: seg.records.slice(0, 1),
      next: 'https://flex-api.twilio.com/next-page-2',
    });
    // Cancelled here. The next sync resumes the same pass from the stored cursor.
    expect(sorted(await storedSids('assessments'))).toEqual(sorted(sidsOf(seg.records)));
    const resumed = await store.openPass('assessments', seg.scope);
    expect(resumed).toEqual({ pass: first.pass, resumeFrom: 'https://flex-api.twilio.com/next-page-2' });
    // The rest of the pass returns records 2.. (record 1 is gone upstream); record 0 came before the cancel.
    const outcome = await store.commitPage({
      kind: 'assessments',
      scope: seg.scope,
      pass: resumed.pass,
      records: seg.records.slice(2),
      next: null,
    });
    expect(outcome.removed).toBe(1);
    expect(sorted(await storedSids('assessments'))).toEqual(
      sorted(sidsOf(seg.records).filter((s) => s !== seg.records[1]!.assessment_sid)),
    );
    const next = await store.openPass('assessments', seg.scope);
    expect(next.pass).toBeGreaterThan(first.pass);
    expect(next.resumeFrom).toBeNull();
  });

  it('rows a later pass of another stream saw survive the end of an earlier pass', async () => {
    const seg = segmentOf(fixture);
    const agentId = seg.records[0]!.agent_id!;
    const agentComments = fixture.comments.filter((c) => c.agent_id === agentId);
    const segComments = agentComments.filter((c) => c.segment_id === seg.id);
    expect(segComments.length).toBeGreaterThan(0);
    const segmentPass = await store.openPass('comments', { segmentId: seg.id });
    // Meanwhile the agent's stream runs completely (a higher pass number) and sees them all.
    const agentRun = await runPass('comments', { agentId }, agentComments);
    expect(agentRun.pass).toBeGreaterThan(segmentPass.pass);
    // The segment pass then finishes having seen nothing: its rows were seen more recently by the agent pass.
    const outcome = await store.commitPage({
      kind: 'comments',
      scope: { segmentId: seg.id },
      pass: segmentPass.pass,
      records: [],
      next: null,
    });
    expect(outcome.removed).toBe(0);
    expect(sorted(await storedSids('comments'))).toEqual(sorted(sidsOf(agentComments)));
    // A fresh segment pass that sees none of them does remove them.
    expect((await runPass('comments', { segmentId: seg.id }, [])).removed).toBe(segComments.length);
  });

  it('an agent scope and the whole-kind scope mirror their own rows', async () => {
    await runPass('comments', all, fixture.comments);
    const agentId = fixture.comments[0]!.agent_id!;
    const ofAgent = fixture.comments.filter((c) => c.agent_id === agentId);
    const agentRun = await runPass('comments', { agentId }, ofAgent.slice(1));
    expect(agentRun.removed).toBe(1);
    // The whole-kind pass sees the first ten again (the agent pass's removal comes back) and nothing else.
    const allRun = await runPass('comments', all, fixture.comments.slice(0, 10));
    expect(allRun.removed).toBe(fixture.comments.length - 1 - 9);
    expect(sorted(await storedSids('comments'))).toEqual(sorted(sidsOf(fixture.comments.slice(0, 10))));
  });
});

describe('picker counts', () => {
  /** The kept counts (no filter) against a scan (a filter every row passes). */
  async function expectCountsExact(): Promise<void> {
    for (const kind of ['assessments', 'comments'] as const) {
      for (const column of DISTINCT_COLUMNS) {
        const kept = await store.distinct({ kind, column, filters: {}, limit: 1000 });
        const scanned = await store.distinct({ kind, column, filters: { since: -1e15 }, limit: 1000 });
        expect(kept.values, `${kind} ${column}`).toEqual(scanned.values);
      }
    }
  }

  it('stay exact through inserts, changed records, removals and segment details', async () => {
    await runPass('assessments', all, fixture.assessments);
    await runPass('comments', all, fixture.comments);
    await expectCountsExact();
    // A record changes its answer and assessor upstream.
    const source = fixture.assessments[5]!;
    const edited = parse(AssessmentSchema, {
      ...source.raw,
      answer_text: 'Edited answer',
      user_name: 'Someone New',
    });
    const { pass } = await store.openPass('assessments', all);
    await store.commitPage({ kind: 'assessments', scope: all, pass, records: [edited], next: 'u' });
    await expectCountsExact();
    // A segment loses records upstream.
    const segmentId = fixture.assessments[40]!.segment_id!;
    const kept = fixture.assessments.filter((r) => r.segment_id === segmentId).slice(1);
    await runPass('assessments', { segmentId }, kept);
    await expectCountsExact();
    // Segment details arrive (team and queue are copied onto rows), then change team.
    await store.upsertSegments(fixture.segments);
    await expectCountsExact();
    const moved = fixture.segments
      .slice(0, 5)
      .map((s) => ({ ...s, agent_team_name: 'Moved Team', queue: 'Moved Queue' }));
    await store.upsertSegments(moved);
    await expectCountsExact();
    const teams = await store.distinct({ kind: 'comments', column: 'team', filters: {}, limit: 1000 });
    expect(teams.values.map((v) => v.value)).toContain('Moved Team');
  });
});

describe('segments, agents, reference data and runs', () => {
  it('segment details name the rows; a segment without details shows its agent', async () => {
    const [withDetails, without] = fixture.data
      .segmentIds()
      .filter((s) => fixture.data.countAssessments({ segmentId: s }) > 0)
      .reduce<[string | null, string | null]>(
        ([a, b], s) => {
          if (a === null) return [s, b];
          if (b === null && fixture.data.agentIdOf(s) === fixture.data.agentIdOf(a)) return [a, s];
          return [a, b];
        },
        [null, null],
      );
    expect(withDetails).not.toBeNull();
    await runPass('assessments', all, fixture.assessments);
    const details = fixture.segments.find((s) => s.segment_id === withDetails)!;
    await store.upsertSegments([details]);
    const rows = await store.assessments({
      filters: { segmentIds: [withDetails!] },
      sort: [],
      offset: 0,
      limit: 100,
    });
    expect(rows.total).toBeGreaterThan(0);
    for (const row of rows.rows) {
      expect([row.agentName, row.team, row.queue]).toEqual([
        details.agent_name,
        details.agent_team_name,
        details.queue,
      ]);
    }
    if (without !== null) {
      const other = await store.assessments({
        filters: { segmentIds: [without] },
        sort: [],
        offset: 0,
        limit: 100,
      });
      for (const row of other.rows)
        expect([row.agentName, row.team, row.queue]).toEqual([
          details.agent_name,
          details.agent_team_name,
          null,
        ]);
    }
    const listed = await store.segments({
      search: withDetails!,
      sort: { column: 'segmentId', dir: 'asc' },
      offset: 0,
      limit: 10,
    });
    expect(listed.rows[0]).toMatchObject({
      segmentId: withDetails,
      agentId: details.agent_id,
      agentName: details.agent_name,
      date: details.date,
      assessments: fixture.data.countAssessments({ segmentId: withDetails! }),
      lastSyncedAt: null,
    });
    await store.markSegmentsSynced([withDetails!], 1_700_000_000_000);
    const synced = await store.segments({
      search: withDetails!,
      sort: { column: 'segmentId', dir: 'asc' },
      offset: 0,
      limit: 10,
    });
    expect(synced.rows[0]?.lastSyncedAt).toBe(1_700_000_000_000);
    expect(sorted(await store.segmentIds())).toEqual(
      sorted([...new Set(fixture.assessments.map((r) => r.segment_id!))]),
    );
    const agentId = details.agent_id!;
    expect(await store.segmentIdsOfAgent(agentId)).toEqual(
      sorted([
        ...new Set(fixture.assessments.filter((r) => r.agent_id === agentId).map((r) => r.segment_id!)),
      ]),
    );
    const agents = await store.agents({ search: details.agent_name!.slice(0, 3).toLowerCase(), limit: 20 });
    expect(agents.map((a) => a.agentId)).toContain(agentId);
    expect(agents.find((a) => a.agentId === agentId)).toMatchObject({
      name: details.agent_name,
      team: details.agent_team_name,
    });
  });

  it('reference data arriving after the records names and scores them', async () => {
    // Records without nested names, so names must come from the reference tables.
    const bare = fixture.assessments.slice(0, 50).map((r) => {
      const raw = structuredClone(r.raw) as { assessment: { questionnaire: Record<string, unknown> } };
      const q = raw.assessment.questionnaire as {
        name: unknown;
        question: { name: unknown; category: { name: unknown } };
      };
      q.name = null;
      q.question.name = null;
      q.question.category.name = null;
      return parse(AssessmentSchema, raw);
    });
    await runPass('assessments', all, bare);
    const before = await store.assessments({ filters: {}, sort: [], offset: 0, limit: 50 });
    expect(before.rows.every((r) => r.question === null && r.answerScore === null)).toBe(true);
    await store.putReference(fixture.reference);
    const after = await store.assessments({ filters: {}, sort: [], offset: 0, limit: 50 });
    const sets = fixture.data.answerSets();
    const setOf = new Map(fixture.data.questions().map((q) => [q.question_sid, q.answer_set_id]));
    for (const row of after.rows) {
      const source = fixture.data.assessments().find((r) => r.assessment_sid === row.sid)!;
      const q = source.assessment.questionnaire;
      expect([row.questionnaire, row.question, row.category]).toEqual([
        q.name,
        q.question.name,
        q.question.category.name,
      ]);
      const set = sets.answer_sets.find((s) => s.id === setOf.get(q.question.question_sid))!;
      const answer = set.answers.find((a) => a.id === source.answer_id);
      expect(row.answerScore).toBe(source.answer_id === sets.not_applicable.id ? null : answer!.score);
    }
    // A changed answer set re-scores the rows that use it.
    const changed = structuredClone(fixture.data.answerSets());
    for (const set of changed.answer_sets) for (const a of set.answers) a.score = a.score / 2;
    await store.putReference({
      ...fixture.reference,
      answerSets: parse((await import('../../../src-main/flex/schemas.ts')).AnswerSetsSchema, changed),
    });
    const halved = await store.assessments({ filters: {}, sort: [], offset: 0, limit: 50 });
    halved.rows.forEach((row, i) => {
      const was = after.rows[i]!.answerScore;
      expect(row.answerScore).toBe(was === null ? null : was / 2);
    });
  });

  it('records the sync runs; the overview shows the last one that ended', async () => {
    const target = {
      segments: ['s-1'],
      agents: [],
      reservations: [],
      conversations: [],
      all: false,
      stored: false,
    };
    const run = await store.beginRun({ label: 'Sync 1 segment', target, startedAt: 1000 });
    expect((await store.overview()).lastSync).toBeNull();
    const result = {
      kind: 'sync' as const,
      segments: 1,
      segmentsSynced: 1,
      assessments: 3,
      comments: 1,
      removed: 0,
      skippedNoSid: 0,
      failures: [],
      rateLimited: 0,
    };
    await store.endRun(run, { status: 'done', endedAt: 2000, result });
    const second = await store.beginRun({
      label: 'Sync everything',
      target: { ...target, all: true },
      startedAt: 3000,
    });
    expect(second).toBeGreaterThan(run);
    expect((await store.overview()).lastSync).toEqual({
      endedAt: 2000,
      status: 'done',
      label: 'Sync 1 segment',
    });
    await store.endRun(second, { status: 'cancelled', endedAt: 4000, result });
    expect((await store.overview()).lastSync).toEqual({
      endedAt: 4000,
      status: 'cancelled',
      label: 'Sync everything',
    });
  });
});
