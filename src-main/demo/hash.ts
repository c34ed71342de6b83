// Cheap deterministic hashing: every record is derived on demand from (key, index), so nothing
// large is ever stored. fmix32 (MurmurHash3's finaliser) is a bijection on 32-bit integers, which
// makes ids built from it unique per index and lets us map an id back to its index without a Map.

export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function modInverse(a: number): number {
  // Newton's iteration for the inverse of an odd number modulo 2^32.
  let x = a;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(a, x));
  return x >>> 0;
}

const INV_1 = modInverse(0x85ebca6b);
const INV_2 = modInverse(0xc2b2ae35);

export function unfmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, INV_2);
  h ^= (h >>> 13) ^ (h >>> 26);
  h = Math.imul(h, INV_1);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of a key and any number of integers. */
export function hash(key: number, ...parts: number[]): number {
  let h = key >>> 0;
  for (const p of parts) h = fmix32((h ^ Math.imul(p >>> 0, 0x9e3779b1)) + 0x7f4a7c15);
  return fmix32(h + parts.length);
}

/** FNV-1a of a string, for turning names and salts into hash keys. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

export function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** A bijective scramble of an index under a key (and its inverse). */
export function permute(key: number, index: number): number {
  return fmix32((index ^ key) >>> 0);
}

export function unpermute(key: number, value: number): number {
  return (unfmix32(value) ^ key) >>> 0;
}

/** A Twilio-style SID: 2-letter prefix + 32 hex digits; the first 8 encode the index. */
export function sid(prefix: string, key: number, index: number): string {
  return (
    prefix +
    hex8(permute(key, index)) +
    hex8(hash(key, index, 1)) +
    hex8(hash(key, index, 2)) +
    hex8(hash(key, index, 3))
  );
}

/** The index a SID was built from, or -1 when it was not built by `sid(prefix, key, …)`. */
export function sidIndex(prefix: string, key: number, value: string, limit: number): number {
  if (value.length !== 34 || !value.startsWith(prefix)) return -1;
  if (!/^[0-9a-f]{8}$/.test(value.slice(2, 10))) return -1;
  const index = unpermute(key, Number.parseInt(value.slice(2, 10), 16));
  return index < limit && sid(prefix, key, index) === value ? index : -1;
}

/** A version-5-looking UUID whose first group encodes the index. */
export function uuid(key: number, index: number): string {
  const a = hex8(permute(key, index));
  const b = hex8(hash(key, index, 11));
  const c = hex8(hash(key, index, 12));
  const d = hex8(hash(key, index, 13));
  const variant = '89ab'[hash(key, index, 14) & 3];
  return `${a}-${b.slice(0, 4)}-5${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4, 8)}${d}`;
}

export function uuidIndex(key: number, value: string, limit: number): number {
  if (value.length !== 36 || !/^[0-9a-f]{8}-/.test(value)) return -1;
  const index = unpermute(key, Number.parseInt(value.slice(0, 8), 16));
  return index < limit && uuid(key, index) === value ? index : -1;
}

/** Picks an element by a hash value. */
export function pick<T>(items: readonly T[], h: number): T {
  const item = items[(h >>> 0) % items.length];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** Largest i with sorted[i] <= value (sorted ascending, sorted[0] <= value). */
export function floorIndex(sorted: ArrayLike<number>, value: number, length = sorted.length): number {
  let lo = 0;
  let hi = length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((sorted[mid] as number) <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
