// Queued faults. Each one applies to the requests whose path + query contains `match`, lets the
// first `skip` of them through, then fires `times` times. Transport faults (429, 5xx, reset,
// slow headers) can hit any request; malformed_json only a 200; the paging faults only a 200 list.

import type { Fault, FaultSpec } from './index.ts';

const TRANSPORT = new Set<Fault['kind']>(['rate_limit', 'server_error', 'reset_mid_body', 'slow_headers']);
const LIST_ONLY = new Set<Fault['kind']>([
  'wrong_meta_key',
  'empty_page_with_next',
  'stuck_page',
  'repeat_next_url',
  'foreign_next_url',
]);
const KINDS = new Set<Fault['kind']>([...TRANSPORT, ...LIST_ONLY, 'malformed_json']);

interface Queued {
  fault: Fault;
  match: string;
  skip: number;
  remaining: number;
}

const isCount = (n: unknown, min: number): boolean => Number.isSafeInteger(n) && (n as number) >= min;

export class FaultQueue {
  private queue: Queued[] = [];

  add(spec: FaultSpec): void {
    const { times = 1, match = '', skip = 0, ...fault } = spec;
    if (!KINDS.has(fault.kind)) throw new TypeError(`unknown fault kind '${String(fault.kind)}'`);
    if (!isCount(times, 1) && times !== Infinity)
      throw new TypeError(`fault 'times' must be an integer >= 1 or Infinity, got ${String(times)}`);
    if (!isCount(skip, 0)) throw new TypeError(`fault 'skip' must be an integer >= 0, got ${String(skip)}`);
    if (fault.kind === 'slow_headers' && !isCount(fault.delayMs, 0)) {
      throw new TypeError('slow_headers needs delayMs, an integer >= 0');
    }
    if (fault.kind === 'server_error' && ![undefined, 500, 502, 503, 504].includes(fault.status)) {
      throw new TypeError(`server_error status must be 500, 502, 503 or 504, got ${String(fault.status)}`);
    }
    if (
      fault.kind === 'rate_limit' &&
      fault.retryAfterSeconds !== undefined &&
      fault.retryAfterSeconds !== null &&
      !isCount(fault.retryAfterSeconds, 0)
    ) {
      throw new TypeError('rate_limit retryAfterSeconds must be an integer >= 0 or null');
    }
    this.queue.push({ fault: fault as Fault, match, skip, remaining: times });
  }

  clear(): void {
    this.queue = [];
  }

  /** The fault to apply to this request, if any (consuming one of its `times`). */
  take(target: string, status: number, isList: boolean): Fault | null {
    for (const item of this.queue) {
      if (!target.includes(item.match)) continue;
      const kind = item.fault.kind;
      const eligible = TRANSPORT.has(kind) || (status === 200 && (kind === 'malformed_json' || isList));
      if (!eligible) continue;
      if (item.skip > 0) {
        item.skip--;
        continue;
      }
      item.remaining--;
      if (item.remaining === 0) this.queue = this.queue.filter((q) => q !== item);
      return item.fault;
    }
    return null;
  }
}
