/**
 * The summary tables the writes keep (assessment_scores, calibration_questions, group_totals and
 * the question-answer counts) equal what a rebuild from the records gives, after re-syncs, edits,
 * mirror removals, new segment details and new answer sets; and a version 1 file migrates to them.
 */
import { existsSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnswerSetsSchema, AssessmentSchema } from '../../../src-main/flex/schemas.ts';
import { createCounts } from '../../../src-main/store/counts.ts';
import { openStore } from '../../../src-main/store/index.ts';
import type { PageCommit, Store, StreamKind, StreamScope } from '../../../src-main/store/index.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src-main/store/migrations.ts';
import { loadReference } from '../../../src-main/store/reference.ts';
import { createScores } from '../../../src-main/store/scores.ts';
import { ACCOUNT_SID, buildFixture, chunks, parse, tempDir } from './fixture.ts';
import type { Fixture } from './fixture.ts';
import { downgradeToV1 } from './downgrade.ts';

let fixture: Fixture;
let temp: Awaited<ReturnType<typeof tempDir>>;
let store: Store;

beforeEach(async () => {
  fixture = buildFixture({ seed: 23, assessments: 1500 });
  temp = await tempDir();
  store = await openStore({ file: temp.file(), accountSid: ACCOUNT_SID });
});
afterEach(async () => {
  await store.close();
  await temp.remove();
});

async function runPass(kind: StreamKind, scope: StreamScope, records: unknown[], size = 200): Promise<void> {
  const { pass } = await store.openPass(kind, scope);
  const pages = records.length === 0 ? [[]] : chunks(records, size);
  for (const [i, page] of pages.entries()) {
    await store.commitPage({
      kind,
      scope,
      pass,
      records: page,
      next: i === pages.length - 1 ? null : `p${i}`,
    } as PageCommit);
  }
}

async function syncAll(): Promise<void> {
  await store.putReference(fixture.reference);
  await store.upsertSegments(fixture.segments);
  await runPass('assessments', { all: true }, fixture.assessments);
  await runPass('comments', { all: true }, fixture.comments);
}

const SUMMARIES = {
  assessment_scores: `SELECT akey, segment_id, questionnaire_sid, assessor, assessor_email, agent_id, agent_name, team,
      queue, questionnaire, timestamp, first_record, records, answered, not_applicable, unscored, got, max, score,
      twilio_percentage, mismatch, peers, parts FROM assessment_scores ORDER BY akey`,
  calibration_questions: 'SELECT * FROM calibration_questions ORDER BY 1, 2, 3',
  question_answers: "SELECT value, n FROM value_counts WHERE col = 'question_answer' ORDER BY value",
  record_links: `SELECT r.sid, s.akey, r.max_score, r.is_na, r.answer_score FROM assessments r
      LEFT JOIN assessment_scores s ON s.id = r.assessment_id ORDER BY r.sid`,
};
const TOTALS = 'SELECT * FROM group_totals ORDER BY kind, key';

