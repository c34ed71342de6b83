import { flushPromises } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { effect } from 'vue';
import type { Result, RowWindow } from '../../src-preload/contract.ts';
import { createRangeSource } from '../../src-renderer/src/data/range-source.ts';
import { fail, ok } from './fake-qm.ts';

type Fetch = (profileId: string, offset: number, limit: number) => Promise<Result<RowWindow<string>>>;

/** A store of `total` rows named by index; `hold` keeps answers back until released, in any order. */
function setup(total: number, options: { pageSize?: number; maxPages?: number; concurrency?: number } = {}) {
  let all = Array.from({ length: total }, (_, i) => `row ${i}`);
  const profile = { id: 'eu' as string | null };
  let holding = false;
  const held: Array<() => void> = [];
  const fetch = vi.fn<Fetch>(async (profileId, offset, limit) => {
    const answer = ok({ profileId, total: all.length, offset, rows: all.slice(offset, offset + limit) });
    if (!holding) return answer;
    return new Promise((resolve) => held.push(() => resolve(answer)));
  });
  const source = createRangeSource<string>({
    pageSize: options.pageSize ?? 100,
    maxPages: options.maxPages ?? 16,
    concurrency: options.concurrency ?? 2,
    profileId: () => profile.id,
    fetch,
  });
  return {
    source,
    fetch,
    profile,
    offsets: () => fetch.mock.calls.map(([, offset]) => offset),
    hold: () => (holding = true),
    release: async (index = 0) => {
      held.splice(index, 1)[0]?.();
      await flushPromises();
    },
    releaseAll: async () => {
      holding = false;
      while (held.length) held.shift()!();
      await flushPromises();
    },
    setAll: (rows: string[]) => (all = rows),
  };
}

