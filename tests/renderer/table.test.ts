import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, nextTick, ref } from 'vue';
import DataTable from '../../src-renderer/src/components/DataTable.vue';
import QTable from '../../src-renderer/src/components/QTable.vue';
import type { QColumn } from '../../src-renderer/src/components/table.ts';
import type { TableSource } from '../../src-renderer/src/data/range-source.ts';
import { MAX_SCROLL_HEIGHT } from '../../src-renderer/src/data/scroll-map.ts';
import { NO_SELECTION, type RowSelection } from '../../src-renderer/src/data/selection.ts';

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

// ---- DataTable: a data source, the scaled scroller, selection, sort, resize and reorder ----------

interface Big {
  id: string;
  n: number;
}

/** A source of `count` rows made on demand (nothing the size of the list exists); `missing` rows have not arrived. */
function bigSource(count: number, missing: (i: number) => boolean = () => false) {
  const ensured: Array<[number, number]> = [];
  const source: TableSource<Big> = {
    count: () => count,
    get: (i) => (i < 0 || i >= count || missing(i) ? undefined : { id: `R${i}`, n: i }),
    ensure: (start, end) => ensured.push([start, end]),
  };
  return { source, ensured };
}

const bigColumns: QColumn<Big>[] = [
  { key: 'id', label: 'Row', width: 120, sortable: true, value: (r) => r.id },
  { key: 'n', label: 'Number', width: 90, numeric: true, sortable: true, value: (r) => r.n },
  { key: 'half', label: 'Half', width: 90, numeric: true, value: (r) => r.n / 2 },
];

function mountData(source: TableSource<Big>, extra: Record<string, unknown> = {}) {
  const events: Record<string, unknown[][]> = {};
  const record =
    (name: string) =>
    (...args: unknown[]) =>
      (events[name] ??= []).push(args);
  const state = ref({ active: -1, offset: 0, selection: NO_SELECTION as RowSelection });
  const Host = defineComponent(
    () => () =>
      h(DataTable<Big>, {
        source,
        columns: bigColumns,
        rowKey: (r: Big) => r.id,
        label: 'Rows',
        rowHeight: ROW,
        overscan: 4,
        multiselect: true,
        arrangeable: true,
        activeIndex: state.value.active,
        'onUpdate:activeIndex': (i: number) => (state.value.active = i),
        offset: state.value.offset,
        'onUpdate:offset': (o: number) => (state.value.offset = o),
        selection: state.value.selection,
        'onUpdate:selection': (s: RowSelection) => (state.value.selection = s),
        onSort: record('sort'),
        onResize: record('resize'),
        onMove: record('move'),
        onCopyRows: record('copyRows'),
        onActivate: record('activate'),
        ...extra,
      }),
  );
  wrapper = mount(Host, { attachTo: document.body });
  const grid = () => wrapper!.find('[role="grid"]');
  const rendered = () => wrapper!.findAll('[role="row"][data-index]');
  const indexes = () => rendered().map((r) => Number(r.attributes('data-index')));
  const key = async (k: string, init: KeyboardEventInit = {}) => {
    await grid().trigger('keydown', { key: k, ...init });
    await flushPromises();
  };
  /** The browser scrolls the box (a drag of the scrollbar): set scrollTop and fire the event. */
  const scrollTo = async (top: number) => {
    grid().element.scrollTop = top;
    grid().element.dispatchEvent(new Event('scroll'));
    await flushPromises();
  };
  const topOf = (index: number) => {
    const style = wrapper!.find(`[data-index="${index}"]`).attributes('style') ?? '';
    return Number(/translateY\((-?[\d.e+]+)px\)/.exec(style)?.[1]);
  };
  return { events, state, grid, rendered, indexes, key, scrollTo, topOf };
}