const read = (file: string, fn: (db: DatabaseSync) => unknown) => {
  const db = new DatabaseSync(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
};

/** The store's summaries against a rebuild of them, from the records, in a copy of its file. */
async function expectSummariesExact(): Promise<void> {
  await store.close();
  // Closed, the store is one whole file (no WAL left behind), so a plain copy holds everything.
  expect(existsSync(`${temp.file()}-wal`)).toBe(false);
  const copy = temp.file('rebuilt.sqlite');
  await copyFile(temp.file(), copy);
  read(copy, (db) => {
    db.exec('BEGIN');
    createScores(db).rebuild(loadReference(db));
    createCounts(db).rebuildPairs();
    db.exec('COMMIT');
  });
  const kept = read(temp.file(), (db) => ({
    ...Object.fromEntries(Object.entries(SUMMARIES).map(([k, sql]) => [k, db.prepare(sql).all()])),
    totals: db.prepare(TOTALS).all(),
  })) as Record<string, Array<Record<string, unknown>>>;
  const rebuilt = read(copy, (db) => ({
    ...Object.fromEntries(Object.entries(SUMMARIES).map(([k, sql]) => [k, db.prepare(sql).all()])),
    totals: db.prepare(TOTALS).all(),
  })) as Record<string, Array<Record<string, unknown>>>;
  for (const name of Object.keys(SUMMARIES)) expect(kept[name], name).toEqual(rebuilt[name]);
  expect(kept.assessment_scores!.length).toBeGreaterThan(0);
  // Totals are kept by adding and taking away: equal up to rounding.
  expect(kept.totals!.map((t) => [t.kind, t.key, t.assessments, t.score_n, t.lost_n])).toEqual(
    rebuilt.totals!.map((t) => [t.kind, t.key, t.assessments, t.score_n, t.lost_n]),
  );
  kept.totals!.forEach((t, i) => {
    expect(t.score_sum as number).toBeCloseTo(rebuilt.totals![i]!.score_sum as number, 6);
    expect(t.lost_sum as number).toBeCloseTo(rebuilt.totals![i]!.lost_sum as number, 6);
  });
  store = await openStore({ file: temp.file(), accountSid: ACCOUNT_SID });
}

describe('summary tables', () => {
  it('equal a rebuild from the records after syncs, edits, removals, details and new answer sets', async () => {
    await syncAll();
    await expectSummariesExact();
    // The same pages again (in other page sizes) change nothing.
    await runPass('assessments', { all: true }, fixture.assessments, 333);
    await expectSummariesExact();

    const multi = fixture.data.multiAssessorSegmentIds()[0]!;
    const ofMulti = fixture.assessments.filter((r) => r.segment_id === multi);
    // Upstream: one assessor's first answer changes, another assessment of the segment loses a record,
    // a record moves to another assessor (a new assessment), and a whole other segment is gone.
    const [first, second, ...rest] = ofMulti;
    const edited = parse(AssessmentSchema, {
      ...first!.raw,
      answer_id: fixture.data.answerSets().not_applicable.id,
    });
    const moved = parse(AssessmentSchema, { ...second!.raw, user_name: 'Someone Else', user_email: null });
    await runPass('assessments', { segmentId: multi }, [edited, moved, ...rest.slice(1)]);
    const gone = fixture.data
      .segmentIds()
      .find((s) => s !== multi && fixture.data.assessmentsOf(s).length === 1)!;
    await runPass('assessments', { segmentId: gone }, []);
    await expectSummariesExact();

    // New details report other percentages, and for some another team.
    await store.upsertSegments(
      fixture.segments.slice(0, 20).map((s, i) => ({
        ...s,
        agent_team_name: i % 2 === 0 ? 'Moved Team' : s.agent_team_name,
        assessment_percentage: Array.isArray(s.assessment_percentage)
          ? (s.assessment_percentage as unknown[]).map(() => 50)
          : s.assessment_percentage,
      })),
    );
    await expectSummariesExact();
    // New answer sets score every answer differently.
    const sets = structuredClone(fixture.data.answerSets());
    for (const set of sets.answer_sets)
      for (const a of set.answers) a.score = a.score === 0 ? 10 : a.score / 2;
    await store.putReference({ ...fixture.reference, answerSets: parse(AnswerSetsSchema, sets) });
    await expectSummariesExact();

    // A complete pass over everything that no longer sees a third of it.
    await runPass('assessments', { all: true }, fixture.assessments.slice(0, 1000));
    await expectSummariesExact();
    const teams = await store.scoreGroups({ filters: {}, by: 'team', period: 'week', limit: 100 });
    expect(teams.groups.map((g) => g.key)).toContain('Moved Team');
  });
});

describe('migrations', () => {
  type Shape = Record<string, unknown>;
  /** Tables and indexes with their columns: what makes two schemas the same, whatever their SQL text. */
  const schemaOf = (db: DatabaseSync): Shape => {
    const objects = db
      .prepare(
        "SELECT type, name, tbl_name AS tbl FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all() as Array<{ type: string; name: string; tbl: string }>;
    return Object.fromEntries(
      objects.map((o) => [
        `${o.type} ${o.name}`,
        o.type === 'table'
          ? db.prepare(`PRAGMA table_xinfo(${JSON.stringify(o.name)})`).all()
          : o.type === 'index'
            ? [o.tbl, db.prepare(`PRAGMA index_xinfo(${JSON.stringify(o.name)})`).all()]
            : o.tbl,
      ]),
    );
  };

  it('take a version 1 file to the current version, building its summaries from its records', async () => {
    await syncAll();
    await store.saveView('kept?', { report: true });
    const before = {
      scores: await store.scores({
        filters: {},
        sort: [{ column: 'assessmentKey', dir: 'asc' }],
        offset: 0,
        limit: 1000,
      }),
      calibration: await store.calibration({ filters: {} }),
      questions: await store.scoreGroups({ filters: {}, by: 'question', period: 'week', limit: 100 }),
      answers: await store.answerDistribution({ filters: {}, limit: 100 }),
    };
    await store.close();

    read(temp.file(), (db) => downgradeToV1(db));
    // What the downgrade left is exactly a version 1 file (the schema step 1 alone builds), with data.
    const v1 = new DatabaseSync(':memory:');
    MIGRATIONS[0]!(v1);
    const v1Schema = schemaOf(v1);
    v1.close();
    read(temp.file(), (db) => {
      expect(schemaOf(db)).toEqual(v1Schema);
      expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: 1 });
      expect((db.prepare('SELECT count(*) AS n FROM assessments').get() as { n: number }).n).toBe(
        fixture.assessments.length,
      );
    });

    store = await openStore({ file: temp.file(), accountSid: ACCOUNT_SID });
    read(temp.file(), (db) => {
      expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION });
      expect(db.prepare("SELECT value FROM meta WHERE key = 'summaries_stale'").get()).toBeUndefined();
    });
    expect(
      await store.scores({
        filters: {},
        sort: [{ column: 'assessmentKey', dir: 'asc' }],
        offset: 0,
        limit: 1000,
      }),
    ).toEqual(before.scores);
    expect(await store.calibration({ filters: {} })).toEqual(before.calibration);
    const questions = await store.scoreGroups({ filters: {}, by: 'question', period: 'week', limit: 100 });
    expect(questions.groups.map((g) => [g.key, g.assessments])).toEqual(
      before.questions.groups.map((g) => [g.key, g.assessments]),
    );
    questions.groups.forEach((g, i) =>
      expect(g.meanLost!).toBeCloseTo(before.questions.groups[i]!.meanLost!, 9),
    );
    expect(await store.answerDistribution({ filters: {}, limit: 100 })).toEqual(before.answers);
    // Views came with version 2: a version 1 file has none.
    expect(await store.views()).toEqual([]);
    await expectSummariesExact();
  });
});
