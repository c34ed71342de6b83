/**
 * The spellings a secret travels in: plain, URL-encoded, hex, and base64/base64url, including the
 * part of its base64 that stays the same wherever it sits inside a longer encoded value (as in
 * `Basic base64(user:secret)` when the user is not known).
 */

/** Base64 cores shorter than this would match too much unrelated text. */
const MIN_CORE = 12;

export function secretForms(secret: string, user?: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>([secret, encodeURIComponent(secret), bytes.toString('hex')]);
  forms.add(encodeURIComponent(secret).replaceAll('%20', '+'));
  for (const encoded of base64Both(bytes)) forms.add(encoded);
  if (user !== undefined)
    for (const encoded of base64Both(Buffer.from(`${user}:${secret}`))) forms.add(encoded);
  for (let shift = 0; shift < 3; shift++) {
    const core = shiftedCore(bytes, shift);
    if (core.length >= MIN_CORE) for (const encoded of [core, toUrl(core)]) forms.add(encoded);
  }
  forms.delete('');
  return [...forms];
}

/** Standard and URL-safe base64, without padding (so both padded and unpadded text match). */
function base64Both(bytes: Buffer): string[] {
  const plain = bytes.toString('base64').replace(/=+$/, '');
  return [plain, toUrl(plain)];
}

function toUrl(base64: string): string {
  return base64.replaceAll('+', '-').replaceAll('/', '_');
}

/**
 * The base64 characters that depend only on the secret when `shift` bytes precede it: whole
 * 3-byte groups made of secret bytes alone (the groups at either edge mix in neighbours).
 */
function shiftedCore(bytes: Buffer, shift: number): string {
  const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
  const firstWhole = shift === 0 ? 0 : 1;
  const lastWhole = Math.floor((shift + bytes.length) / 3);
  return lastWhole > firstWhole ? encoded.slice(firstWhole * 4, lastWhole * 4) : '';
}