describe('range source', () => {
  it('knows nothing until the first window answers, then serves rows by index with placeholders', async () => {
    const t = setup(1_000_000);
    expect(t.source.count()).toBe(0);
    expect(t.source.total.value).toBeNull();
    await t.source.reload();
    expect(t.source.total.value).toBe(1_000_000);
    expect(t.source.count()).toBe(1_000_000);
    expect(t.source.get(0)).toBe('row 0');
    expect(t.source.get(99)).toBe('row 99');
    // Not fetched yet: a placeholder (undefined), and nothing the size of the list in memory.
    expect(t.source.get(500_000)).toBeUndefined();
    expect(t.offsets()).toEqual([0]);
  });

  it('fetches only the pages a range needs, once each, and get() is reactive', async () => {
    const t = setup(10_000);
    await t.source.reload();
    const seen: Array<string | undefined> = [];
    effect(() => seen.push(t.source.get(5_250)));
    t.source.ensure(5_210, 5_290);
    t.source.ensure(5_220, 5_280);
    await flushPromises();
    expect(t.offsets()).toEqual([0, 5_200]);
    expect(seen).toEqual([undefined, 'row 5250']);
    t.source.ensure(5_250, 5_420);
    await flushPromises();
    expect(t.offsets()).toEqual([0, 5_200, 5_300, 5_400]);
  });

  it('never sends a queued page that scrolled away before its turn', async () => {
    const t = setup(1_000_000, { concurrency: 1 });
    await t.source.reload();
    t.hold();
    // A fast scrollbar drag: many ranges, only the first and the last one matter.
    for (let row = 10_000; row <= 90_000; row += 10_000) t.source.ensure(row, row + 30);
    expect(t.offsets()).toEqual([0, 10_000]);
    await t.releaseAll();
    expect(t.offsets()).toEqual([0, 10_000, 90_000]);
    expect(t.source.get(90_010)).toBe('row 90010');
  });

  it('keeps a small LRU of pages, never dropping the ones in view', async () => {
    const t = setup(100_000, { maxPages: 3 });
    await t.source.reload();
    for (const row of [1_000, 2_000, 3_000, 4_000]) {
      t.source.ensure(row, row + 10);
      await flushPromises();
    }
    // Pages 0 and 10 fell out; 20, 30 and 40 (in view) stay.
    expect(t.source.get(5)).toBeUndefined();
    expect(t.source.get(1_005)).toBeUndefined();
    expect(t.source.get(3_005)).toBe('row 3005');
    expect(t.source.get(4_005)).toBe('row 4005');
    t.source.ensure(1_000, 1_010);
    await flushPromises();
    expect(t.offsets().filter((o) => o === 1_000)).toHaveLength(2);
  });

  it('drops answers of a replaced query, and keeps the old rows on screen until the new ones come', async () => {
    const t = setup(500);
    await t.source.reload();
    t.source.ensure(0, 40);
    t.hold();
    const stale = t.source.reload();
    t.setAll(Array.from({ length: 300 }, (_, i) => `new ${i}`));
    const fresh = t.source.reload();
    // Until the new query answers, the old rows stay (no flash of placeholders).
    expect(t.source.get(3)).toBe('row 3');
    expect(t.source.count()).toBe(500);
    // The newer answer comes first; the older one, arriving late, is dropped.
    await t.release(1);
    await fresh;
    expect(t.source.get(3)).toBe('new 3');
    expect(t.source.total.value).toBe(300);
    await t.release(0);
    await stale;
    expect(t.source.get(3)).toBe('new 3');
    expect(t.source.total.value).toBe(300);
    expect(t.source.loading.value).toBe(false);
  });

  it('drops an answer for another account, and one that arrives after a switch', async () => {
    const t = setup(50);
    t.fetch.mockImplementationOnce(async (_p, offset) =>
      ok({ profileId: 'us', total: 9, offset, rows: ['x'] }),
    );
    await t.source.reload();
    expect(t.source.total.value).toBeNull();

    t.hold();
    const reloading = t.source.reload();
    t.profile.id = 'us';
    await t.releaseAll();
    await reloading;
    expect(t.source.total.value).toBeNull();
    expect(t.source.get(0)).toBeUndefined();

    t.profile.id = null;
    await t.source.reload();
    expect(t.source.count()).toBe(0);
    expect(t.fetch).toHaveBeenCalledTimes(2);
  });

  it('starts a new query where the table is, and re-asks what is in view when the list moved', async () => {
    const t = setup(10_000);
    await t.source.reload();
    t.source.ensure(4_000, 4_030);
    await flushPromises();
    t.fetch.mockClear();
    await t.source.reload();
    expect(t.offsets()).toEqual([4_000]);
    // A sync added rows: the total changed, so pages already held may have shifted.
    t.setAll(Array.from({ length: 10_050 }, (_, i) => `v2 ${i}`));
    t.source.ensure(4_090, 4_120);
    await flushPromises();
    expect(t.source.total.value).toBe(10_050);
    expect(t.source.get(4_095)).toBe('v2 4095');
    // Page 4000 was held from before the change: it was asked again, not shown stale.
    expect(t.offsets()).toEqual([4_000, 4_100, 4_000]);
    expect(t.source.get(4_010)).toBe('v2 4010');
  });

  it('shows a failed page as an error, asks for it again, and a failed new query drops the old rows', async () => {
    const t = setup(300);
    await t.source.reload();
    t.fetch.mockResolvedValueOnce(fail('store_closed', 'The store is closed.'));
    t.source.ensure(150, 160);
    await flushPromises();
    expect(t.source.error.value?.code).toBe('store_closed');
    expect(t.source.get(150)).toBeUndefined();
    t.source.ensure(150, 161);
    await flushPromises();
    expect(t.source.error.value).toBeNull();
    expect(t.source.get(150)).toBe('row 150');

    t.fetch.mockResolvedValueOnce(fail('store_failed', 'The store could not be read.'));
    await t.source.reload();
    expect(t.source.count()).toBe(0);
    expect(t.source.error.value?.code).toBe('store_failed');
  });

  it('reads an exact range for a copy, fetching what is not held in large requests', async () => {
    const t = setup(5_000);
    await t.source.reload();
    t.fetch.mockClear();
    const rows = await t.source.rows(50, 2_549);
    expect(rows).toHaveLength(2_500);
    expect(rows![0]).toBe('row 50');
    expect(rows!.at(-1)).toBe('row 2549');
    // Rows 50..99 came from memory, the rest in windows of at most 1000.
    expect(t.fetch.mock.calls.map(([, offset, limit]) => [offset, limit])).toEqual([
      [100, 1000],
      [1100, 1000],
      [2100, 450],
    ]);
    t.setAll(['changed']);
    expect(await t.source.rows(3_000, 3_010)).toBeNull();
  });
});
