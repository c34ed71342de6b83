// Export columns: ids, order, labels, and cells made from store rows, read back from a real CSV.
import { describe, expect, it } from 'vitest';
import {
  ASSESSMENT_COLUMNS,
  COMMENT_COLUMNS,
  SCORE_COLUMNS,
  type AssessmentRow,
  type AssessmentScoreRow,
  type CommentRow,
} from '../../../src-preload/contract.ts';
import { AppError } from '../../../src-main/errors.ts';
import {
  allColumnIds,
  cellsOf,
  columnsForView,
  csvLayout,
  exportColumns,
  isoUtc,
  type ExportKind,
} from '../../../src-main/export/columns.ts';
import { encodeCsv } from '../../../src-main/export/csv.ts';
import { collect, expectedCell, parseCsv, textOf } from './helpers.ts';
import { syntheticPages, syntheticRow } from './synthetic-rows.ts';

const comment: CommentRow = {
  sid: 'FM00000000000000000000000000000001',
  segmentId: 'seg-1',
  agentId: 'agent-1',
  agentName: 'Lee, Sam',
  team: 'Support "Gold"',
  queue: null,
  text: 'Good call.\nBut: "=HYPERLINK(…)" was pasted\r\nby the customer',
  tagId: 'b6f2…',
  tag: 'Coaching',
  offset: 12.5,
  weight: 1,
  report: false,
  assessor: '@robin',
  assessorEmail: 'robin@example.com',
  timestamp: 1657329694199,
};

const score: AssessmentScoreRow = {
  assessmentKey: 'seg-1|GQ1|robin@example.com',
  segmentId: 'seg-1',
  agentId: 'agent-1',
  agentName: 'Lee, Sam',
  team: 'Support "Gold"',
  queue: 'billing',
  questionnaireSid: 'GQ1',
  questionnaire: 'Call quality 2024',
  assessor: 'Robin Reviewer',
  assessorEmail: 'robin@example.com',
  timestamp: 1657329694199,
  answered: 9,
  notApplicable: 1,
  unscored: 2,
  score: 83.33333333333333,
  twilioPercentage: 83.33,
  mismatch: false,
};

/** What a cell of column `id` must be for a row: the row's field, the timestamp in both forms. */
function fieldOf(row: AssessmentRow | CommentRow | AssessmentScoreRow, id: string): unknown {
  if (id === 'timestamp') return isoUtc(row.timestamp);
  if (id === 'timestampMs') return row.timestamp;
  return (row as unknown as Record<string, unknown>)[id];
}

describe('column ids', () => {
  it.each([
    ['assessments', ASSESSMENT_COLUMNS],
    ['comments', COMMENT_COLUMNS],
    ['scores', SCORE_COLUMNS],
  ] as const)('%s: the view columns, with the raw timestamp right after the ISO one', (kind, viewColumns) => {
    const ids = allColumnIds(kind);
    expect(ids.filter((id) => id !== 'timestampMs')).toEqual([...viewColumns]);
    expect(ids.indexOf('timestampMs')).toBe(ids.indexOf('timestamp') + 1);
    const labels = exportColumns(kind).map((c) => c.label);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels.every((l) => l.trim() !== '')).toBe(true);
  });

  it('picks the named columns in the order given', () => {
    expect(exportColumns('assessments', ['answer', 'sid', 'timestampMs']).map((c) => c.id)).toEqual([
      'answer',
      'sid',
      'timestampMs',
    ]);
    expect(columnsForView('comments', ['text', 'timestamp', 'agentName']).map((c) => c.id)).toEqual([
      'text',
      'timestamp',
      'timestampMs',
      'agentName',
    ]);
  });

  it.each([
    [['sid', 'nope', 'text'], /Unknown assessments columns?: nope, text\. The columns are: sid, segmentId/],
    [['sid', 'sid'], /once; repeated: sid/],
    [[], /at least one column/],
  ])('refuses %j with a clear message', (ids, message) => {
    let caught: unknown;
    try {
      exportColumns('assessments', ids);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('invalid_request');
    expect((caught as AppError).message).toMatch(message);
  });
});

describe('cells', () => {
  it('formats the timestamp as ISO 8601 UTC with milliseconds, and keeps the raw number', () => {
    expect(isoUtc(0)).toBe('1970-01-01T00:00:00.000Z');
    const iso = isoUtc(comment.timestamp);
    expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Date.parse(iso as string)).toBe(comment.timestamp);
    expect(isoUtc(null)).toBeNull();
    expect(isoUtc(9e15)).toBeNull();
  });

  it.each([
    ['assessments', syntheticRow(12345)],
    ['comments', comment],
    ['scores', score],
  ] as const)('%s: every column takes its field from the row', (kind: ExportKind, row) => {
    const columns = exportColumns(kind);
    const cells = cellsOf(columns as never, row as never);
    expect(cells).toEqual(columns.map((c) => fieldOf(row, c.id)));
  });

  it('a comment with line breaks, quotes and a formula reads back from the file exactly', async () => {
    const columns = exportColumns('comments');
    const text = textOf(await collect(encodeCsv([[comment]], csvLayout(columns))));
    const [head, cells] = parseCsv(text);
    expect(head).toEqual(columns.map((c) => c.label));
    expect(cells).toEqual(columns.map((c) => expectedCell(fieldOf(comment, c.id) as never)));
    expect(cells?.[columns.findIndex((c) => c.id === 'text')]).toBe(comment.text);
  });

  it('2,000 assessment rows in chosen columns read back column by column', async () => {
    const ids = [
      'agentName',
      'question',
      'answer',
      'answerScore',
      'report',
      'timestamp',
      'timestampMs',
      'sid',
    ];
    const columns = exportColumns('assessments', ids);
    const text = textOf(await collect(encodeCsv(syntheticPages(2000, 300), csvLayout(columns))));
    const [head, ...body] = parseCsv(text);
    expect(head).toEqual(columns.map((c) => c.label));
    expect(body).toHaveLength(2000);
    body.forEach((cells, i) => {
      const row = syntheticRow(i);
      expect(cells).toEqual(ids.map((id) => expectedCell(fieldOf(row, id) as never)));
    });
  });
});
