import { flushPromises } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import type { Result, RowWindow } from '../../src-preload/contract.ts';
import { createRowSource } from '../../src-renderer/src/data/row-window.ts';
import { fail, ok } from './fake-qm.ts';

const rowsOf = (total: number) => Array.from({ length: total }, (_, i) => `row ${i}`);

function source(total: number, profile = { id: 'eu' as string | null }) {
  let all = rowsOf(total);
  const fetch = vi.fn(
    async (profileId: string, offset: number, limit: number): Promise<Result<RowWindow<string>>> =>
      ok({ profileId, total: all.length, offset, rows: all.slice(offset, offset + limit) }),
  );
  const rows = createRowSource<string>({ pageSize: 100, profileId: () => profile.id, fetch });
  return { rows, fetch, profile, setAll: (next: string[]) => (all = next) };
}

describe('row source', () => {
  it('loads the first page, then only the pages a range needs, once each', async () => {
    const { rows, fetch } = source(1000);
    await rows.reload();
    expect(rows.total.value).toBe(1000);
    expect(rows.rows.value).toHaveLength(1000);
    expect(rows.rows.value[99]).toBe('row 99');
    expect(rows.rows.value[100]).toBeUndefined();
    rows.ensure(250, 420);
    rows.ensure(260, 300);
    await flushPromises();
    expect(fetch.mock.calls.map(([, offset]) => offset)).toEqual([0, 200, 300, 400]);
    expect(rows.rows.value[420]).toBe('row 420');
    expect(rows.rows.value[150]).toBeUndefined();
  });

  it('drops an answer for another account and one for a replaced query', async () => {
    const { rows, fetch, profile } = source(300);
    fetch.mockImplementationOnce(async (_p, offset, limit) =>
      ok({ profileId: 'us', total: 9, offset, rows: rowsOf(9).slice(0, limit) }),
    );
    await rows.reload();
    expect(rows.total.value).toBeNull();

    let release!: () => void;
    fetch.mockImplementationOnce(async (profileId, offset) => {
      await new Promise<void>((r) => (release = r));
      return ok({ profileId, total: 5, offset, rows: rowsOf(5) });
    });
    const stale = rows.reload();
    const fresh = rows.reload();
    await fresh;
    release();
    await stale;
    expect(rows.total.value).toBe(300);

    profile.id = null;
    await rows.reload();
    expect(rows.rows.value).toEqual([]);
  });

  it('reloads the rows in view when the list is replaced, and shows a failed page as an error', async () => {
    const { rows, fetch, setAll } = source(150);
    await rows.reload();
    rows.ensure(120, 149);
    await flushPromises();
    setAll(rowsOf(120).map((r) => `${r}'`));
    const reloading = rows.reload();
    // Until the new first page answers, the old rows stay on screen.
    expect(rows.rows.value[130]).toBe('row 130');
    await reloading;
    await flushPromises();
    expect(rows.rows.value).toHaveLength(120);
    // The rows in view came again without the table asking (its range did not change).
    expect(rows.rows.value[110]).toBe("row 110'");
    expect(fetch.mock.calls.map(([, offset]) => offset)).toEqual([0, 100, 0, 100]);

    setAll(rowsOf(120));
    fetch.mockResolvedValueOnce(fail('store_closed', 'The store is closed.'));
    await rows.reload();
    expect(rows.error.value?.code).toBe('store_closed');
    // The failed page is asked for again next time it is needed.
    rows.ensure(0, 119);
    await flushPromises();
    expect(rows.error.value).toBeNull();
    expect(rows.rows.value[110]).toBe('row 110');
  });
});