describe('DataTable over a million rows', () => {
  const MILLION = 1_000_000;
  const BODY = VIEWPORT - ROW;

  it('lays out a capped box, renders a window and asks the source for just that range', async () => {
    const { source, ensured } = bigSource(MILLION);
    const t = mountData(source);
    await flushPromises();
    const body = t.grid().find('.tbody');
    expect(body.attributes('style')).toContain(`height: ${MAX_SCROLL_HEIGHT}px`);
    expect(t.grid().attributes('aria-rowcount')).toBe(String(MILLION + 1));
    expect(t.indexes()[0]).toBe(0);
    expect(t.rendered().length).toBeLessThanOrEqual(BODY / ROW + 4 + 1);
    expect(ensured.at(-1)).toEqual([0, Math.ceil(BODY / ROW) - 1 + 4]);
  });

  it('maps a scrollbar drag proportionally, and the very bottom shows the last row at the bottom edge', async () => {
    const { source, ensured } = bigSource(MILLION);
    const t = mountData(source);
    await flushPromises();
    const maxTop = MAX_SCROLL_HEIGHT - BODY;
    await t.scrollTo(maxTop / 2);
    const middle = Math.floor((MILLION * ROW - BODY) / 2 / ROW);
    expect(t.indexes()).toContain(middle);
    expect(ensured.at(-1)![0]).toBeLessThanOrEqual(middle);
    expect(t.rendered().length).toBeLessThanOrEqual(200);

    await t.scrollTo(maxTop);
    expect(t.indexes().at(-1)).toBe(MILLION - 1);
    // Row tops are inside the box: the last row ends exactly where the rows' area ends.
    expect(t.topOf(MILLION - 1) + ROW).toBe(MAX_SCROLL_HEIGHT);
    expect(t.state.value.offset).toBe(MILLION * ROW - BODY);
    expect(t.rendered().length).toBeLessThanOrEqual(200);
  });

  it('moves by keyboard to the last row and back, exactly, whatever the scale', async () => {
    const { source } = bigSource(MILLION);
    const t = mountData(source);
    await flushPromises();
    await t.key('End');
    expect(t.state.value.active).toBe(MILLION - 1);
    expect(t.indexes()).toContain(MILLION - 1);
    expect(t.grid().attributes('aria-activedescendant')).toBe(
      t
        .grid()
        .find(`[data-index="${MILLION - 1}"]`)
        .attributes('id'),
    );
    await t.key('ArrowUp');
    await t.key('PageUp');
    expect(t.state.value.active).toBe(MILLION - 2 - (Math.floor(BODY / ROW) - 1));
    expect(t.indexes()).toContain(t.state.value.active);
    await t.key('Home');
    expect(t.indexes()[0]).toBe(0);
    expect(t.state.value.offset).toBe(0);
  });

  it('scrolls the wheel’s own distance in a scaled box (not thousands of rows per notch)', async () => {
    const { source } = bigSource(MILLION);
    const t = mountData(source);
    await flushPromises();
    const wheel = new WheelEvent('wheel', { deltaY: 90, bubbles: true, cancelable: true });
    t.grid().element.dispatchEvent(wheel);
    await flushPromises();
    expect(wheel.defaultPrevented).toBe(true);
    expect(t.state.value.offset).toBe(90);
    expect(t.indexes()[0]).toBe(0);
    expect(t.indexes()).toContain(3 + Math.ceil(BODY / ROW));
  });

  it('restores a remembered position once the count is known', async () => {
    let count = 0;
    const source: TableSource<Big> = {
      count: () => count,
      get: (i) => (i < count ? { id: `R${i}`, n: i } : undefined),
      ensure: () => undefined,
    };
    const counted = ref(0);
    const reactiveSource: TableSource<Big> = { ...source, count: () => (void counted.value, count) };
    const t = mountData(reactiveSource);
    t.state.value.offset = 300_000 * ROW;
    await flushPromises();
    count = MILLION;
    counted.value++;
    await flushPromises();
    expect(t.state.value.offset).toBe(300_000 * ROW);
    expect(t.indexes()).toContain(300_000);
  });

  it('shows placeholder rows until their rows arrive', async () => {
    const { source } = bigSource(MILLION, (i) => i >= 5);
    const t = mountData(source);
    await flushPromises();
    const busy = t.rendered().filter((r) => r.attributes('aria-busy') === 'true');
    expect(busy.length).toBe(t.rendered().length - 5);
    expect(busy[0]!.find('.placeholder').exists()).toBe(true);
    await t.key('ArrowDown');
    await t.key('End');
    await t.key('Enter');
    expect(t.events['activate']).toBeUndefined();
  });
});

describe('DataTable selection and copy', () => {
  it('selects with click, Shift+click, Ctrl+click, Shift+arrows, Space and Ctrl+A; Ctrl+C asks to copy it', async () => {
    const { source } = bigSource(50);
    const t = mountData(source);
    await flushPromises();
    await t.grid().find('[data-index="2"]').trigger('click');
    await t.grid().find('[data-index="5"]').trigger('click', { shiftKey: true });
    expect(t.state.value.selection.ranges).toEqual([[2, 5]]);
    await t.grid().find('[data-index="8"]').trigger('click', { ctrlKey: true });
    expect(t.state.value.selection.ranges).toEqual([
      [2, 5],
      [8, 8],
    ]);
    expect(t.grid().findAll('[aria-selected="true"]')).toHaveLength(5);
    await t.key('c', { ctrlKey: true });
    expect(t.events['copyRows']).toEqual([[t.state.value.selection]]);

    await t.key('ArrowDown', { shiftKey: true });
    await t.key('ArrowDown', { shiftKey: true });
    expect(t.state.value.selection.ranges).toEqual([[8, 10]]);
    await t.key(' ');
    expect(t.state.value.selection.ranges).toEqual([[8, 9]]);
    await t.key('a', { metaKey: true });
    expect(t.state.value.selection.ranges).toEqual([[0, 49]]);
    await t.key('ArrowUp');
    expect(t.state.value.selection.ranges).toEqual([[9, 9]]);
  });
});

