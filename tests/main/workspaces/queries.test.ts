import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src-main/errors.ts';
import { openStore } from '../../../src-main/store/index.ts';
import type { Store } from '../../../src-main/store/index.ts';
import type { Workspace } from '../../../src-main/workspaces/types.ts';
import { createReviewQueries } from '../../../src-main/workspaces/queries.ts';
import { contract } from '../../../src-preload/contract.ts';
import { ACCOUNT_SID, buildFixture, chunks, tempDir } from '../store/fixture.ts';

let temp: Awaited<ReturnType<typeof tempDir>>;
let store: Store;
const workspaces = {
  async open(profileId: string): Promise<Workspace> {
    if (profileId !== 'p1') throw new AppError('profile_not_found', 'That account no longer exists.');
    return {
      profileId,
      label: 'Support',
      accountSid: ACCOUNT_SID,
      dataDir: temp.dir,
      store,
      client: () => Promise.reject(new Error('offline')),
    };
  },
};

beforeAll(async () => {
  const fixture = buildFixture({ seed: 3, assessments: 600 });
  temp = await tempDir();
  store = await openStore({ file: temp.file(), accountSid: ACCOUNT_SID });
  await store.putReference(fixture.reference);
  await store.upsertSegments(fixture.segments);
  for (const kind of ['assessments', 'comments'] as const) {
    const { pass } = await store.openPass(kind, { all: true });
    const pages = chunks<(typeof fixture)[typeof kind][number]>(fixture[kind], 500);
    for (const [i, records] of pages.entries())
      await store.commitPage({
        kind,
        scope: { all: true },
        pass,
        records,
        next: i === pages.length - 1 ? null : `n${i}`,
      } as never);
  }
});
afterAll(async () => {
  await store.close();
  await temp.remove();
});

/** A request as main's dispatch hands it over: parsed by the channel's schema (defaults applied). */
const parsed = <N extends keyof typeof contract>(ns: N, method: keyof (typeof contract)[N], input: unknown) =>
  (contract[ns][method] as { request: { parse(x: unknown): unknown } }).request.parse(input) as never;

describe('review queries', () => {
  it('cover every channel of the review namespaces', () => {
    const queries = createReviewQueries(workspaces);
    for (const ns of ['store', 'scores', 'agents', 'calibration', 'views'] as const) {
      expect(Object.keys(queries[ns]).sort(), ns).toEqual(Object.keys(contract[ns]).sort());
    }
  });

  it("answer from the named account's store and echo its profile id", async () => {
    const q = createReviewQueries(workspaces);
    const scores = await q.store.scores(parsed('store', 'scores', { profileId: 'p1', limit: 5 }));
    expect(scores).toEqual({
      ...(await store.scores({ filters: {}, sort: [], offset: 0, limit: 5 })),
      profileId: 'p1',
    });
    const sid = (await store.assessments({ filters: {}, sort: [], offset: 0, limit: 1 })).rows[0]!.sid;
    expect(await q.store.row(parsed('store', 'row', { profileId: 'p1', kind: 'assessments', sid }))).toEqual({
      ...(await store.rowDetail('assessments', sid)),
      profileId: 'p1',
    });
    expect(await q.scores.groups(parsed('scores', 'groups', { profileId: 'p1', by: 'team' }))).toEqual({
      ...(await store.scoreGroups({ filters: {}, by: 'team', period: 'week', limit: 200 })),
      profileId: 'p1',
    });
    expect(await q.scores.answers(parsed('scores', 'answers', { profileId: 'p1' }))).toEqual({
      ...(await store.answerDistribution({ filters: {}, limit: 100 })),
      profileId: 'p1',
    });
    const cards = await q.agents.scorecards(parsed('agents', 'scorecards', { profileId: 'p1' }));
    expect(cards.profileId).toBe('p1');
    expect(cards.rows.length).toBeGreaterThan(0);
    const agentId = cards.rows[0]!.agentId;
    expect(await q.agents.detail(parsed('agents', 'detail', { profileId: 'p1', agentId }))).toEqual({
      ...(await store.agentDetail({ agentId, filters: {} })),
      profileId: 'p1',
    });
    expect(await q.calibration.report(parsed('calibration', 'report', { profileId: 'p1' }))).toEqual({
      ...(await store.calibration({ filters: {} })),
      profileId: 'p1',
    });
    expect(
      await q.views.save(
        parsed('views', 'save', { profileId: 'p1', name: ' Mine ', filters: { report: true } }),
      ),
    ).toMatchObject({
      profileId: 'p1',
      views: [{ name: 'Mine', filters: { report: true } }],
    });
    expect((await q.views.list(parsed('views', 'list', { profileId: 'p1' }))).views).toHaveLength(1);
    expect(await q.views.remove(parsed('views', 'remove', { profileId: 'p1', name: 'Mine' }))).toEqual({
      profileId: 'p1',
      views: [],
    });
    expect((await q.store.overview(parsed('store', 'overview', { profileId: 'p1' }))).profileId).toBe('p1');
    await expect(
      q.calibration.report(parsed('calibration', 'report', { profileId: 'gone' })),
    ).rejects.toMatchObject({
      code: 'profile_not_found',
    });
  });
});
