// The pager's look-ahead: the next-page link guessed from the raw body is only a guess. These use
// a hand-made loopback server whose bodies put a decoy link where the guess will find it.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, client, collect, harness, recorder, settle } from './helpers.ts';
import { guessNextLink } from '../../../src-main/flex/pager.ts';

const h = harness();
afterEach(() => cleanup(h));

const PATH = '/v1/Insights/QualityManagement/Categories';
const sid = (n: number) => `FY${n.toString(16).padStart(32, '0')}`;

describe('guessNextLink', () => {
  it.each([
    [
      '{"a":[],"meta":{"next_page_url":"https://x/y?Page=1&PageToken=a%2Bb","key":"a"}}',
      'https://x/y?Page=1&PageToken=a%2Bb',
    ],
    ['{"meta":{"next_page_url" :  "https://x/\\u0041?q=\\"1\\""}}', 'https://x/A?q="1"'],
    ['{"meta":{"next_page_url":null}}', null],
    ['{"meta":{}}', null],
    ['{"meta":{"next_page_url":"unterminated', null],
    ['{"a":[{"next_page_url":"https://decoy/"}],"meta":{"next_page_url":"https://real/"}}', 'https://real/'],
  ])('%s -> %s', (body, expected) => {
    expect(guessNextLink(body)).toBe(expected);
  });
});

/**
 * Three pages of categories. `meta` comes first and each page's last record carries a
 * `next_page_url` field, so the raw-body guess finds the record's decoy, not the real link.
 */
function decoyServer(decoy: (origin: string, page: number) => string) {
  let origin = '';
  return {
    setOrigin: (o: string) => {
      origin = o;
    },
    respond: (path: string) => {
      const url = new URL(path, origin);
      if (url.pathname !== PATH) return { status: 404, body: { code: 20404, message: 'nope', status: 404 } };
      const page = Number(url.searchParams.get('Page') ?? '0');
      const next = page < 2 ? `${origin}${PATH}?PageSize=2&Page=${page + 1}` : null;
      const records = [0, 1].map((i) => ({ category_sid: sid(page * 2 + i), name: `c${page * 2 + i}` }));
      return {
        status: 200,
        body: {
          meta: { key: 'categories', page, page_size: 2, next_page_url: next },
          categories: [...records.slice(0, 1), { ...records[1], next_page_url: decoy(origin, page) }],
        },
      };
    },
  };
}

describe('look-ahead with a wrong guess', () => {
  it('a same-origin decoy is dropped and the real next page fetched: exact records', async () => {
    const fake = decoyServer((origin, page) => `${origin}${PATH}?Decoy=${page}`);
    const server = await recorder(h, (req) => fake.respond(req.url ?? '/'));
    fake.setOrigin(server.url);
    const { items, pages } = await collect(
      client(h, server.url, { username: 'ACx', password: 'pw' }).categories({ pageSize: 2 }),
    );
    expect(items.map((c) => c.category_sid)).toEqual([0, 1, 2, 3, 4, 5].map(sid));
    expect(pages.map((p) => p.meta.page)).toEqual([0, 1, 2]);
    // The unknown field stays in raw.
    expect(items[1]?.raw.next_page_url).toContain('Decoy=0');
    // A decoy request may or may not reach the server before it is aborted; had its answer (page 0
    // again) been used, the records above would repeat.
    const real = server.requests.filter((r) => !r.path.includes('Decoy'));
    expect(real.map((r) => new URL(r.path, server.url).searchParams.get('Page'))).toEqual([null, '1', '2']);
  });

  it('a decoy on another host is never requested', async () => {
    const foreign = await recorder(h, () => ({ status: 200, body: {} }));
    const fake = decoyServer(() => `${foreign.url}${PATH}?Page=9`);
    const server = await recorder(h, (req) => fake.respond(req.url ?? '/'));
    fake.setOrigin(server.url);
    const result = await settle(
      collect(client(h, server.url, { username: 'ACx', password: 'pw' }).categories({ pageSize: 2 })),
    );
    expect(result.ok && result.value.items.length).toBe(6);
    expect(foreign.requests).toEqual([]);
  });

  it('prefetch off: the same records, one request per page', async () => {
    const fake = decoyServer((origin, page) => `${origin}${PATH}?Decoy=${page}`);
    const server = await recorder(h, (req) => fake.respond(req.url ?? '/'));
    fake.setOrigin(server.url);
    const c = client(h, server.url, { username: 'ACx', password: 'pw' }, { prefetch: false });
    const { items } = await collect(c.categories({ pageSize: 2 }));
    expect(items.map((x) => x.category_sid)).toEqual([0, 1, 2, 3, 4, 5].map(sid));
    expect(server.requests).toHaveLength(3);
  });
});
