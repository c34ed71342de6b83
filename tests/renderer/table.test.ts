import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, nextTick, ref } from 'vue';
import QTable from '../../src-renderer/src/components/QTable.vue';
import type { QColumn } from '../../src-renderer/src/components/table.ts';

interface Row {
  id: string;
  score: number;
}

const VIEWPORT = 300;
const ROW = 30;

const rowsOf = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: `SEG${i}`, score: i * 1.5 }));
const columns: QColumn<Row>[] = [
  { key: 'id', label: 'Segment', mono: true, value: (r) => r.id },
  { key: 'score', label: 'Score', numeric: true, width: '80px', value: (r) => r.score },
];

let wrapper: VueWrapper | null = null;

function mountTable(rows: Row[]) {
  const active = ref(-1);
  const activated: number[] = [];
  const Host = defineComponent(
    () => () =>
      h(
        QTable<Row>,
        {
          rows,
          columns,
          rowKey: (r: Row) => r.id,
          label: 'Segments',
          rowHeight: ROW,
          activeIndex: active.value,
          'onUpdate:activeIndex': (i: number) => (active.value = i),
          onActivate: (_row: Row, i: number) => activated.push(i),
        },
        { empty: () => h('p', { class: 'nothing' }, 'Nothing here yet.') },
      ),
  );
  wrapper = mount(Host, { attachTo: document.body });
  const grid = () => wrapper!.find('[role="grid"]');
  const renderedIndexes = () =>
    wrapper!.findAll('[role="row"][data-index]').map((r) => Number(r.attributes('data-index')));
  const key = async (k: string) => {
    await grid().trigger('keydown', { key: k });
    // happy-dom moves scrollTop but, having no layout, never fires the scroll event a browser would.
    grid().element.dispatchEvent(new Event('scroll'));
    await flushPromises();
  };
  return { active, activated, grid, renderedIndexes, key };
}

beforeEach(() => {
  // happy-dom does no layout: give the scroll box a height so the virtualizer has a viewport.
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.getAttribute('role') === 'grid' ? VIEWPORT : 0;
  });
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(800);
  vi.spyOn(HTMLElement.prototype, 'scrollHeight', 'get').mockImplementation(function (this: HTMLElement) {
    const body = this.querySelector<HTMLElement>('.tbody');
    return this.getAttribute('role') === 'grid' ? ROW + (body ? parseFloat(body.style.height) : 0) : 0;
  });
});

afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  vi.restoreAllMocks();
});

describe('QTable', () => {
  it('renders only a window of rows for 10 000 rows, and the whole height', async () => {
    const t = mountTable(rowsOf(10_000));
    await flushPromises();
    const rendered = t.renderedIndexes();
    expect(rendered.length).toBeGreaterThanOrEqual(VIEWPORT / ROW);
    expect(rendered.length).toBeLessThan(60);
    expect(rendered[0]).toBe(0);
    expect(t.grid().attributes('aria-rowcount')).toBe('10001');
    const body = t.grid().find('[role="rowgroup"] + [role="rowgroup"]');
    expect(body.attributes('style')).toContain(`height: ${10_000 * ROW}px`);
  });

  it('right-aligns numeric columns and renders cell values', async () => {
    const t = mountTable(rowsOf(3));
    await flushPromises();
    const cells = t.grid().findAll('[data-index="1"] [role="gridcell"]');
    expect(cells.map((c) => c.text())).toEqual(['SEG1', '1.5']);
    expect(cells[1]!.classes()).toContain('numeric');
    expect(t.grid().findAll('[role="columnheader"]')[1]!.classes()).toContain('numeric');
  });

  it('moves the active row with the arrows, Home/End and activates with Enter', async () => {
    const t = mountTable(rowsOf(10_000));
    await flushPromises();
    await t.key('ArrowDown');
    expect(t.active.value).toBe(0);
    await t.key('ArrowDown');
    await t.key('ArrowDown');
    expect(t.active.value).toBe(2);
    expect(t.grid().attributes('aria-activedescendant')).toBe(
      t.grid().find('[data-index="2"]').attributes('id'),
    );
    expect(t.grid().find('[data-index="2"]').attributes('aria-selected')).toBe('true');
    await t.key('ArrowUp');
    expect(t.active.value).toBe(1);
    await t.key('Enter');
    expect(t.activated).toEqual([1]);

    await t.key('End');
    expect(t.active.value).toBe(9_999);
    // The virtualizer scrolled: the last row is now in the DOM and the first is not.
    expect(t.renderedIndexes()).toContain(9_999);
    expect(t.renderedIndexes()).not.toContain(0);
    await t.key('ArrowDown');
    expect(t.active.value).toBe(9_999);
    await t.key('Home');
    expect(t.active.value).toBe(0);
    expect(t.renderedIndexes()).toContain(0);
  });

  it('activates a row on double click and selects it on click', async () => {
    const t = mountTable(rowsOf(5));
    await flushPromises();
    await t.grid().find('[data-index="3"]').trigger('click');
    expect(t.active.value).toBe(3);
    await t.grid().find('[data-index="4"]').trigger('dblclick');
    expect(t.activated).toEqual([4]);
  });

  it('shows the empty slot when there are no rows', async () => {
    const t = mountTable([]);
    await nextTick();
    expect(t.grid().find('.nothing').text()).toBe('Nothing here yet.');
    expect(t.renderedIndexes()).toEqual([]);
    await t.key('ArrowDown');
    expect(t.active.value).toBe(-1);
  });
});
