import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AssessmentRecordDetail, RowDetail } from '../../src-preload/contract.ts';
import RowDrawer from '../../src-renderer/src/components/RowDrawer.vue';
import { COLUMN_DEFS } from '../../src-renderer/src/data/columns.ts';
import { useAccountsStore } from '../../src-renderer/src/stores/accounts.ts';
import { useReviewStore } from '../../src-renderer/src/stores/review.ts';
import {
  accountsState,
  assessmentRow,
  commentRow,
  createFakeQm,
  emptyStore,
  fail,
  profile,
  scoreRow,
  storedSegment,
  type FakeQm,
} from './fake-qm.ts';

const EU = profile({ id: 'eu', label: 'Support EU' });

const record = (
  i: number,
  answerScore: number | null,
  maxScore: number,
  weight: number,
  notApplicable = false,
): AssessmentRecordDetail => ({
  sid: assessmentRow(i).sid,
  questionSid: `GE000${i}`,
  question: `Question ${i}`,
  category: i % 2 ? 'Empathy' : 'Accuracy',
  answer: notApplicable ? 'N/A' : answerScore === maxScore ? 'Yes' : 'Partly',
  answerScore,
  maxScore,
  weight,
  notApplicable,
});

/** An assessment of four questions: 10/10×2 + 5/10×1 + N/A + 0/5×1 → 25 of 35 points = 71.43 %. */
const RECORDS = [record(0, 10, 10, 2), record(1, 5, 10, 1), record(2, null, 10, 1, true), record(3, 0, 5, 1)];
const POINTS = 10 * 2 + 5 * 1 + 0 * 1;
const MAX = 10 * 2 + 10 * 1 + 5 * 1;
const SCORE = (POINTS / MAX) * 100;
const TWILIO = 66.5;

function fixture(overrides: Partial<RowDetail> = {}): RowDetail {
  const row = assessmentRow(1, { answerScore: 5 });
  const assessment = {
    ...scoreRow(0, {
      segmentId: row.segmentId,
      score: SCORE,
      twilioPercentage: TWILIO,
      mismatch: true,
      answered: 3,
      notApplicable: 1,
    }),
    records: RECORDS,
  };
  return {
    profileId: 'eu',
    kind: 'assessments',
    row,
    raw: {
      sid: row.sid,
      segment_id: row.segmentId,
      unknown_field: { kept: true },
      answer_text: '<script>x</script>',
    },
    assessment,
    segment: storedSegment(0, { segmentId: row.segmentId! }),
    siblings: {
      assessments: [
        assessment,
        scoreRow(1, { segmentId: row.segmentId, assessor: 'second', mismatch: false }),
      ],
      comments: [commentRow(0, { segmentId: row.segmentId }), commentRow(1, { segmentId: row.segmentId })],
    },
    ...overrides,
  };
}

let fake: FakeQm;
let wrapper: VueWrapper | null = null;

async function open(detail: RowDetail = fixture()) {
  fake = createFakeQm({
    accounts: accountsState({ profiles: [EU], activeId: 'eu' }),
    store: { ...emptyStore(), details: { [detail.row.sid]: detail } },
  }).install();
  const pinia = createPinia();
  setActivePinia(pinia);
  await useAccountsStore().start();
  const review = useReviewStore();
  const closed: number[] = [];
  wrapper = mount(RowDrawer, {
    global: { plugins: [pinia] },
    attachTo: document.body,
    props: { onClose: () => closed.push(1) },
  });
  await review.openRow(detail.kind, detail.row.sid);
  await flushPromises();
  return { review, closed };
}

const $ = (testid: string) => wrapper!.find(`[data-testid="${testid}"]`);

beforeEach(() => localStorage.clear());
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

