import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSESSMENT_COLUMNS, COMMENT_COLUMNS, DISTINCT_COLUMNS } from '../../../src-preload/contract.ts';
import type {
  AssessmentRow,
  CommentRow,
  DistinctColumn,
  QueryFilters,
  RowKind,
} from '../../../src-preload/contract.ts';
import { openStore } from '../../../src-main/store/index.ts';
import type { Store } from '../../../src-main/store/index.ts';
import { ACCOUNT_SID, buildFixture, chunks, tempDir } from './fixture.ts';
import type { Fixture } from './fixture.ts';
import { buildModel, filterRows, fold, matchesText, sortRows, tokens } from './model.ts';
import type { Model, ModelRow } from './model.ts';

type Sort = Array<{ column: string; dir: 'asc' | 'desc' }>;

const START = String.fromCharCode(2);
const END = String.fromCharCode(3);
const nonAscii = (text: string): boolean => [...text].some((c) => c.charCodeAt(0) > 0x7f);

let fixture: Fixture;
let model: Model;
let temp: Awaited<ReturnType<typeof tempDir>>;
let store: Store;
let withDetails: Set<string>;

beforeAll(async () => {
  fixture = buildFixture({ seed: 7, assessments: 2500 });
  // Every seventh segment's details are never fetched: its rows show what the agent's other segments taught.
  withDetails = new Set(fixture.segments.filter((_, i) => i % 7 !== 3).map((s) => s.segment_id!));
  model = buildModel(fixture, { segmentsWithDetails: withDetails });
  temp = await tempDir();
  store = await openStore({ file: temp.file(), accountSid: ACCOUNT_SID });
  await store.putReference(fixture.reference);
  await store.upsertSegments(fixture.segments.filter((s) => withDetails.has(s.segment_id!)));
  for (const kind of ['assessments', 'comments'] as const) {
    const records = fixture[kind];
    const { pass } = await store.openPass(kind, { all: true });
    const pages = chunks<(typeof records)[number]>(records, 300);
    for (const [i, page] of pages.entries()) {
      await store.commitPage({
        kind,
        scope: { all: true },
        pass,
        records: page,
        next: i === pages.length - 1 ? null : `n${i}`,
      } as never);
    }
  }
});
afterAll(async () => {
  await store.close();
  await temp.remove();
});

/** Every row the store returns for a query, window by window. */
async function fetchAll(kind: 'comments', filters: QueryFilters, sort: Sort): Promise<CommentRow[]>;
async function fetchAll(
  kind: RowKind,
  filters: QueryFilters,
  sort: Sort,
): Promise<Array<AssessmentRow | CommentRow>>;
async function fetchAll(kind: RowKind, filters: QueryFilters, sort: Sort) {
  const window = 1000;
  const rows: Array<AssessmentRow | CommentRow> = [];
  for (let offset = 0; ; offset += window) {
    const page =
      kind === 'assessments'
        ? await store.assessments({ filters, sort: sort as never, offset, limit: window })
        : await store.comments({ filters, sort: sort as never, offset, limit: window });
    expect(page.offset).toBe(offset);
    rows.push(...page.rows);
    if (offset + window >= page.total) {
      expect(rows).toHaveLength(page.total);
      return rows;
    }
  }
}

const sids = (rows: Array<{ sid: string }>) => rows.map((r) => r.sid);
const modelSids = (rows: ModelRow[]) => rows.map((r) => r.row.sid);
const pick = <T>(values: T[], n: number): T[] => [...new Set(values)].filter((v) => v !== null).slice(0, n);

