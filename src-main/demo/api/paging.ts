// Twilio-style paging: PageSize (1..1000, default 50), Page (client state) and an opaque PageToken.
// The token is base64url JSON holding the next offset, a hash of the request's scope (account,
// path, filters) and a checksum, so a token replayed with other filters, or edited, is refused.

import { hash, hashString, hex8 } from '../hash.ts';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

export interface PageRequest {
  pageSize: number;
  page: number;
  offset: number;
  token: string | null;
}

export interface ListMeta {
  page: number;
  page_size: number;
  first_page_url: string;
  previous_page_url: string | null;
  url: string;
  next_page_url: string | null;
  key: string;
}

export class Paging {
  private readonly secret: number;

  constructor(seed: number) {
    this.secret = hash(seed >>> 0, hashString('page-token'));
  }

  scopeOf(accountSid: string, path: string, filters: [string, string][]): string {
    return hex8(hashString(`${accountSid} ${path}?${new URLSearchParams(filters).toString()}`));
  }

  encode(offset: number, scope: string): string {
    const json = JSON.stringify({
      o: offset,
      s: scope,
      c: hex8(hash(this.secret, offset, Number.parseInt(scope, 16))),
    });
    return base64url(json);
  }

  /** The page asked for, or an error message for a 400. */
  parse(query: URLSearchParams, scope: string): PageRequest | string {
    const pageSizeText = query.get('PageSize');
    const pageText = query.get('Page');
    const token = query.get('PageToken');
    let pageSize = DEFAULT_PAGE_SIZE;
    if (pageSizeText !== null) {
      if (!/^\d+$/.test(pageSizeText)) return `PageSize must be an integer, got '${pageSizeText}'`;
      pageSize = Number(pageSizeText);
      if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) return `PageSize must be between 1 and ${MAX_PAGE_SIZE}`;
    }
    let page = 0;
    if (pageText !== null) {
      if (!/^\d+$/.test(pageText) || !Number.isSafeInteger(Number(pageText))) {
        return `Page must be a non-negative integer, got '${pageText}'`;
      }
      page = Number(pageText);
    }
    if (token === null) return { pageSize, page, offset: page * pageSize, token };
    const offset = this.decode(token, scope);
    return typeof offset === 'string' ? offset : { pageSize, page, offset, token };
  }

  private decode(token: string, scope: string): number | string {
    const invalid = 'PageToken is invalid';
    if (!/^[A-Za-z0-9_-]+$/.test(token)) return invalid;
    let parsed: unknown;
    try {
      const text = atob(token.replace(/-/g, '+').replace(/_/g, '/'));
      if (base64url(text) !== token) return invalid; // only the one canonical spelling of a token
      parsed = JSON.parse(text);
    } catch {
      return invalid;
    }
    if (typeof parsed !== 'object' || parsed === null) return invalid;
    const { o, s, c } = parsed as Record<string, unknown>;
    if (!Number.isSafeInteger(o) || (o as number) < 0 || typeof s !== 'string' || !/^[0-9a-f]{8}$/.test(s)) {
      return invalid;
    }
    if (c !== hex8(hash(this.secret, o as number, Number.parseInt(s, 16)))) return invalid;
    if (s !== scope) return 'PageToken was issued for a different list or different filters';
    return o as number;
  }
}

/** base64url without padding, of an ASCII string (btoa/atob, not Buffer: this module stays free of Node). */
function base64url(ascii: string): string {
  return btoa(ascii).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function pageUrl(
  origin: string,
  path: string,
  filters: [string, string][],
  pageSize: number,
  page: number,
  token: string | null,
): string {
  const q = new URLSearchParams(filters);
  q.append('PageSize', String(pageSize));
  q.append('Page', String(page));
  if (token !== null) q.append('PageToken', token);
  return `${origin}${path}?${q.toString()}`;
}
