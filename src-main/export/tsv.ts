/**
 * Selected rows as tab-separated text for the clipboard, the way Excel itself copies cells: tab
 * between fields, CRLF after every row (the last one too), and a field holding a tab, a quote, CR
 * or LF wrapped in quotes with inner quotes doubled. Excel, LibreOffice and Google Sheets all
 * paste that back into one cell per field. The formula guard is the CSV one (see csv.ts); there
 * is no BOM (the clipboard carries text, not bytes).
 */
import { recordEncoder, type CsvRow } from './csv.ts';

export interface TsvOptions {
  /** Header labels, one per column; absent or null: rows only. */
  header?: readonly string[] | null;
  /** Default true. */
  formulaGuard?: boolean;
}

export function rowsToTsv(rows: readonly CsvRow[], options: TsvOptions = {}): string {
  const { header = null, formulaGuard = true } = options;
  const width = header?.length ?? rows[0]?.length;
  if (width === undefined) return '';
  const encode = recordEncoder({ delimiter: '\t', formulaGuard }, width);
  let text = header === null ? '' : `${encode(header)}\r\n`;
  for (const row of rows) text += `${encode(row)}\r\n`;
  return text;
}