function filterCases(): Array<[string, QueryFilters]> {
  const a = model.assessments.map((r) => r.row);
  const c = model.comments.map((r) => r.row);
  const timestamps = a.map((r) => r.timestamp!).sort((x, y) => x - y);
  return [
    [
      'segmentIds',
      {
        segmentIds: pick(
          a.map((r) => r.segmentId!),
          3,
        ),
      },
    ],
    [
      'agentIds',
      {
        agentIds: pick(
          a.map((r) => r.agentId!),
          2,
        ),
      },
    ],
    [
      'teams',
      {
        teams: pick(
          a.map((r) => r.team!),
          1,
        ),
      },
    ],
    [
      'queues',
      {
        queues: pick(
          a.map((r) => r.queue!),
          2,
        ),
      },
    ],
    [
      'questionnaireSids',
      {
        questionnaireSids: pick(
          a.map((r) => r.questionnaireSid!),
          1,
        ),
      },
    ],
    [
      'questionSids',
      {
        questionSids: pick(
          a.map((r) => r.questionSid!),
          2,
        ),
      },
    ],
    [
      'categorySids',
      {
        categorySids: pick(
          a.map((r) => r.categorySid!),
          1,
        ),
      },
    ],
    ['answers', { answers: ['Yes', 'Fair', '3 – Average'] }],
    [
      'tagIds',
      {
        tagIds: pick(
          c.map((r) => r.tagId!),
          1,
        ),
      },
    ],
    [
      'assessors',
      {
        assessors: pick(
          a.map((r) => r.assessor!),
          2,
        ),
      },
    ],
    ['report true', { report: true }],
    ['report false', { report: false }],
    ['since', { since: timestamps[Math.floor(timestamps.length / 3)]! }],
    ['until', { until: timestamps[Math.floor(timestamps.length / 2)]! }],
    ['text', { text: 'escalation' }],
    ['text prefix', { text: 'calm*' }],
    ['text two words', { text: 'thanks Line' }],
    ['text with diacritics folded', { text: 'resume' }],
    [
      'several at once',
      {
        teams: pick(
          a.map((r) => r.team!),
          3,
        ),
        report: true,
        since: timestamps[100]!,
        until: timestamps[timestamps.length - 100]!,
      },
    ],
    ['comment and assessment filters together', { answers: ['No'], text: 'call' }],
    ['an empty list does not filter', { segmentIds: [] }],
  ];
}

describe('filters', () => {
  it.each(['assessments', 'comments'] as const)(
    'every filter on %s matches the plain-JS filter',
    async (kind) => {
      let nonEmpty = 0;
      for (const [name, filters] of filterCases()) {
        const expected = filterRows(model, kind, filters);
        const got = await fetchAll(kind, filters, []);
        expect(sids(got), `${kind} / ${name}`).toEqual(modelSids(sortRows(expected, [])));
        if (expected.length > 0 && expected.length < model[kind].length) nonEmpty++;
      }
      // The cases really narrow (a filter that matched nothing or everything would prove little).
      expect(nonEmpty).toBeGreaterThanOrEqual(filterCases().length - 2);
    },
  );

  it('rows carry every column as the records, segments and answer sets give them', async () => {
    for (const kind of ['assessments', 'comments'] as const) {
      const got = await fetchAll(kind, {}, []);
      expect(got).toEqual(sortRows(model[kind], []).map((r) => r.row));
    }
  });
});

describe('sorting', () => {
  it.each([
    ['assessments', ASSESSMENT_COLUMNS],
    ['comments', COMMENT_COLUMNS],
  ] as const)('every column of %s sorts both ways like the plain-JS sort', async (kind, columns) => {
    const filters: QueryFilters = { report: true };
    const base = filterRows(model, kind, filters);
    for (const column of columns) {
      for (const dir of ['asc', 'desc'] as const) {
        const sort = [{ column, dir }];
        expect(sids(await fetchAll(kind, filters, sort)), `${kind} ${column} ${dir}`).toEqual(
          modelSids(sortRows(base, sort)),
        );
      }
    }
  });

  it('sorts by up to three keys', async () => {
    const sort: Sort = [
      { column: 'team', dir: 'asc' },
      { column: 'answerScore', dir: 'desc' },
      { column: 'timestamp', dir: 'asc' },
    ];
    expect(sids(await fetchAll('assessments', {}, sort))).toEqual(
      modelSids(sortRows(model.assessments, sort)),
    );
    const commentSort: Sort = [
      { column: 'tag', dir: 'desc' },
      { column: 'agentName', dir: 'asc' },
    ];
    expect(sids(await fetchAll('comments', {}, commentSort))).toEqual(
      modelSids(sortRows(model.comments, commentSort)),
    );
  });
});

