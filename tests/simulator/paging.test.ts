// Paging: meta fields, next/previous URLs, PageToken binding to filters, host-relative URLs.

import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator } from './index.ts';
import type { Simulator } from './index.ts';
import { accountAuth, collect, get, rawGet } from './testkit.ts';
import type { ListBody } from './testkit.ts';

const ASSESSMENTS = '/v1/Insights/QualityManagement/Assessments';
const COMMENTS = '/v1/Insights/QualityManagement/Assessments/Comments';

const sims: Simulator[] = [];
async function start(options: Parameters<typeof startSimulator>[0] = {}): Promise<Simulator> {
  const sim = await startSimulator(options);
  sims.push(sim);
  return sim;
}
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

const list = (reply: { body: unknown }) => reply.body as ListBody;
const records = (reply: { body: unknown }) => {
  const body = list(reply);
  return body[body.meta.key] as Record<string, unknown>[];
};

describe('paging', () => {
  it('follows next_page_url through every record exactly once, in list order', async () => {
    const sim = await start({ assessments: 500 });
    const { items, pages } = await collect(sim, `${ASSESSMENTS}?PageSize=37`);
    expect(items).toHaveLength(500);
    expect(items).toEqual(sim.data.assessments());
    expect(new Set(items.map((a) => a.assessment_sid)).size).toBe(500);
    expect(pages).toHaveLength(Math.ceil(500 / 37));

    pages.forEach((page, p) => {
      const { meta } = page;
      expect(meta.page).toBe(p);
      expect(meta.page_size).toBe(37);
      expect(meta.key).toBe('assessments');
      expect(meta.first_page_url).toBe(`${sim.url}${ASSESSMENTS}?PageSize=37&Page=0`);
      if (p === 0) expect(meta.previous_page_url).toBeNull();
      else expect(meta.previous_page_url).toMatch(new RegExp(`Page=${p - 1}&PageToken=`));
      if (p > 0) expect(meta.url).toBe(pages[p - 1]?.meta.next_page_url);
      if (p < pages.length - 1) {
        const next = new URL(meta.next_page_url ?? '');
        expect(next.origin).toBe(sim.url);
        expect(next.pathname).toBe(ASSESSMENTS);
        expect([...next.searchParams.keys()]).toEqual(['PageSize', 'Page', 'PageToken']);
        expect(next.searchParams.get('Page')).toBe(String(p + 1));
      } else {
        expect(meta.next_page_url).toBeNull();
      }
    });
  });

  it('uses PageSize 50 by default', async () => {
    const sim = await start({ assessments: 120 });
    const reply = await get(sim, ASSESSMENTS);
    expect(records(reply)).toHaveLength(50);
    expect(list(reply).meta.page_size).toBe(50);
    expect(list(reply).meta.url).toBe(`${sim.url}${ASSESSMENTS}?PageSize=50&Page=0`);
  });

  it('gives a full last page a null next_page_url (no trailing empty page)', async () => {
    const sim = await start({ assessments: 100 });
    const { pages } = await collect(sim, `${ASSESSMENTS}?PageSize=50`);
    expect(pages.map((p) => (p.assessments as unknown[]).length)).toEqual([50, 50]);
    expect(pages[1]?.meta.next_page_url).toBeNull();
    const single = await get(sim, `${ASSESSMENTS}?PageSize=100`);
    expect(list(single).meta.next_page_url).toBeNull();
  });

  it('answers an empty data set, or a filter that matches nothing, with one empty page', async () => {
    const empty = await start({ assessments: 0 });
    expect(empty.data.countComments()).toBe(0);
    for (const path of [ASSESSMENTS, COMMENTS, '/v1/Insights/Segments', '/v1/Insights/Conversations']) {
      const reply = await get(empty, path);
      expect(reply.status).toBe(200);
      expect(records(reply)).toEqual([]);
      expect(list(reply).meta).toMatchObject({ page: 0, previous_page_url: null, next_page_url: null });
    }
    const sim = await start({ assessments: 50 });
    const unknown = await get(sim, `${ASSESSMENTS}?SegmentId=0105be7a-9b87-51f1-8df8-aa74ddb9c4a7`);
    expect(records(unknown)).toEqual([]);
    expect(list(unknown).meta.next_page_url).toBeNull();
  });

  it('keeps the filters in every page URL and pages a filtered list to its end', async () => {
    const sim = await start({ assessments: 3000 });
    const agent = sim.data.agentIds()[1] ?? '';
    const { items, pages } = await collect(sim, `${COMMENTS}?AgentId=${agent}&PageSize=4`);
    expect(items.length).toBe(sim.data.countComments({ agentId: agent }));
    expect(pages.length).toBeGreaterThan(2);
    for (const page of pages.slice(0, -1)) {
      const next = new URL(page.meta.next_page_url ?? '');
      expect(next.searchParams.get('AgentId')).toBe(agent);
      expect(next.searchParams.get('PageSize')).toBe('4');
      expect(page.meta.first_page_url).toBe(`${sim.url}${COMMENTS}?AgentId=${agent}&PageSize=4&Page=0`);
    }
  });

  it('serves Page without a token at offset Page * PageSize, and previous_page_url leads back', async () => {
    const sim = await start({ assessments: 300 });
    const third = await get(sim, `${ASSESSMENTS}?PageSize=10&Page=2`);
    expect(records(third)).toEqual(sim.data.assessments({}, { offset: 20, limit: 10 }));
    const second = await get(sim, list(third).meta.previous_page_url ?? '');
    expect(records(second)).toEqual(sim.data.assessments({}, { offset: 10, limit: 10 }));
    expect(list(second).meta.page).toBe(1);
    const beyond = await get(sim, `${ASSESSMENTS}?PageSize=10&Page=99`);
    expect(records(beyond)).toEqual([]);
    expect(list(beyond).meta.next_page_url).toBeNull();
  });

  it('refuses a PageToken replayed with other filters, on another list or for another account', async () => {
    const sim = await start({
      assessments: 2000,
      accounts: [
        { accountSid: `AC${'a'.repeat(32)}`, authToken: 'a', apiKeys: [] },
        { accountSid: `AC${'b'.repeat(32)}`, authToken: 'b', apiKeys: [] },
      ],
    });
    const [a, b] = sim.accounts;
    if (a === undefined || b === undefined) throw new Error('accounts');
    const [s1 = '', s2 = ''] = sim.data
      .segmentIds()
      .filter((s) => sim.data.countAssessments({ segmentId: s }) > 2);
    const firstPage = await get(sim, `${ASSESSMENTS}?SegmentId=${s1}&PageSize=2`, accountAuth(a));
    const next = list(firstPage).meta.next_page_url ?? '';
    expect(next).not.toBe('');
    expect((await get(sim, next, accountAuth(a))).status).toBe(200);

    const otherFilter = next.replace(s1, s2);
    const otherList = next.replace(ASSESSMENTS, COMMENTS);
    for (const [url, auth] of [
      [otherFilter, accountAuth(a)],
      [otherList, accountAuth(a)],
      [next, accountAuth(b)],
    ] as const) {
      const reply = await get(sim, url, auth);
      expect(reply.status, url).toBe(400);
      expect(reply.body).toMatchObject({ code: 20001, status: 400 });
    }
  });

  it('refuses a tampered or truncated PageToken', async () => {
    const sim = await start({ assessments: 200 });
    const next = new URL(list(await get(sim, `${ASSESSMENTS}?PageSize=10`)).meta.next_page_url ?? '');
    const token = next.searchParams.get('PageToken') ?? '';
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o: number };
    expect(decoded.o).toBe(10); // the next offset, as documented
    const forged = Buffer.from(JSON.stringify({ ...decoded, o: 150 })).toString('base64url');
    for (const bad of [forged, token.slice(0, -3), `${token}AA`]) {
      next.searchParams.set('PageToken', bad);
      const reply = await get(sim, next.toString());
      expect(reply.status, bad).toBe(400);
      expect(reply.body).toMatchObject({ code: 20001 });
    }
  });

  it("builds every URL (meta and records) on the request's Host", async () => {
    const sim = await start({ assessments: 100 });
    const reply = await rawGet(
      sim,
      `${ASSESSMENTS}?PageSize=5`,
      accountAuth(sim.accounts[0]!),
      'qm.example:8443',
    );
    const body = JSON.parse(reply.body.toString('utf8')) as ListBody;
    const urls = [
      body.meta.url,
      body.meta.first_page_url,
      body.meta.next_page_url,
      ...(body.assessments as { url: string }[]).map((a) => a.url),
    ];
    for (const url of urls) expect(url).toMatch(/^http:\/\/qm\.example:8443\/v1\/Insights\//);
    expect(body.assessments).toEqual(
      sim.data.assessments({}, { limit: 5, origin: 'http://qm.example:8443' }),
    );
  });
});
