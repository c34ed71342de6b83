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