describe('windows', () => {
  it('any offset reads the same rows as the whole order does', async () => {
    const sort: Sort = [{ column: 'question', dir: 'desc' }];
    const expected = modelSids(sortRows(model.assessments, sort));
    const total = expected.length;
    for (const offset of [0, 1, 777, total - 150, total - 3, total - 1]) {
      const page = await store.assessments({ filters: {}, sort: sort as never, offset, limit: 100 });
      expect(page.total).toBe(total);
      expect(sids(page.rows), `offset ${offset}`).toEqual(expected.slice(offset, offset + 100));
    }
    const past = await store.assessments({
      filters: {},
      sort: sort as never,
      offset: total + 10,
      limit: 100,
    });
    expect(past).toEqual({ total, offset: total + 10, rows: [] });
  });

  it('a cached order follows changes to the data', async () => {
    const sort: Sort = [{ column: 'agentName', dir: 'asc' }];
    const filters: QueryFilters = { report: false };
    const first = await store.comments({ filters, sort: sort as never, offset: 0, limit: 5 });
    const victim = model.comments.find((r) => r.row.report === false)!;
    const segmentId = victim.row.segmentId!;
    const keep = fixture.comments.filter(
      (r) => r.segment_id === segmentId && r.assessment_sid !== victim.row.sid,
    );
    const { pass } = await store.openPass('comments', { segmentId });
    await store.commitPage({ kind: 'comments', scope: { segmentId }, pass, records: keep, next: null });
    const after = await store.comments({ filters, sort: sort as never, offset: 0, limit: 5 });
    expect(after.total).toBe(first.total - 1);
    // Put it back for the other tests.
    const again = await store.openPass('comments', { segmentId });
    await store.commitPage({
      kind: 'comments',
      scope: { segmentId },
      pass: again.pass,
      records: fixture.comments.filter((r) => r.segment_id === segmentId),
      next: null,
    });
    const restored = await store.comments({ filters, sort: sort as never, offset: 0, limit: 5 });
    expect(restored.total).toBe(first.total);
    // Back under a new row id: it now arrives last.
    victim.seq = model.comments.length;
  });
});

describe('full-text search', () => {
  it('wraps every match in \\u0002 … \\u0003 and leaves the text otherwise as it is', async () => {
    for (const text of ['calm*', 'escalation', 'Kunde danke']) {
      const rows = await fetchAll('comments', { text }, []);
      expect(rows.length).toBeGreaterThan(0);
      const words = text.split(' ').map((w) => w.replace(/\*$/, '').toLowerCase());
      for (const row of rows) {
        expect(row.highlight).toBeDefined();
        const highlight = row.highlight!;
        expect(highlight.replaceAll(START, '').replaceAll(END, '')).toBe(row.text);
        const marked = highlight
          .split(START)
          .slice(1)
          .map((part) => part.split(END)[0]!);
        expect(marked.length).toBeGreaterThan(0);
        for (const m of marked) {
          const token = tokens(m)[0]!;
          expect(
            words.some((w) => (text.includes('*') ? token.startsWith(w) : token === w)),
            m,
          ).toBe(true);
        }
      }
    }
    const plain = await store.comments({ filters: {}, sort: [], offset: 0, limit: 5 });
    expect(plain.rows.every((r) => r.highlight === undefined)).toBe(true);
  });

  it('hostile input never breaks the query: FTS syntax is read as plain words', async () => {
    for (const text of [
      '"',
      '*',
      '-',
      'NEAR(',
      'NEAR(escalation calmly',
      '"escalation',
      'escalation"',
      '-escalation',
      'escalation OR',
      'AND',
      'NOT call',
      'text:call',
      '^call',
      '(call)',
      "don't",
      'call*  *',
      '\u0000',
      'お客様',
    ]) {
      const rows = await fetchAll('comments', { text }, []);
      const expected = model.comments.filter((r) => matchesText(r.text, text) || tokens(text).length === 0);
      expect(sids(rows), JSON.stringify(text)).toEqual(modelSids(sortRows(expected, [])));
    }
  });
});

