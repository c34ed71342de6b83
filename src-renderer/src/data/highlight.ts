/** The store marks full-text matches with these (never HTML): see CommentRow.highlight. */
export const MATCH_START = '\u0002';
export const MATCH_END = '\u0003';

export interface TextPart {
  text: string;
  match: boolean;
}

/**
 * A highlighted comment as plain-text parts, so the template renders matches as <mark> elements
 * around text nodes: row data never becomes markup. Stray or unbalanced marks are dropped.
 */
export function highlightParts(highlighted: string): TextPart[] {
  const parts: TextPart[] = [];
  let match = false;
  let text = '';
  const flush = (): void => {
    if (!text) return;
    const last = parts.at(-1);
    if (last && last.match === match) last.text += text;
    else parts.push({ text, match });
    text = '';
  };
  for (const char of highlighted) {
    if (char === MATCH_START || char === MATCH_END) {
      flush();
      match = char === MATCH_START;
    } else text += char;
  }
  flush();
  return parts;
}

/**
 * The parts with the text before the first match cut to its last `keep` characters (after a
 * word break, behind an ellipsis), so a one-line cell shows the match instead of hiding it past
 * its end.
 */
export function aroundFirstMatch(parts: TextPart[], keep: number): TextPart[] {
  const first = parts[0];
  if (!first || first.match || parts.length < 2 || first.text.length <= keep) return parts;
  const tail = first.text.slice(-keep);
  const cut = tail.search(/\s/);
  const lead = `…${cut >= 0 && cut < tail.length - 1 ? tail.slice(cut + 1) : tail}`;
  return [{ text: lead, match: false }, ...parts.slice(1)];
}
