/**
 * A page travels to the writer as the JSON text of its records exactly as Twilio sent them (each
 * record's `raw`); the writer parses them again with the Flex client's schemas. Main then only
 * stringifies, a slice of records at a time with a turn of its event loop between slices, where
 * cloning the parsed records and their raw objects for postMessage held it for milliseconds on
 * every 1,000-record page.
 */
import { AppError } from '../errors.ts';
import { AssessmentSchema, CommentSchema, parseRecord } from '../flex/schemas.ts';
import type { Assessment, Comment } from '../flex/schemas.ts';
import type { PageCommit, StreamKind } from './types.ts';

/** Records stringified per turn of main's event loop. */
const SLICE = 100;

export type RawPage = Omit<PageCommit, 'records'> & { records: string };

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function encodePage(page: PageCommit): Promise<RawPage> {
  const records = page.records as Array<{ raw: object }>;
  const slices: string[] = [];
  for (let i = 0; i < records.length; i += SLICE) {
    if (i > 0) await nextTurn();
    slices.push(
      records
        .slice(i, i + SLICE)
        .map((r) => JSON.stringify(r.raw))
        .join(','),
    );
  }
  return {
    kind: page.kind,
    scope: page.scope,
    pass: page.pass,
    next: page.next,
    records: `[${slices.join(',')}]`,
  };
}

const SCHEMA = { assessments: AssessmentSchema, comments: CommentSchema } as const;

/** The page as the writer commits it: every record parsed as the Flex client parsed it. */
export function decodePage(page: RawPage): PageCommit {
  const items = JSON.parse(page.records) as unknown[];
  const kind: StreamKind = page.kind;
  const records = items.map((item, i) => {
    const parsed = parseRecord(SCHEMA[kind], item, `${kind}[${i}]`);
    if (!parsed.ok) {
      // The client accepted this record with the same schema: only a bug gets here.
      throw new AppError('store_failed', 'A synced record could not be read back. Sync again.', {
        detail: { reason: parsed.reason },
      });
    }
    return parsed.value;
  });
  return { ...page, records: records as Assessment[] | Comment[] } as PageCommit;
}
