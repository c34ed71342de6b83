import { describe, expect, it } from 'vitest';
import { nextSort } from '../../src-renderer/src/components/table.ts';
import { COLUMN_DEFS } from '../../src-renderer/src/data/columns.ts';
import {
  activeFields,
  cleanFilters,
  dayEnd,
  dayInputValue,
  dayStart,
  filterCountText,
  lastDays,
  parsePercent,
  sameFilters,
  scoreRangeText,
  withoutField,
} from '../../src-renderer/src/data/filters.ts';
import { aroundFirstMatch, highlightParts } from '../../src-renderer/src/data/highlight.ts';
import {
  defaultLayout,
  moveColumn,
  normaliseLayout,
  visibleDefs,
} from '../../src-renderer/src/data/layout.ts';
import { loadState, saveState } from '../../src-renderer/src/data/review-state.ts';
import {
  NO_SELECTION,
  clip,
  extendTo,
  has,
  selectAll,
  selectOnly,
  sizeOf,
  toggle,
} from '../../src-renderer/src/data/selection.ts';

describe('sort keys', () => {
  it('a click sorts by one column and reverses it; Shift+click adds keys up to three', () => {
    let sort = nextSort([], 'agentName', false, 'asc');
    expect(sort).toEqual([{ column: 'agentName', dir: 'asc' }]);
    sort = nextSort(sort, 'agentName', false, 'asc');
    expect(sort).toEqual([{ column: 'agentName', dir: 'desc' }]);
    sort = nextSort(sort, 'timestamp', true, 'desc');
    sort = nextSort(sort, 'answerScore', true, 'desc');
    expect(sort.map((k) => `${k.column} ${k.dir}`)).toEqual([
      'agentName desc',
      'timestamp desc',
      'answerScore desc',
    ]);
    // Shift on a key already there reverses just that key.
    sort = nextSort(sort, 'timestamp', true, 'desc');
    expect(sort[1]).toEqual({ column: 'timestamp', dir: 'asc' });
    // A fourth key replaces the last one: the store takes three.
    sort = nextSort(sort, 'team', true, 'asc');
    expect(sort.map((k) => k.column)).toEqual(['agentName', 'timestamp', 'team']);
    // A plain click on one of several keys makes it the only one, keeping its direction.
    expect(nextSort(sort, 'timestamp', false, 'desc')).toEqual([{ column: 'timestamp', dir: 'asc' }]);
  });
});

describe('table layout', () => {
  const defs = COLUMN_DEFS.assessments;

  it('starts with the default columns, newest first', () => {
    const layout = defaultLayout(defs);
    const shown = visibleDefs(defs, layout).map((d) => d.key);
    expect(shown[0]).toBe('timestamp');
    expect(shown).not.toContain('sid');
    expect(layout.order).toHaveLength(defs.length);
    expect(layout.sort).toEqual([{ column: 'timestamp', dir: 'desc' }]);
  });

  it('moves a shown column; hidden columns travel with the column before them', () => {
    const layout = { ...defaultLayout(defs), order: ['a', 'h1', 'b', 'c', 'h2', 'd'], hidden: ['h1', 'h2'] };
    expect(moveColumn(layout, 'a', 2)).toEqual(['b', 'c', 'h2', 'a', 'h1', 'd']);
    expect(moveColumn(layout, 'd', 0)).toEqual(['d', 'a', 'h1', 'b', 'c', 'h2']);
    expect(moveColumn(layout, 'b', 99)).toEqual(['a', 'h1', 'c', 'h2', 'd', 'b']);
    expect(moveColumn(layout, 'h1', 0)).toEqual(layout.order);
  });

  it('makes a stored layout safe: unknown columns out, new ones in, widths clamped, bad sort keys dropped', () => {
    const stored = {
      order: ['team', 'gone', 'timestamp', 'team'],
      hidden: ['team', 'gone'],
      widths: { team: 5, agentName: 5000, gone: 100 },
      sort: [
        { column: 'gone', dir: 'asc' as const },
        { column: 'team', dir: 'asc' as const },
      ],
      offset: -3,
    };
    const layout = normaliseLayout(stored, defs);
    expect(layout.order.slice(0, 2)).toEqual(['team', 'timestamp']);
    expect(new Set(layout.order)).toEqual(new Set(defs.map((d) => d.key)));
    expect(layout.hidden).toContain('team');
    expect(layout.hidden).toContain('sid');
    expect(layout.hidden).not.toContain('gone');
    expect(layout.widths).toEqual({ team: 48, agentName: 1200 });
    expect(layout.sort).toEqual([{ column: 'team', dir: 'asc' }]);
    expect(layout.offset).toBe(0);
  });
});

