/**
 * A reviewer's search text as an FTS5 query that cannot be a syntax error: each word becomes a
 * quoted string (FTS5 operators, column filters and stray quotes are then plain text), words are
 * ANDed, and a trailing * keeps its meaning as a prefix match.
 */

/** Mark placed around each match in `highlight` (never HTML: the renderer decides how to show it). */
export const MATCH_START = '\u0002';
export const MATCH_END = '\u0003';

/** Words with nothing the tokenizer indexes (only punctuation, symbols) are left out. */
const SEARCHABLE = /[\p{L}\p{N}]/u;

/** null when the text has no searchable word (then it does not filter at all). */
export function ftsQuery(text: string | undefined): string | null {
  if (text === undefined) return null;
  const terms: string[] = [];
  for (const word of text.split(/\s+/)) {
    const prefix = word.endsWith('*');
    const core = word.replace(/\*+$/, '');
    if (!SEARCHABLE.test(core)) continue;
    terms.push(`"${core.replaceAll('"', '""')}"${prefix ? '*' : ''}`);
  }
  return terms.length === 0 ? null : terms.join(' ');
}
