/** The words and names of an export: the job's label and the file name the save dialog proposes. */
import type { ExportKind } from './columns.ts';

const count = new Intl.NumberFormat('en-US');

/** What one row of each kind is, singular and plural (an assessment record is one answered question). */
export const ROW_WORDS: Record<ExportKind, [string, string]> = {
  assessments: ['assessment record', 'assessment records'],
  comments: ['comment', 'comments'],
  scores: ['assessment score', 'assessment scores'],
};

export function rowsText(kind: ExportKind, n: number): string {
  const [one, many] = ROW_WORDS[kind];
  return `${count.format(n)} ${n === 1 ? one : many}`;
}

/** "Export 12,345 assessment records". */
export const exportLabel = (kind: ExportKind, total: number): string => `Export ${rowsText(kind, total)}`;

/** The account label as a file-name part: letters and digits of any script, runs of anything else as one dash. */
function slug(label: string): string {
  return label
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

/** `assessments-support-eu-2025-03-14.csv` (the local date: the name is for the reviewer). */
export function defaultFileName(kind: ExportKind, accountLabel: string, now: number): string {
  const date = new Date(now);
  const day = [date.getFullYear(), date.getMonth() + 1, date.getDate()]
    .map((n, i) => String(n).padStart(i === 0 ? 4 : 2, '0'))
    .join('-');
  const account = slug(accountLabel);
  return `${[kind, account, day].filter((p) => p !== '').join('-')}.csv`;
}
