// Helpers for the simulator's own tests: the vendored OpenAPI spec compiled with ajv, and HTTP calls.

import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { SimAccount, Simulator } from './index.ts';
import type { ListMeta } from './paging.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under some loaders.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

export const SPEC_FILE = new URL('./spec/twilio_flex_v1_insights.json', import.meta.url);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface Spec {
  paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, JsonObject> }> } }>;
  components: { schemas: Record<string, JsonObject> };
}

export function loadSpec(): Spec {
  return JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as Spec;
}

const SCHEMA_BASE = 'https://spec.invalid/schemas/';

/**
 * OpenAPI 3.0 -> JSON Schema for ajv 8: `$ref`s to components become absolute ids, and `nullable`
 * is dropped where the schema has no `type` (ajv refuses it there; without a type null is allowed
 * anyway). With `exact`, every object schema that lists properties also requires all of them and
 * forbids others, so a record must have exactly the spec's fields.
 */
function convert(node: Json, exact: boolean): Json {
  if (Array.isArray(node)) return node.map((n) => convert(n, exact));
  if (node === null || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') {
      out.$ref = value.replace('#/components/schemas/', SCHEMA_BASE);
    } else if (key === 'nullable' && !('type' in node)) {
      continue;
    } else if (key === 'properties' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const props: JsonObject = {};
      for (const [name, schema] of Object.entries(value)) props[name] = convert(schema, exact);
      out.properties = props;
      if (exact) {
        out.required = Object.keys(value);
        out.additionalProperties = false;
      }
    } else {
      out[key] = convert(value, exact);
    }
  }
  return out;
}

/** Validators for each GET path's 200 response, keyed by path. */
export function responseValidators(spec: Spec, exact: boolean): Map<string, ValidateFunction> {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  for (const [name, schema] of Object.entries(spec.components.schemas)) {
    ajv.addSchema({ ...(convert(schema, exact) as JsonObject), $id: SCHEMA_BASE + name });
  }
  const validators = new Map<string, ValidateFunction>();
  for (const [path, item] of Object.entries(spec.paths)) {
    const schema = item.get?.responses['200']?.content?.['application/json']?.schema;
    if (schema !== undefined) validators.set(path, ajv.compile(convert(schema, exact) as JsonObject));
  }
  return validators;
}

/** The example bodies the spec gives for a GET path's 200 response. */
export function examplesOf(spec: Spec, path: string): JsonObject[] {
  const content = spec.paths[path]?.get?.responses['200']?.content?.['application/json'];
  const examples = (content?.examples ?? {}) as Record<string, { value: JsonObject }>;
  return Object.values(examples).map((e) => e.value);
}

/**
 * Differences in structure between a value and a spec example: same keys in every object, same
 * JSON types; a null on either side matches anything, arrays compare their first elements.
 */
export function shapeDiff(actual: unknown, example: unknown, at = '$'): string[] {
  if (actual === null || example === null) return [];
  if (Array.isArray(example)) {
    if (!Array.isArray(actual)) return [`${at}: expected an array`];
    return actual.length > 0 && example.length > 0 ? shapeDiff(actual[0], example[0], `${at}[0]`) : [];
  }
  if (typeof example === 'object') {
    if (typeof actual !== 'object' || Array.isArray(actual)) return [`${at}: expected an object`];
    const a = actual as Record<string, unknown>;
    const e = example as Record<string, unknown>;
    const keys = new Set([...Object.keys(a), ...Object.keys(e)]);
    return [...keys].flatMap((k) =>
      !(k in a)
        ? [`${at}.${k}: missing`]
        : !(k in e)
          ? [`${at}.${k}: not in the example`]
          : shapeDiff(a[k], e[k], `${at}.${k}`),
    );
  }
  return typeof actual === typeof example
    ? []
    : [`${at}: ${typeof actual} where the example has ${typeof example}`];
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export function accountAuth(account: SimAccount): string {
  return basicAuth(account.accountSid, account.authToken);
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

/** GET a path (or absolute URL) as the first account, or with the given Authorization header. */
export async function get(sim: Simulator, pathOrUrl: string, authorization?: string | null): Promise<Reply> {
  const account = sim.accounts[0];
  if (account === undefined) throw new Error('no account');
  const auth = authorization === undefined ? accountAuth(account) : authorization;
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : sim.url + pathOrUrl;
  const response = await fetch(url, {
    headers: auth === null ? {} : { authorization: auth },
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    // left undefined: the caller asserts on `text`
  }
  return { status: response.status, headers: response.headers, text, body };
}

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  error: Error | null;
  complete: boolean;
}

/** A GET over node:http that reports what arrived even when the connection breaks mid-body. */
export function rawGet(
  sim: Simulator,
  path: string,
  authorization: string,
  host?: string,
): Promise<RawReply> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const headers = host === undefined ? { authorization } : { authorization, host };
    const req = request(sim.url + path, { headers, agent: false, timeout: 20_000 }, (res) => {
      const done = (error: Error | null) =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          error,
          complete: res.complete,
        });
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null));
      res.on('error', (error) => done(error));
      res.on('aborted', () => done(new Error('aborted')));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) =>
      resolve({ status: 0, headers: {}, body: Buffer.concat(chunks), error, complete: false }),
    );
    req.end();
  });
}

export interface ListBody {
  meta: ListMeta;
  [key: string]: unknown;
}

/** Follows next_page_url from a first page to the end; returns every record and every page body. */
export async function collect(
  sim: Simulator,
  firstPath: string,
  maxPages = 10_000,
): Promise<{ items: Record<string, unknown>[]; pages: ListBody[] }> {
  const items: Record<string, unknown>[] = [];
  const pages: ListBody[] = [];
  let next: string | null = firstPath;
  while (next !== null) {
    if (pages.length >= maxPages) throw new Error(`more than ${maxPages} pages`);
    const reply = await get(sim, next);
    if (reply.status !== 200) throw new Error(`HTTP ${reply.status} on ${next}: ${reply.text}`);
    const body = reply.body as ListBody;
    pages.push(body);
    items.push(...(body[body.meta.key] as Record<string, unknown>[]));
    next = body.meta.next_page_url;
  }
  return { items, pages };
}
