/**
 * A real store for the export tests: the generator's records, committed through the store's own
 * writer as a sync would, with a few comments whose text is what a CSV writer and a spreadsheet
 * get wrong (formulas, line breaks, quotes, tabs, numbers, phone numbers, emoji).
 */
import { CommentSchema } from '../../../src-main/flex/schemas.ts';
import { openStore, type Store } from '../../../src-main/store/index.ts';
import type {
  AssessmentRow,
  AssessmentScoreRow,
  CommentRow,
  QueryFilters,
} from '../../../src-preload/contract.ts';
import { ACCOUNT_SID, buildFixture, chunks, parse, tempDir, type Fixture } from '../store/fixture.ts';
import { expectedCell } from './helpers.ts';

export { ACCOUNT_SID };

/** Comment texts that exercise quoting and the formula guard, given to the first comments in order. */
export const TRICKY_TEXTS = [
  '=HYPERLINK("https://example.com","click")',
  '+SUM(A1:A9)',
  '-3.5',
  '+14155550100',
  '@mention the team lead',
  '\tstarts with a tab',
  'Line one\r\nline two, with "quotes"',
  'Emoji 🚀 and accents: Zoë, María-José, 李小龍',
  '',
];

export interface ExportFixture {
  fixture: Fixture;
  store: Store;
  dir: string;
  file: (name?: string) => string;
  close(): Promise<void>;
}

export async function openExportFixture(options: {
  seed: number;
  assessments: number;
}): Promise<ExportFixture> {
  const fixture = buildFixture(options);
  const tricky = fixture.data
    .comments()
    .map((record, i) =>
      parse(
        CommentSchema,
        i < TRICKY_TEXTS.length
          ? { ...record, comment: { ...record.comment, comment: TRICKY_TEXTS[i] } }
          : record,
      ),
    );
  fixture.comments = tricky;
  const temp = await tempDir();
  const store = await openStore({ file: temp.file(), accountSid: ACCOUNT_SID });
  await store.putReference(fixture.reference);
  await store.upsertSegments(fixture.segments);
  for (const kind of ['assessments', 'comments'] as const) {
    const records = fixture[kind];
    const { pass } = await store.openPass(kind, { all: true });
    const pages = chunks<(typeof records)[number]>(records, 400);
    for (const [i, page] of pages.entries()) {
      await store.commitPage({
        kind,
        scope: { all: true },
        pass,
        records: page,
        next: i === pages.length - 1 ? null : `https://flex-api.twilio.com/next/${i}`,
      } as never);
    }
  }
  return {
    fixture,
    store,
    dir: temp.dir,
    file: temp.file,
    async close() {
      await store.close();
      await temp.remove();
    },
  };
}

type Sort = Array<{ column: string; dir: 'asc' | 'desc' }>;

/** Every row of a view as the store answers it, window by window (what the table would show). */
export async function viewRows(
  store: Store,
  kind: 'assessments',
  filters: QueryFilters,
  sort: Sort,
): Promise<AssessmentRow[]>;
export async function viewRows(
  store: Store,
  kind: 'comments',
  filters: QueryFilters,
  sort: Sort,
): Promise<CommentRow[]>;
export async function viewRows(
  store: Store,
  kind: 'scores',
  filters: QueryFilters,
  sort: Sort,
): Promise<AssessmentScoreRow[]>;
export async function viewRows(
  store: Store,
  kind: 'assessments' | 'comments' | 'scores',
  filters: QueryFilters,
  sort: Sort,
): Promise<Array<AssessmentRow | CommentRow | AssessmentScoreRow>> {
  const rows: Array<AssessmentRow | CommentRow | AssessmentScoreRow> = [];
  for (let offset = 0; ; offset += 1000) {
    const query = { filters, sort: sort as never, offset, limit: 1000 };
    const page =
      kind === 'assessments'
        ? await store.assessments(query)
        : kind === 'comments'
          ? await store.comments(query)
          : await store.scores(query);
    rows.push(...page.rows);
    if (offset + 1000 >= page.total) return rows;
  }
}

/**
 * The text a cell of column `id` must read back as, computed from the store row without the
 * export's own column code: the field itself, the timestamp as ISO 8601 UTC and as epoch ms.
 */
export function expectedText(row: object, id: string, guard = true): string {
  const record = row as Record<string, unknown>;
  if (id === 'timestamp') {
    const ms = record['timestamp'] as number | null;
    return ms === null ? '' : new Date(ms).toISOString();
  }
  const value = id === 'timestampMs' ? record['timestamp'] : record[id];
  return expectedCell(value as string | number | boolean | null, guard);
}

/**
 * The store, with its export pages held before page `at` is handed on until `release()`: the
 * export is mid-file by then. `reached` resolves when it holds.
 */
export function holdExport(
  store: Store,
  at: number,
): { store: Store; reached: Promise<void>; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((done) => (release = done));
  let reached!: () => void;
  const holding = new Promise<void>((done) => (reached = done));
  const held = Object.create(store, {
    exportRows: {
      value: (...args: Parameters<Store['exportRows']>) => {
        const source = store.exportRows(...args);
        return (async function* () {
          let page = 0;
          for await (const rows of source) {
            if (++page === at) {
              reached();
              await gate;
            }
            yield rows;
          }
        })();
      },
    },
  }) as Store;
  return { store: held, reached: holding, release };
}
