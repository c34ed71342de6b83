// The client against the simulator over loopback: every endpoint and filter, and exact totals
// across page sizes and record counts.
import { afterEach, describe, expect, it } from 'vitest';
import { account, cleanup, client, clientFor, collect, harness, settle, sim } from './helpers.ts';
import { FlexError } from '../../../src-main/flex/errors.ts';
import type { Simulator } from '../../simulator/index.ts';

const h = harness();
afterEach(() => cleanup(h));

/** The query each request carried, for the list path given. */
const queriesTo = (s: Simulator, path: string) =>
  s.log.filter((e) => e.path === `/v1/Insights/${path}`).map((e) => e.query);

describe('list endpoints and filters', () => {
  it('assessments: all, by segment, and a segment without any', async () => {
    const s = await sim(h, { assessments: 300 });
    const c = clientFor(h, s);
    const all = await collect(c.assessments({}, { pageSize: 120 }));
    expect(all.items.map((a) => a.raw)).toEqual(s.data.assessments());
    expect(all.items[0]?.assessment_sid).toMatch(/^FM/);
    expect(typeof all.items[0]?.timestamp).toBe('number');

    const segments = s.data.segmentIds();
    const assessed = segments.find((id) => s.data.countAssessments({ segmentId: id }) > 1);
    const empty = segments.find((id) => s.data.countAssessments({ segmentId: id }) === 0);
    if (!assessed || !empty) throw new Error('dataset lacks the segments this test needs');
    const one = await collect(c.assessments({ segmentId: assessed }));
    expect(one.items.map((a) => a.raw)).toEqual(s.data.assessments({ segmentId: assessed }));
    expect(new Set(one.items.map((a) => a.segment_id))).toEqual(new Set([assessed]));
    const none = await collect(c.assessments({ segmentId: empty }));
    expect(none.items).toEqual([]);
    expect(none.pages).toHaveLength(1);
    expect(queriesTo(s, 'QualityManagement/Assessments').at(-1)).toEqual({
      SegmentId: [empty],
      PageSize: ['50'],
    });
  });

  it('comments by segment, by agent and by both', async () => {
    const s = await sim(h, { assessments: 400, comments: 200 });
    const c = clientFor(h, s);
    const segment = s.data.segmentIds().find((id) => s.data.countComments({ segmentId: id }) > 0);
    if (!segment) throw new Error('no segment with comments');
    const agent = s.data.agentIdOf(segment);
    if (!agent) throw new Error('segment without agent');
    for (const filters of [
      {},
      { segmentId: segment },
      { agentId: agent },
      { segmentId: segment, agentId: agent },
    ]) {
      const { items } = await collect(c.comments(filters, { pageSize: 7 }));
      expect(items.map((x) => x.raw)).toEqual(s.data.comments(filters));
      expect(items.length).toBe(s.data.countComments(filters));
    }
    expect(queriesTo(s, 'QualityManagement/Assessments/Comments')[0]).toEqual({ PageSize: ['7'] });
    expect(queriesTo(s, 'QualityManagement/Assessments/Comments').at(-1)).toMatchObject({
      SegmentId: [segment],
      AgentId: [agent],
    });
  });

  it('segments by id and by repeated reservation ids', async () => {
    const s = await sim(h, { assessments: 200 });
    const c = clientFor(h, s);
    const [first, second, third] = s.data.segmentIds();
    if (!first || !second || !third) throw new Error('too few segments');
    const reservations = [...s.data.reservationIdsOf(second), ...s.data.reservationIdsOf(third)];
    expect(reservations).toHaveLength(2);

    expect((await collect(c.segments())).items.map((x) => x.raw)).toEqual(s.data.segments());
    const byId = await collect(c.segments({ segmentId: first }));
    expect(byId.items.map((x) => x.segment_id)).toEqual([first]);
    const byReservation = await collect(c.segments({ reservationIds: reservations }));
    expect(byReservation.items.map((x) => x.raw)).toEqual(s.data.segments({ reservationIds: reservations }));
    expect(byReservation.items.map((x) => x.segment_id).sort()).toEqual([second, third].sort());
    expect(queriesTo(s, 'Segments').at(-1)).toEqual({ ReservationId: reservations, PageSize: ['50'] });
  });

  it('conversations, all and by segment', async () => {
    const s = await sim(h, { assessments: 200 });
    const c = clientFor(h, s);
    const all = await collect(c.conversations({}, { pageSize: 10 }));
    expect(all.items.map((x) => x.raw)).toEqual(s.data.conversations());
    const segment = s.data.segmentIds()[3] ?? '';
    const some = await collect(c.conversations({ segmentId: segment }));
    expect(some.items.map((x) => x.raw)).toEqual(s.data.conversations({ segmentId: segment }));
    expect(some.items.length).toBeGreaterThan(0);
  });

  it('questionnaires with and without inactive ones, categories, questions by category', async () => {
    const s = await sim(h, { assessments: 10 });
    const c = clientFor(h, s);
    const active = await collect(c.questionnaires());
    const withInactive = await collect(c.questionnaires({ includeInactive: true }));
    const explicitFalse = await collect(c.questionnaires({ includeInactive: false }));
    expect(withInactive.items.map((x) => x.raw)).toEqual(s.data.questionnaires({ includeInactive: true }));
    expect(active.items.map((x) => x.raw)).toEqual(s.data.questionnaires({}));
    expect(explicitFalse.items.map((x) => x.raw)).toEqual(s.data.questionnaires({ includeInactive: false }));
    expect(withInactive.items.length).toBeGreaterThan(active.items.length);
    expect(withInactive.items.some((q) => q.active === false)).toBe(true);

    const categories = await collect(c.categories({ pageSize: 1 }));
    expect(categories.items.map((x) => x.raw)).toEqual(s.data.categories());
    expect(categories.pages.length).toBe(categories.items.length);

    const sids = s.data.categorySids().slice(0, 2);
    const all = await collect(c.questions());
    const some = await collect(c.questions({ categorySids: sids }));
    expect(all.items.map((x) => x.raw)).toEqual(s.data.questions());
    expect(some.items.map((x) => x.raw)).toEqual(s.data.questions({ categorySids: sids }));
    expect(some.items.length).toBeLessThan(all.items.length);
    expect(queriesTo(s, 'QualityManagement/Questions').at(-1)).toEqual({
      CategorySid: sids,
      PageSize: ['50'],
    });
  });

  it('single-object endpoints: answer sets, comment tags, user roles', async () => {
    const s = await sim(h, { assessments: 10 });
    const c = clientFor(h, s);
    const answerSets = await c.answerSets();
    expect(answerSets.raw).toEqual(s.data.answerSets());
    expect(answerSets.answer_sets?.[0]?.answers?.every((a) => typeof a.score === 'number')).toBe(true);
    expect((await c.commentTags()).raw).toEqual(s.data.commentTags());
    const roles = await c.userRoles();
    expect(roles.roles).toEqual(s.data.userRoles().roles);
  });

  it('the generic pages() and items() views agree with the typed methods', async () => {
    const s = await sim(h, { assessments: 130 });
    const c = clientFor(h, s);
    const viaPages = await collect(c.pages('assessments', {}, { pageSize: 50 }));
    const viaItems: string[] = [];
    for await (const item of c.assessments({}, { pageSize: 50 }).items())
      viaItems.push(item.assessment_sid ?? '');
    expect(viaPages.items.map((x) => x.assessment_sid)).toEqual(viaItems);
    expect(viaPages.pages.map((p) => p.items.length)).toEqual([0, 0, 0]); // collect() strips items
    expect(viaPages.pages.map((p) => p.meta.page)).toEqual([0, 1, 2]);
    expect(viaPages.pages[1]?.url).toBe(viaPages.pages[0]?.meta.next_page_url);
  });

  it('authenticates with an API key (SK…) as well as the auth token', async () => {
    const s = await sim(h, { assessments: 60 });
    const a = account(s);
    const key = a.apiKeys[0];
    if (!key) throw new Error('no api key');
    const c = client(h, s.url, { username: key.sid, password: key.secret, accountSid: a.accountSid });
    expect((await collect(c.assessments())).items).toHaveLength(60);
    expect(s.log.every((e) => e.authOk && e.accountSid === a.accountSid)).toBe(true);
  });

  it('resumes from a saved next-page URL without repeating or losing records', async () => {
    const s = await sim(h, { assessments: 250 });
    const c = clientFor(h, s);
    const iterator = c.assessments({}, { pageSize: 100 })[Symbol.asyncIterator]();
    const first = await iterator.next();
    await iterator.return?.();
    if (first.done) throw new Error('no first page');
    const cursor = first.value.meta.next_page_url;
    if (!cursor) throw new Error('no cursor');
    const rest = await collect(c.assessments({}, { pageSize: 100, from: cursor }));
    const sids = [...first.value.items, ...rest.items].map((x) => x.assessment_sid);
    expect(sids).toEqual(s.data.assessments().map((x) => x.assessment_sid));
    expect(() => c.comments({}, { from: cursor })).toThrow(/another list/);
  });

  it('maps Twilio 400 and 404 to typed errors carrying Twilio’s code', async () => {
    const s = await sim(h, { assessments: 10 });
    const bad = await settle(collect(clientFor(h, s).segments({ reservationIds: ['WRnot-a-sid'] })));
    expect(bad.ok).toBe(false);
    expect(bad.ok ? null : bad.error).toMatchObject({
      code: 'bad_request',
      detail: { status: 400, twilioCode: 20001 },
    });

    const a = account(s);
    const wrongPrefix = client(h, `${s.url}/nope`, { username: a.accountSid, password: a.authToken });
    const missing = await settle(wrongPrefix.userRoles());
    expect(missing.ok ? null : missing.error).toMatchObject({
      code: 'not_found',
      detail: { status: 404, twilioCode: 20404, moreInfo: 'https://www.twilio.com/docs/errors/20404' },
    });
    expect((missing.ok ? null : missing.error) as FlexError).toBeInstanceOf(FlexError);
  });
});

describe('exact totals across page sizes and record counts', () => {
  // Page size 1 is run up to 1001 records (one request per record); 100k runs at 50 and 1000.
  const cases: [number, number][] = [];
  for (const n of [0, 1, 999, 1000, 1001]) for (const size of [1, 50, 1000]) cases.push([n, size]);
  cases.push([100_000, 50], [100_000, 1000]);

  it.each(cases)('%i assessments at page size %i', async (n, size) => {
    const s = await sim(h, { assessments: n, comments: 0 });
    const c = clientFor(h, s);
    let count = 0;
    let pages = 0;
    const sids = new Set<string>();
    let last: string | null = null;
    for await (const page of c.assessments({}, { pageSize: size })) {
      pages++;
      for (const item of page.items) {
        count++;
        sids.add(item.assessment_sid ?? '');
      }
      last = page.items.at(-1)?.assessment_sid ?? last;
      if (pages > n + 2) throw new Error('pager did not stop');
    }
    expect(count).toBe(n);
    expect(sids.size).toBe(n);
    expect(pages).toBe(Math.max(1, Math.ceil(n / size)));
    expect(s.log).toHaveLength(pages);
    if (n > 0) expect(last).toBe(s.data.assessment(n - 1).assessment_sid);
  });
});
