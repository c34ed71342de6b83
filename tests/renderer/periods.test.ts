import { describe, expect, it } from 'vitest';
import { periodRange, periodTitle, unitOf } from '../../src-renderer/src/insights/periods.ts';
import { leniencyLabel, scoreText, signedText, trendView } from '../../src-renderer/src/insights/format.ts';

const DAY = 86_400_000;

describe('score periods', () => {
  it('turns a week named by its Monday into that week, until Sunday’s last millisecond', () => {
    expect(periodRange('2025-03-03', 'week')).toEqual({
      since: Date.UTC(2025, 2, 3),
      until: Date.UTC(2025, 2, 10) - 1,
    });
    expect(periodRange('2025-03-03', 'day')).toEqual({
      since: Date.UTC(2025, 2, 3),
      until: Date.UTC(2025, 2, 4) - 1,
    });
  });

  it('reads months and ISO weeks too, across a year boundary', () => {
    expect(periodRange('2024-12')).toEqual({ since: Date.UTC(2024, 11, 1), until: Date.UTC(2025, 0, 1) - 1 });
    expect(periodRange('2025-02')!.until - periodRange('2025-02')!.since).toBe(28 * DAY - 1);
    // ISO week 1 of 2025 starts on Monday 30 December 2024; week 10 on 3 March.
    expect(periodRange('2025-W01')!.since).toBe(Date.UTC(2024, 11, 30));
    expect(periodRange('2025-W10')).toEqual(periodRange('2025-03-03', 'week'));
    expect(periodRange('last week')).toBeNull();
  });

  it('tells weeks from days by their names', () => {
    expect(unitOf(['2025-03-03', '2025-03-17', '2025-04-07'])).toBe('week');
    expect(unitOf(['2025-03-03'])).toBe('week');
    expect(unitOf(['2025-03-03', '2025-03-04'])).toBe('day');
    expect(unitOf(['2025-03-05', '2025-03-12'])).toBe('day');
    expect(unitOf(['2025-01', '2025-02'])).toBe('month');
    expect(periodTitle('2025-03-03', 'week')).toMatch(/^Week of /);
  });
});

describe('figures in words', () => {
  it('says a trend with an arrow and a signed number, never colour alone', () => {
    expect(trendView(3.24)).toMatchObject({ direction: 'up', text: `▲ ${signedText(3.2)}` });
    expect(trendView(-1.26)).toMatchObject({ direction: 'down', text: `▼ ${signedText(-1.3)}` });
    expect(trendView(0.04)).toMatchObject({ direction: 'flat' });
    expect(trendView(null)).toMatchObject({ direction: 'none', text: '—' });
    expect(trendView(-1.26).label).toBe('Down 1.3 points over 30 days');
  });

  it('rounds scores to one decimal and names leniency', () => {
    expect(scoreText(82.449)).toBe(`${(82.4).toLocaleString(undefined, { minimumFractionDigits: 1 })}%`);
    expect(scoreText(null)).toBe('—');
    expect(leniencyLabel(2.04)).toBe('2.0 points more lenient');
    expect(leniencyLabel(-0.96)).toBe('1.0 points stricter');
    expect(leniencyLabel(0.02)).toBe('In line with the other assessors');
  });
});