describe('detail drawer', () => {
  it('shows the whole assessment: every answer, its score and weight, the computed score beside Twilio’s', async () => {
    await open();
    expect($('drawer-score').text()).toBe(`${SCORE.toFixed(2)} %`);
    expect($('drawer-twilio').text()).toBe(`${TWILIO.toFixed(2)} %`);
    // A mismatch is said in words, with an icon: never by colour alone.
    const verdict = $('drawer-verdict');
    expect(verdict.text()).toBe(`Differs by ${(SCORE - TWILIO).toFixed(2)} points`);
    expect(verdict.find('svg').exists()).toBe(true);

    const rows = $('drawer-records').findAll('tbody tr');
    const cells = (r: (typeof rows)[number]) => {
      const [question, ...rest] = r.findAll('td');
      return [
        question!.find('.question').text(),
        question!.find('.category').text(),
        ...rest.map((td) => td.text()),
      ];
    };
    expect(rows.map(cells)).toEqual([
      ['Question 0', 'Accuracy', 'Yes', '10 / 10', '2'],
      ['Question 1', 'Empathy', 'Partly', '5 / 10', '1'],
      ['Question 2', 'Accuracy', 'N/A', 'N/A', '1'],
      ['Question 3', 'Empathy', 'Partly', '0 / 5', '1'],
    ]);
    // The row that was opened is marked among them.
    expect(rows[1]!.attributes('aria-current')).toBe('true');
    const foot = $('drawer-records').find('tfoot');
    expect(foot.find('th').text()).toBe('Weighted points (N/A not counted)');
    expect(foot.find('td').text()).toBe(`${POINTS} / ${MAX}`);
    expect($('drawer-assessment').text()).toContain('3 answered, 1 N/A');
  });

  it('says when the figures match, and when Twilio reports none', async () => {
    const base = fixture();
    await open(fixture({ assessment: { ...base.assessment!, twilioPercentage: SCORE, mismatch: false } }));
    expect($('drawer-verdict').text()).toBe('Matches');
    wrapper!.unmount();
    await open(fixture({ assessment: { ...base.assessment!, twilioPercentage: null, mismatch: false } }));
    expect($('drawer-twilio').text()).toBe('—');
    expect($('drawer-verdict').text()).toBe('Twilio reports no percentage');
  });

  it('lists every field of the row, IDs with copy, dates local with UTC on hover', async () => {
    await open();
    const labels = $('drawer-fields')
      .findAll('dt')
      .map((d) => d.text());
    expect(labels).toEqual(COLUMN_DEFS.assessments.map((d) => d.label));
    const sid = $('drawer-fields').find('[data-field="sid"] .short-id');
    expect(sid.attributes('title')).toBe(assessmentRow(1).sid);
    expect(sid.find('button').attributes('aria-label')).toBe(`Copy Record SID ${assessmentRow(1).sid}`);
    expect($('drawer-fields').find('[data-field="timestamp"]').attributes('title')).toMatch(
      /^2024-01-01 00:01 UTC$/,
    );
    expect($('drawer-fields').find('[data-field="answerScore"]').text()).toBe('5');
  });

  it('shows the raw JSON exactly, as text, and copies it', async () => {
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await open();
    const raw = $('drawer-raw');
    expect(raw.text()).toBe(JSON.stringify(fixture().raw, null, 2));
    expect(raw.find('script').exists()).toBe(false);
    await $('drawer-copy-json').trigger('click');
    await flushPromises();
    expect(writeText).toHaveBeenCalledWith(JSON.stringify(fixture().raw, null, 2));
    expect($('drawer-copy-json').text()).toBe('Copied');
  });

  it('opens the other assessments and comments of the segment', async () => {
    const { review } = await open();
    const assessments = $('drawer-sibling-assessments').findAll('button');
    expect(assessments[0]!.attributes('disabled')).toBeDefined();
    expect(assessments[0]!.text()).toContain('(shown)');
    expect(assessments[0]!.find('[data-testid="mismatch"]').exists()).toBe(true);
    const comments = $('drawer-sibling-comments').findAll('button');
    expect(comments.map((c) => c.text())).toEqual([
      expect.stringContaining(commentRow(0).text!),
      expect.stringContaining(commentRow(1).text!),
    ]);
    await comments[1]!.trigger('click');
    await flushPromises();
    expect(fake.api.store.row.mock.lastCall![0]).toEqual({
      profileId: 'eu',
      kind: 'comments',
      sid: commentRow(1).sid,
    });

    await review.openRow('assessments', assessmentRow(1).sid);
    await flushPromises();
    await $('drawer-sibling-assessments').findAll('button')[1]!.trigger('click');
    await flushPromises();
    // The drawer opens an assessment through its first stored answer.
    expect(fake.api.store.assessments.mock.lastCall![0]).toMatchObject({
      filters: {
        segmentIds: [fixture().row.segmentId],
        questionnaireSids: ['GQ0001'],
        assessors: ['second'],
      },
      limit: 1,
    });
  });

  it('says why it could not read a row and tries again; the close button closes', async () => {
    const { review, closed } = await open();
    fake.api.store.row.mockResolvedValueOnce(
      fail('store_closed', 'The local store is closed. Reopen the account.'),
    );
    await review.openRow('assessments', assessmentRow(1).sid);
    await flushPromises();
    expect($('drawer-error').text()).toContain('The local store is closed. Reopen the account.');
    await $('drawer-error').find('button').trigger('click');
    await flushPromises();
    expect($('drawer-score').exists()).toBe(true);
    await $('drawer-close').trigger('click');
    expect(closed).toEqual([1]);
    expect($('drawer-close').attributes('aria-label')).toBe('Close the details (Esc)');
  });

  it('drops a detail answered for another account', async () => {
    fake = createFakeQm({ accounts: accountsState({ profiles: [EU], activeId: 'eu' }) }).install();
    const pinia = createPinia();
    setActivePinia(pinia);
    await useAccountsStore().start();
    fake.api.store.row.mockResolvedValueOnce({ ok: true, data: { ...fixture(), profileId: 'us' } });
    const review = useReviewStore();
    await review.openRow('assessments', 'FM1');
    expect(review.detail).toBeNull();
  });
});
