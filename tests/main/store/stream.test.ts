/** The export stream, a restarted pass, and the segments an agent is known by. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src-main/errors.ts';
import { AssessmentSchema } from '../../../src-main/flex/schemas.ts';
import { openStore } from '../../../src-main/store/index.ts';
import type {
  ExportRowOf,
  ExportQuery,
  PageCommit,
  Store,
  StreamKind,
  StreamScope,
} from '../../../src-main/store/index.ts';
import { ACCOUNT_SID, buildFixture, chunks, parse, tempDir } from './fixture.ts';
import type { Fixture } from './fixture.ts';

let fixture: Fixture;
let temp: Awaited<ReturnType<typeof tempDir>>;
let store: Store;

async function runPass(kind: StreamKind, scope: StreamScope, records: unknown[]): Promise<void> {
  const { pass } = await store.openPass(kind, scope);
  const pages = records.length === 0 ? [[]] : chunks(records, 300);
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

beforeEach(async () => {
  fixture = buildFixture({ seed: 5, assessments: 1800 });
  temp = await tempDir();
  store = await openStore({ file: temp.file(), accountSid: ACCOUNT_SID });
  await store.putReference(fixture.reference);
  await store.upsertSegments(fixture.segments);
  await runPass('assessments', { all: true }, fixture.assessments);
  await runPass('comments', { all: true }, fixture.comments);
});
afterEach(async () => {
  await store.close();
  await temp.remove();
});

async function collect<K extends keyof ExportRowOf>(kind: K, query: ExportQuery, pageSize = 250) {
  const pages: Array<Array<ExportRowOf[K]>> = [];
  for await (const page of store.exportRows(kind, query, { pageSize })) pages.push(page);
  return pages;
}

async function windowRows(kind: keyof ExportRowOf, query: ExportQuery): Promise<unknown[]> {
  const rows: unknown[] = [];
  for (let offset = 0; ; offset += 1000) {
    const q = { filters: query.filters, sort: query.sort as never, offset, limit: 1000 };
    const page =
      kind === 'assessments'
        ? await store.assessments(q)
        : kind === 'comments'
          ? await store.comments(q)
          : await store.scores(q);
    rows.push(...page.rows);
    if (offset + 1000 >= page.total) return rows;
  }
}

describe('exportRows', () => {
  it('streams every row of a view in its order, in pages', async () => {
    const cases: Array<[keyof ExportRowOf, ExportQuery]> = [
      ['assessments', { filters: { report: true }, sort: [{ column: 'question', dir: 'desc' }] }],
      ['comments', { filters: {}, sort: [{ column: 'agentName', dir: 'asc' }] }],
      ['scores', { filters: { scoreMin: 40 }, sort: [{ column: 'score', dir: 'desc' }] }],
    ];
    for (const [kind, query] of cases) {
      const pages = await collect(kind, query, 250);
      const expected = await windowRows(kind, query);
      expect(pages.flat(), kind).toEqual(expected);
      expect(pages.slice(0, -1).every((p) => p.length === 250)).toBe(true);
      expect(expected.length).toBeGreaterThan(250);
    }
  });

  it('keeps its order while a sync commits: no row twice, none shifted; removed rows are left out', async () => {
    const query: ExportQuery = { filters: {}, sort: [{ column: 'segmentId', dir: 'asc' }] };
    const before = (await windowRows('assessments', query)) as Array<{ sid: string; segmentId: string }>;
    const got: Array<{ sid: string }> = [];
    let removed: Set<string> | null = null;
    for await (const page of store.exportRows('assessments', query, { pageSize: 300 })) {
      got.push(...page);
      if (removed !== null) continue;
      // After the first page, the last segment of the order loses its records upstream, and new
      // records arrive ahead of where the export has got to.
      const last = before.at(-1)!.segmentId;
      removed = new Set(before.filter((r) => r.segmentId === last).map((r) => r.sid));
      await runPass('assessments', { segmentId: last }, []);
      const first = before[0]!.segmentId;
      const ofFirst = fixture.assessments.filter((r) => r.segment_id === first);
      const added = parse(AssessmentSchema, { ...ofFirst[0]!.raw, assessment_sid: 'FM' + 'e'.repeat(32) });
      await runPass('assessments', { segmentId: first }, [...ofFirst, added]);
    }
    expect(removed!.size).toBeGreaterThan(0);
    expect(got.map((r) => r.sid)).toEqual(before.map((r) => r.sid).filter((s) => !removed!.has(s)));
  });

  it('stops when its signal aborts, and refuses page sizes outside 250–500', async () => {
    const controller = new AbortController();
    const read: unknown[] = [];
    const error = await (async () => {
      for await (const page of store.exportRows(
        'assessments',
        { filters: {}, sort: [] },
        { pageSize: 250, signal: controller.signal },
      )) {
        read.push(...page);
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('cancelled');
    expect(read).toHaveLength(250);
    for (const pageSize of [100, 501, 250.5]) {
      const refused = await collect('comments', { filters: {}, sort: [] }, pageSize).catch((e: unknown) => e);
      expect((refused as AppError).code).toBe('invalid_request');
    }
    const badSort = await collect('scores', {
      filters: {},
      sort: [{ column: 'question', dir: 'asc' }],
    }).catch((e: unknown) => e);
    expect((badSort as AppError).code).toBe('invalid_request');
    // Stopping early (a consumer that breaks) releases the order: more exports still run.
    for (let i = 0; i < 10; i++) {
      for await (const page of store.exportRows('scores', { filters: {}, sort: [] })) {
        expect(page.length).toBeGreaterThan(0);
        break;
      }
    }
  });
});

describe('passes and agents', () => {
  it('openPass with restart abandons an unfinished pass and starts afresh', async () => {
    const segmentId = fixture.assessments[0]!.segment_id!;
    const records = fixture.assessments.filter((r) => r.segment_id === segmentId);
    const scope = { segmentId };
    const first = await store.openPass('assessments', scope);
    await store.commitPage({
      kind: 'assessments',
      scope,
      pass: first.pass,
      records: records.slice(0, 1),
      next: 'cursor-2',
    });
    expect(await store.openPass('assessments', scope)).toEqual({ pass: first.pass, resumeFrom: 'cursor-2' });
    const fresh = await store.openPass('assessments', scope, { restart: true });
    expect(fresh.pass).toBeGreaterThan(first.pass);
    expect(fresh.resumeFrom).toBeNull();
    const stale = await store
      .commitPage({ kind: 'assessments', scope, pass: first.pass, records: [], next: null })
      .catch((e: unknown) => e);
    expect((stale as AppError).code).toBe('store_failed');
    // The new pass sees only the last record: its completion removes the rest, the abandoned pass's one included.
    const outcome = await store.commitPage({
      kind: 'assessments',
      scope,
      pass: fresh.pass,
      records: records.slice(-1),
      next: null,
    });
    expect(outcome.removed).toBe(records.length - 1);
  });

  it('segmentIdsOfAgent names the segments of its records and those whose details name the agent', async () => {
    const agent = fixture.data.agents()[0]!;
    const detailsOnly = {
      ...fixture.segments.find((s) => s.agent_id === agent.id)!,
      segment_id: 'seg-details-only',
    };
    await store.upsertSegments([detailsOnly]);
    const fromRecords = new Set(
      [...fixture.assessments, ...fixture.comments]
        .filter((r) => r.agent_id === agent.id)
        .map((r) => r.segment_id!),
    );
    const fromDetails = fixture.segments.filter((s) => s.agent_id === agent.id).map((s) => s.segment_id!);
    expect(await store.segmentIdsOfAgent(agent.id)).toEqual(
      [...new Set([...fromRecords, ...fromDetails, 'seg-details-only'])].sort(),
    );
  });
});