describe('distinct values', () => {
  const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const LABEL: Partial<Record<DistinctColumn, string>> = {
    agentId: 'agentName',
    questionnaireSid: 'questionnaire',
    questionSid: 'question',
    categorySid: 'category',
    tagId: 'tag',
  };
  const FILTER: Record<DistinctColumn, keyof QueryFilters> = {
    segmentId: 'segmentIds',
    agentId: 'agentIds',
    team: 'teams',
    queue: 'queues',
    questionnaireSid: 'questionnaireSids',
    questionSid: 'questionSids',
    categorySid: 'categorySids',
    answer: 'answers',
    tagId: 'tagIds',
    assessor: 'assessors',
  };
  const owner = (kind: RowKind, column: DistinctColumn): RowKind =>
    ['questionnaireSid', 'questionSid', 'categorySid', 'answer'].includes(column)
      ? 'assessments'
      : column === 'tagId'
        ? 'comments'
        : kind;

  function expectedValues(kind: RowKind, column: DistinctColumn, filters: QueryFilters, prefix?: string) {
    const { [FILTER[column]]: _omit, ...others } = filters;
    const rows = filterRows(model, owner(kind, column), others).map(
      (r) => r.row as unknown as Record<string, unknown>,
    );
    const groups = new Map<string, { value: string; label: string | null; count: number }>();
    for (const row of rows) {
      const value = row[column] as string | null;
      if (value === null) continue;
      const group = groups.get(value) ?? { value, label: null, count: 0 };
      group.count++;
      const label = LABEL[column] === undefined ? null : (row[LABEL[column]] as string | null);
      group.label ??= label;
      groups.set(value, group);
    }
    const key = (s: string) => Buffer.from(asciiLower(s));
    return [...groups.values()]
      .map((g) => ({ value: g.value, label: g.label ?? g.value, count: g.count }))
      .filter(
        (g) =>
          prefix === undefined ||
          (column === 'segmentId'
            ? asciiLower(g.value).startsWith(asciiLower(prefix))
            : fold(g.value).startsWith(fold(prefix)) || fold(g.label).startsWith(fold(prefix))),
      )
      .sort(
        (a, b) =>
          Buffer.compare(key(a.label), key(b.label)) ||
          Buffer.compare(Buffer.from(a.value), Buffer.from(b.value)),
      );
  }

  it.each(['assessments', 'comments'] as const)(
    'every picker column of %s: values, labels and counts under the other filters',
    async (kind) => {
      const team = model.assessments[0]!.row.team!;
      // No filter (the kept counts), the column's own filter only (ignored: still the kept counts), others (a scan).
      const cases: QueryFilters[] = [{}, { teams: [team] }, { teams: [team], report: true }];
      for (const filters of cases) {
        for (const column of DISTINCT_COLUMNS) {
          const got = await store.distinct({ kind, column, filters, limit: 1000 });
          expect(got.column).toBe(column);
          expect(got.values, `${kind} ${column} ${JSON.stringify(filters)}`).toEqual(
            expectedValues(kind, column, filters),
          );
          expect(got.values.length).toBeGreaterThan(0);
        }
      }
    },
  );

  it('narrows to a case-insensitive prefix of the value or its label, and honours the limit', async () => {
    const question = model.assessments[0]!.row.question!;
    const prefix = question.slice(0, 4).toUpperCase();
    const got = await store.distinct({
      kind: 'assessments',
      column: 'questionSid',
      filters: {},
      prefix,
      limit: 1000,
    });
    expect(got.values).toEqual(expectedValues('assessments', 'questionSid', {}, prefix));
    expect(got.values.map((v) => v.label)).toContain(question);
    const segment = model.assessments[0]!.row.segmentId!;
    const bySegment = await store.distinct({
      kind: 'comments',
      column: 'segmentId',
      filters: {},
      prefix: segment.slice(0, 6),
      limit: 1000,
    });
    expect(bySegment.values).toEqual(expectedValues('comments', 'segmentId', {}, segment.slice(0, 6)));
    const wild = await store.distinct({
      kind: 'assessments',
      column: 'answer',
      filters: {},
      prefix: '%',
      limit: 1000,
    });
    expect(wild.values).toEqual([]);
    const wildId = await store.distinct({
      kind: 'assessments',
      column: 'segmentId',
      filters: {},
      prefix: '_',
      limit: 1000,
    });
    expect(wildId.values).toEqual([]);
    // Case and accents fold beyond ASCII: the Cyrillic and accented names the generator uses.
    const agentName = model.assessments.find((r) => nonAscii(r.row.agentName ?? ''))!.row.agentName!;
    const folded = await store.distinct({
      kind: 'assessments',
      column: 'agentId',
      filters: {},
      prefix: fold(agentName).toUpperCase().slice(0, 6),
      limit: 1000,
    });
    expect(folded.values.map((v) => v.label)).toContain(agentName);
    const limited = await store.distinct({ kind: 'assessments', column: 'segmentId', filters: {}, limit: 3 });
    expect(limited.values).toEqual(expectedValues('assessments', 'segmentId', {}).slice(0, 3));
  });
});

