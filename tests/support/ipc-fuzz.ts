/**
 * Payload generators for fuzzing the IPC dispatch: what a compromised or buggy renderer could send.
 * Everything goes through structuredClone before it reaches dispatch, as Electron's IPC does, so
 * Maps, Sets, Dates, typed arrays and BigInts arrive but functions never do.
 */
import fc from 'fast-check';

/** Keys that pollute a prototype when code merges or assigns objects carelessly. */
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** What a polluted prototype would show: nothing of ours sets these on Object.prototype. */
export const POLLUTION_MARKERS = ['polluted', 'isAdmin', 'qmFuzz'] as const;

const pollution = (): Record<string, unknown> => Object.fromEntries(POLLUTION_MARKERS.map((m) => [m, true]));

/** An object with an OWN `key` property (a literal `{ __proto__: x }` would set the prototype instead). */
export function withOwnKey(
  base: Record<string, unknown>,
  key: string,
  value: unknown,
): Record<string, unknown> {
  const copy = { ...base };
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

/** Nested `depth` levels deep, alternating objects and arrays. */
export function deeplyNested(depth: number, leaf: unknown = 'x'): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i += 1) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

const hugeString = fc
  .tuple(fc.integer({ min: 100_000, max: 2_000_000 }), fc.constantFrom('x', 'é', '💥', '\u0000', '%', '"'))
  .map(([n, c]) => c.repeat(Math.ceil(n / c.length)));

/** Strings aimed at the layers behind the schemas: SQL, FTS5 queries, LIKE patterns, paths, URLs. */
const nastyStrings = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\uFFFF\uD800',
  "' OR 1=1 --",
  '"); DROP TABLE assessments; --',
  '"unbalanced',
  'NEAR(a b',
  'a AND OR NOT',
  '*',
  '-',
  'col:value',
  '^start',
  '%',
  '_',
  '\\',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  'C:\\Windows\\System32',
  '/dev/zero',
  'javascript:alert(1)',
  'file:///etc/passwd',
  'http://127.0.0.1:9',
  'https://169.254.169.254/latest/meta-data',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'demo',
  '00000000-0000-0000-0000-000000000000',
  'A'.repeat(513),
  '=cmd|"/c calc"!A1',
);

/** One value of any type and shape, biased to the ones that break code. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    undefined,
    NaN,
    Infinity,
    -Infinity,
    -0,
    -1,
    2 ** 53,
    2 ** 31,
    Number.MAX_VALUE,
    0.5,
    true,
    false,
  ),
  fc.constantFrom([], {}, [[]], [null], { length: 1e9 }),
  nastyStrings,
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.bigInt(),
  fc.date({ noInvalidDate: false }),
  fc.anything({
    maxDepth: 3,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withSparseArray: true,
    withNullPrototype: true,
    withBoxedValues: true,
  }),
  fc.constantFrom(...PROTO_KEYS).map((key) => withOwnKey({}, key, pollution())),
  hugeString,
  fc.integer({ min: 1_000, max: 5_000 }).map((depth) => deeplyNested(depth)),
);

type Path = (string | number)[];

const nodeAt = (value: unknown, path: Path): unknown =>
  path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], value);

/** Every path into a value (object keys and array indexes), the root excluded. */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const keys: Path = Array.isArray(value) ? value.map((_v, i) => i) : Object.keys(value);
  return keys.flatMap((key) => {
    const path = [...prefix, key];
    return [path, ...pathsOf((value as Record<string | number, unknown>)[key], path)];
  });
}

export const DELETE = Symbol('delete');

/** A deep copy of `value` with the node at `path` replaced (or deleted, for DELETE). Own keys only. */
export function mutateAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string | number, ...Path];
  if (Array.isArray(value)) {
    const copy: unknown[] = [...value];
    const next = mutateAt(copy[Number(head)], rest, replacement);
    if (next === DELETE) copy.splice(Number(head), 1);
    else copy[Number(head)] = next;
    return copy;
  }
  const copy: Record<string | number, unknown> = { ...(value as Record<string | number, unknown>) };
  const next = mutateAt(copy[head], rest, replacement);
  if (next === DELETE) delete copy[head];
  else
    Object.defineProperty(copy, head, { value: next, enumerable: true, configurable: true, writable: true });
  return copy;
}

/** A valid payload with exactly one thing wrong: a field changed, dropped, or one too many. */
export function nearValid(example: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(example);
  const replaced =
    paths.length === 0
      ? nastyValue
      : fc
          .tuple(
            fc.constantFrom(...paths),
            fc.oneof({ arbitrary: fc.constant(DELETE), weight: 1 }, { arbitrary: nastyValue, weight: 4 }),
          )
          .map(([path, replacement]) => mutateAt(example, path, replacement));
  // Strings swapped for strings: most stay valid, so these reach the services (SQL, FTS, paths).
  const stringPaths = paths.filter((p) => typeof nodeAt(example, p) === 'string');
  const twisted =
    stringPaths.length === 0
      ? replaced
      : fc
          .tuple(
            fc.constantFrom(...stringPaths),
            fc.oneof(nastyStrings, fc.string({ unit: 'grapheme', maxLength: 40 })),
          )
          .map(([path, text]) => mutateAt(example, path, text));
  const objects = [[], ...paths].filter((p) => {
    const node = nodeAt(example, p);
    return node !== null && typeof node === 'object' && !Array.isArray(node);
  });
  const extraKey =
    objects.length === 0
      ? nastyValue
      : fc
          .tuple(
            fc.constantFrom(...objects),
            fc.oneof(
              fc.constantFrom(...PROTO_KEYS, 'unknownField', 'toString'),
              fc.string({ maxLength: 12 }),
            ),
            nastyValue,
          )
          .map(([path, key, extra]) => {
            const node = nodeAt(example, path) as Record<string, unknown>;
            const value = (PROTO_KEYS as readonly string[]).includes(key) ? pollution() : extra;
            return mutateAt(example, path, withOwnKey(node, key, value));
          });
  return fc.oneof(
    { arbitrary: replaced, weight: 3 },
    { arbitrary: twisted, weight: 2 },
    { arbitrary: extraKey, weight: 1 },
  );
}

/** Anything at all, the example itself, or the example with one thing wrong. */
export function payloadFor(example: unknown): fc.Arbitrary<unknown> {
  const base = (example ?? {}) as Record<string, unknown>;
  return fc.oneof(
    { arbitrary: nearValid(example), weight: 5 },
    { arbitrary: fc.constant(example), weight: 1 },
    { arbitrary: nastyValue, weight: 2 },
    { arbitrary: fc.constantFrom(...PROTO_KEYS).map((key) => withOwnKey(base, key, pollution())), weight: 1 },
  );
}

/** A short, loggable description of a payload (huge or deep ones summarised). */
export function describePayload(payload: unknown): string {
  try {
    const text = fc.stringify(payload);
    return text.length > 600 ? `${text.slice(0, 600)}… (${text.length} chars)` : text;
  } catch {
    return `<${typeof payload} that does not stringify>`;
  }
}
