import type { z } from 'zod';
import { toErrorBody } from './errors.ts';
import type { HandlerContext, Handlers } from './handlers.ts';
import type { LoggerPort } from './ports.ts';
import { listChannels, type ErrorBody, type Result } from '../src-preload/contract.ts';

export type Dispatch = (channel: string, payload: unknown, ctx: HandlerContext) => Promise<Result<unknown>>;
type AnyHandler = (request: unknown, ctx: HandlerContext) => Promise<unknown>;

/**
 * Validates a payload against its channel's schema and runs the handler. Whatever happens, the
 * caller gets a Result envelope: nothing is thrown across a process boundary. Unexpected errors
 * go to the log with their stack and a ref the reviewer can quote.
 */
export function createDispatch(handlers: Handlers, logger: LoggerPort): Dispatch {
  const table = new Map(
    listChannels().map((c) => {
      const fn = (handlers as unknown as Record<string, Record<string, AnyHandler>>)[c.ns]?.[c.method];
      if (!fn) throw new Error(`No handler for ${c.name}`);
      return [c.name, { schema: c.request, fn }] as const;
    }),
  );

  return async (channel, payload, ctx) => {
    const entry = table.get(channel);
    if (!entry)
      return { ok: false, error: { code: 'unknown_channel', message: `QM Desk has no channel ${channel}.` } };
    const parsed = entry.schema.safeParse(payload);
    if (!parsed.success) return { ok: false, error: invalidRequest(parsed.error) };
    try {
      return { ok: true, data: await entry.fn(parsed.data, ctx) };
    } catch (error) {
      return { ok: false, error: toErrorBody(error, { logger, where: channel }) };
    }
  };
}

function invalidRequest(error: z.ZodError): ErrorBody {
  const issues = error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  return { code: 'invalid_request', message: `The request was not valid: ${summary}`, detail: { issues } };
}