describe('filters', () => {
  it('drops empty parts, counts chips (a date range is one) and names the count', () => {
    const filters = { teams: [], agentIds: ['a', 'a', 'b'], text: '  ', since: 1, until: 2, report: false };
    expect(cleanFilters(filters)).toEqual({ agentIds: ['a', 'b'], since: 1, until: 2, report: false });
    expect(activeFields(filters)).toEqual(['agentIds', 'date', 'report']);
    expect(filterCountText(filters)).toBe('3 filters');
    expect(filterCountText({ text: 'refund' })).toBe('1 filter');
    expect(withoutField(filters, 'date')).toEqual({ agentIds: ['a', 'b'], report: false });
    expect(sameFilters({ teams: ['b', 'a'] }, { teams: ['a', 'b'], queues: [] })).toBe(true);
    expect(sameFilters({ teams: ['a'] }, { teams: ['a'], report: true })).toBe(false);
  });

  it('takes a score range as one chip, reading typed percentages', () => {
    const filters = { scoreMin: 60, scoreMax: 80, teams: ['A'] };
    expect(activeFields(filters)).toEqual(['teams', 'score']);
    expect(withoutField(filters, 'score')).toEqual({ teams: ['A'] });
    expect(cleanFilters({ scoreMin: 0 })).toEqual({ scoreMin: 0 });
    expect(scoreRangeText(60, 80)).toBe('60–80 %');
    expect(scoreRangeText(72.5, undefined)).toBe('at least 72.5 %');
    expect(scoreRangeText(undefined, 40)).toBe('at most 40 %');
    expect([' 72,5 % ', '', '101', 'abc', '0'].map(parsePercent)).toEqual([72.5, undefined, null, null, 0]);
  });

  it('reads days in the reviewer’s time zone, both ends included', () => {
    const since = dayStart('2025-03-07')!;
    const until = dayEnd('2025-03-07')!;
    expect(new Date(since).getHours()).toBe(0);
    expect(until - since).toBe(new Date(2025, 2, 8).getTime() - new Date(2025, 2, 7).getTime() - 1);
    expect(dayInputValue(since)).toBe('2025-03-07');
    expect(dayInputValue(until)).toBe('2025-03-07');
    expect(dayStart('')).toBeUndefined();
    const week = lastDays(7, new Date(2025, 2, 10, 15, 30));
    expect(dayInputValue(week.since)).toBe('2025-03-04');
    expect(dayInputValue(week.until)).toBe('2025-03-10');
  });
});

describe('selection', () => {
  it('selects, extends from the anchor, toggles and clips as ranges', () => {
    let s = selectOnly(5);
    s = extendTo(s, 9);
    expect(s.ranges).toEqual([[5, 9]]);
    s = extendTo(s, 2);
    expect(s.ranges).toEqual([[2, 5]]);
    expect(s.anchor).toBe(5);
    expect(sizeOf(s)).toBe(4);
    s = toggle(selectOnly(3), 4);
    expect(s.ranges).toEqual([[3, 4]]);
    s = toggle(selectAll(1_000_000), 500);
    expect(s.ranges).toEqual([
      [0, 499],
      [501, 999_999],
    ]);
    expect(sizeOf(s)).toBe(999_999);
    expect(has(s, 500)).toBe(false);
    expect(clip(s, 300).ranges).toEqual([[0, 299]]);
    expect(clip(selectOnly(10), 5)).toBe(NO_SELECTION);
  });
});

describe('highlight', () => {
  it('turns the store’s match marks into text parts, never markup', () => {
    const parts = highlightParts('Offered a \u0002refund\u0003 <b>now</b> and a \u0002refund\u0003');
    expect(parts).toEqual([
      { text: 'Offered a ', match: false },
      { text: 'refund', match: true },
      { text: ' <b>now</b> and a ', match: false },
      { text: 'refund', match: true },
    ]);
    expect(highlightParts('no marks')).toEqual([{ text: 'no marks', match: false }]);
    expect(highlightParts('stray \u0003end')).toEqual([{ text: 'stray end', match: false }]);
  });

  it('shows a cell from just before its first match', () => {
    const parts = highlightParts(
      'The agent greeted the caller warmly and then offered a \u0002refund\u0003 at once',
    );
    expect(aroundFirstMatch(parts, 12).map((p) => p.text)).toEqual(['…offered a ', 'refund', ' at once']);
    const short = highlightParts('A \u0002refund\u0003');
    expect(aroundFirstMatch(short, 12)).toEqual(short);
  });
});

describe('remembered review state', () => {
  it('round-trips per account and falls back part by part on bad input', () => {
    const state = loadState('eu');
    state.filters = { teams: ['Team 1'] };
    state.tab = 'comments';
    state.tables.comments.offset = 900;
    saveState('eu', state);
    expect(loadState('eu').filters).toEqual({ teams: ['Team 1'] });
    expect(loadState('eu').tables.comments.offset).toBe(900);
    expect(loadState('us').filters).toEqual({});

    localStorage.setItem(
      'qm-desk.review.v1.eu',
      JSON.stringify({
        filters: { teams: 'not a list' },
        tab: 'nope',
        tables: { scores: { offset: 'x' } },
        labels: {},
      }),
    );
    const repaired = loadState('eu');
    expect(repaired.filters).toEqual({});
    expect(repaired.tab).toBe('assessments');
    expect(repaired.tables.scores.offset).toBe(0);
    localStorage.setItem('qm-desk.review.v1.eu', '{not json');
    expect(loadState('eu').tab).toBe('assessments');
    localStorage.clear();
  });
});