describe('DataTable headers', () => {
  it('asks to sort on click (Shift adds a key) and shows every key with its rank', async () => {
    const { source } = bigSource(10);
    const t = mountData(source, {
      sort: [
        { column: 'n', dir: 'desc' },
        { column: 'id', dir: 'asc' },
      ],
    });
    await flushPromises();
    await t.grid().find('[data-testid="sort-id"]').trigger('click');
    await t.grid().find('[data-testid="sort-n"]').trigger('click', { shiftKey: true });
    expect(t.events['sort']).toEqual([
      ['id', false],
      ['n', true],
    ]);
    const headers = t.grid().findAll('[role="columnheader"]');
    expect(headers.map((h) => h.attributes('aria-sort'))).toEqual(['ascending', 'descending', undefined]);
    expect(headers[1]!.find('.sort-mark').text()).toBe('▼1');
    expect(headers[0]!.find('.sort-mark').text()).toBe('▲2');
  });

  it('resizes a column from the keyboard and by dragging its edge; double-click resets', async () => {
    const { source } = bigSource(10);
    const t = mountData(source);
    await flushPromises();
    const edge = t.grid().find('[data-testid="resize-id"]');
    expect(edge.attributes('role')).toBe('separator');
    expect(edge.attributes('aria-label')).toBe('Resize column Row');
    expect(edge.attributes('aria-valuenow')).toBe('120');
    await edge.trigger('keydown', { key: 'ArrowRight' });
    await edge.trigger('keydown', { key: 'ArrowLeft', shiftKey: true });
    edge.element.dispatchEvent(new PointerEvent('pointerdown', { button: 0, clientX: 100, bubbles: true }));
    window.dispatchEvent(new PointerEvent('pointermove', { clientX: 160 }));
    window.dispatchEvent(new PointerEvent('pointermove', { clientX: 20 }));
    window.dispatchEvent(new PointerEvent('pointerup', { clientX: 20 }));
    window.dispatchEvent(new PointerEvent('pointermove', { clientX: 400 }));
    await edge.trigger('dblclick');
    // Keys on the headers stay there: Home resets the width, it does not move the rows.
    await t.key('ArrowDown');
    await edge.trigger('keydown', { key: 'End' });
    await t.grid().find('[data-testid="sort-id"]').trigger('keydown', { key: 'Enter' });
    expect(t.state.value.active).toBe(0);
    expect(t.events['activate']).toBeUndefined();
    expect(t.events['resize']).toEqual([
      ['id', 130],
      ['id', 80],
      ['id', 180],
      ['id', 48],
      ['id', null],
    ]);
  });

  it('moves a column with Alt+arrows and by dragging its header (the drop is not a sort)', async () => {
    const { source } = bigSource(10);
    const t = mountData(source);
    await flushPromises();
    await t.grid().find('[data-testid="sort-id"]').trigger('keydown', { key: 'ArrowRight', altKey: true });
    await t.grid().find('[data-testid="sort-n"]').trigger('keydown', { key: 'ArrowLeft', altKey: true });
    await t.grid().find('[data-testid="sort-id"]').trigger('keydown', { key: 'ArrowLeft', altKey: true });
    expect(t.events['move']).toEqual([
      ['id', 1],
      ['n', 0],
    ]);

    // Header cells side by side: Row 0–120, Number 120–210, Half 210–300.
    const lefts: Record<string, number> = { id: 0, n: 120, half: 210 };
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const key = this.dataset['column'] ?? '';
      const width = bigColumns.find((c) => c.key === key)?.width as number | undefined;
      return new DOMRect(lefts[key] ?? 0, 0, width ?? 0, ROW);
    });
    const header = t.grid().find('[data-testid="sort-id"]');
    header.element.dispatchEvent(new PointerEvent('pointerdown', { button: 0, clientX: 50, bubbles: true }));
    window.dispatchEvent(new PointerEvent('pointermove', { clientX: 280 }));
    await flushPromises();
    expect(t.grid().find('[data-column="id"]').classes()).toContain('dragging');
    expect(t.grid().find('[data-column="half"]').classes()).toContain('drop-after');
    window.dispatchEvent(new PointerEvent('pointerup', { clientX: 280 }));
    await header.trigger('click');
    expect(t.events['move']).toEqual([
      ['id', 1],
      ['n', 0],
      ['id', 2],
    ]);
    expect(t.events['sort']).toBeUndefined();
  });
});