describe('segments and agents', () => {
  it('lists segments with counts, sorted and searched', async () => {
    const all = await store.segments({
      sort: { column: 'assessments', dir: 'desc' },
      offset: 0,
      limit: 1000,
    });
    const known = new Set([
      ...[...model.assessments, ...model.comments].map((r) => r.row.segmentId!),
      ...withDetails,
    ]);
    expect(all.total).toBe(known.size);
    const counts = all.rows.map((r) => r.assessments);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    for (const row of all.rows) {
      expect(row.assessments).toBe(model.assessments.filter((r) => r.row.segmentId === row.segmentId).length);
      expect(row.comments).toBe(model.comments.filter((r) => r.row.segmentId === row.segmentId).length);
    }
    const name = model.assessments.find((r) => nonAscii(r.row.agentName ?? ''))!.row.agentName!;
    const found = await store.segments({
      search: name.toUpperCase(),
      sort: { column: 'date', dir: 'asc' },
      offset: 0,
      limit: 1000,
    });
    expect(found.rows.length).toBeGreaterThan(0);
    expect(found.rows.every((r) => r.agentName === name)).toBe(true);
    expect(found.total).toBe(
      new Set([
        ...model.assessments.filter((r) => r.row.agentName === name).map((r) => r.row.segmentId),
        ...fixture.segments
          .filter((s) => s.agent_name === name && withDetails.has(s.segment_id!))
          .map((s) => s.segment_id),
      ]).size,
    );
    const window = await store.segments({ sort: { column: 'segmentId', dir: 'asc' }, offset: 5, limit: 3 });
    expect(window.rows.map((r) => r.segmentId)).toEqual([...known].sort().slice(5, 8));
  });

  it('finds agents by a prefix of their name or id', async () => {
    const agent = fixture.data.agents()[0]!;
    const byName = await store.agents({ search: agent.name.slice(0, 2), limit: 200 });
    expect(byName.map((a) => a.agentId)).toContain(agent.id);
    const byId = await store.agents({ search: agent.id.slice(0, 8), limit: 200 });
    expect(byId).toEqual([
      {
        agentId: agent.id,
        name: agent.name,
        team: agent.team,
        segments: new Set([
          ...model.assessments.filter((r) => r.row.agentId === agent.id).map((r) => r.row.segmentId),
          ...fixture.segments
            .filter((s) => s.agent_id === agent.id && withDetails.has(s.segment_id!))
            .map((s) => s.segment_id),
        ]).size,
      },
    ]);
  });
});
