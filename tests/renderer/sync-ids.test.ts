import { describe, expect, it } from 'vitest';
import { MAX_SYNC_IDS, SyncTargetSchema, type SyncFailure } from '../../src-preload/contract.ts';
import {
  currentEntry,
  oneLine,
  parseIds,
  summaryOf,
  targetOf,
  withoutInvalid,
} from '../../src-renderer/src/sync/ids.ts';
import { endText, endedUnreachable, failedText } from '../../src-renderer/src/sync/job-text.ts';
import { retryTargetOf } from '../../src-renderer/src/sync/retry.ts';
import { snapshot, syncResult, uuidOf } from './fake-qm.ts';

const WR = (n: number): string => `WR${n.toString(16).padStart(32, '0')}`;
const SEG = [uuidOf(1), uuidOf(2), uuidOf(3)] as const;

describe('pasted ID lists', () => {
  it('takes a spreadsheet column, commas and mixed separators, without duplicates', () => {
    const column = `${SEG[0]}\r\n${SEG[1]}\r\n${SEG[0]}\r\n\t${SEG[2]}\n`;
    const parsed = parseIds(column, 'segments');
    expect(parsed.valid.map((id) => id.value)).toEqual(SEG);
    expect(parsed.count).toBe(3);
    expect(parseIds(`${SEG[0]}, ${SEG[1]};${SEG[2]} | ${SEG[1]}`, 'segments').count).toBe(3);
    expect(summaryOf(parseIds(SEG.join(','), 'segments'))).toBe('3 IDs · 3 segments');
  });

  it('tells a reservation by its shape and gives every UUID the chosen kind', () => {
    const text = [SEG[0], WR(1), SEG[1], WR(2)].join('\n');
    const asSegments = parseIds(text, 'segments');
    expect(asSegments.valid.map((id) => id.kind)).toEqual([
      'segment',
      'reservation',
      'segment',
      'reservation',
    ]);
    expect(asSegments.ambiguous).toBe(2);
    expect(summaryOf(asSegments)).toBe('4 IDs · 2 segments · 2 reservations');

    expect(targetOf(parseIds(text, 'agents'))).toEqual({
      segments: [],
      agents: [SEG[0], SEG[1]],
      reservations: [WR(1), WR(2)],
      conversations: [],
    });
    expect(targetOf(parseIds(text, 'conversations')).conversations).toEqual([SEG[0], SEG[1]]);
    // Only reservations: nothing for the kind chooser to decide.
    expect(parseIds(`${WR(1)} ${WR(2)}`, 'segments').ambiguous).toBe(0);
  });

  it('says what is wrong with each invalid ID', () => {
    const short = `WR${'a'.repeat(30)}`;
    const account = `AC${'b'.repeat(32)}`;
    const assessment = `FM${'c'.repeat(32)}`;
    const parsed = parseIds([SEG[0], short, account, assessment, 'seg/42', SEG[0]].join('\n'), 'segments');
    expect(parsed.valid).toEqual([{ value: SEG[0], kind: 'segment' }]);
    expect(parsed.invalid).toEqual([
      { value: short, reason: 'A reservation SID is WR followed by 32 hex characters. This one has 30.' },
      { value: account, reason: 'This is an Account SID, not a segment, agent or reservation ID.' },
      {
        value: assessment,
        reason: 'This is an assessment or comment SID, not a segment, agent or reservation ID.',
      },
      { value: 'seg/42', reason: 'A segment ID is letters, digits and - . _ : only.' },
    ]);
    expect(summaryOf(parsed)).toBe('5 IDs · 1 segment · 4 not valid');
    // Each kind explains itself in its own words.
    expect(parseIds('ana/lopez', 'agents').invalid[0]!.reason).toMatch(/^An agent ID is/);
    expect(
      withoutInvalid(`${SEG[0]}\nseg/42\n${SEG[1]}`, parseIds(`${SEG[0]}\nseg/42\n${SEG[1]}`, 'segments')),
    ).toBe(`${SEG[0]}, ${SEG[1]}`);
  });

  it('refuses more IDs of one kind than a sync takes', () => {
    const many = Array.from({ length: MAX_SYNC_IDS + 1 }, (_, i) => `s-${i}`).join(',');
    expect(parseIds(many, 'segments').tooMany).toMatch(/more than one sync takes/);
    expect(parseIds(SEG.join(','), 'segments').tooMany).toBeNull();
  });

  it('builds targets the contract accepts, with agents picked by name', () => {
    const target = targetOf(parseIds(`${SEG[0]} ${WR(3)}`, 'segments'), [
      uuidOf(9, 'a9e7'),
      uuidOf(9, 'a9e7'),
    ]);
    expect(target).toEqual({
      segments: [SEG[0]],
      agents: [uuidOf(9, 'a9e7')],
      reservations: [WR(3)],
      conversations: [],
    });
    expect(SyncTargetSchema.safeParse(target).success).toBe(true);
  });

  it('turns a pasted column into one line and finds the entry being typed', () => {
    expect(oneLine(`${SEG[0]}\r\n${SEG[1]}\t${SEG[2]}\n`)).toBe(`${SEG[0]}, ${SEG[1]}, ${SEG[2]}`);
    expect(currentEntry(`${SEG[0]}, Ana Ló`)).toEqual({ start: SEG[0].length + 1, term: 'Ana Ló' });
    expect(currentEntry('Bo')).toEqual({ start: 0, term: 'Bo' });
  });
});

describe('job words', () => {
  const p = 'eu';

  it('says how a sync ended', () => {
    const done = snapshot({
      profileId: p,
      state: 'done',
      result: syncResult({ segments: 40, segmentsSynced: 40, assessments: 812, comments: 203 }),
    });
    expect(endText(done)).toEqual({
      text: 'Synced 40 segments: 812 assessments, 203 comments',
      tone: 'success',
    });

    const failures: SyncFailure[] = [
      { kind: 'segment', id: SEG[0], error: { code: 'server', message: 'Twilio had an error.' } },
      { kind: 'segment', id: SEG[1], error: { code: 'server', message: 'Twilio had an error.' } },
    ];
    const result = syncResult({
      segments: 40,
      segmentsSynced: 38,
      assessments: 700,
      comments: 180,
      failures,
    });
    const partial = snapshot({ profileId: p, state: 'done', result });
    expect(failedText(result)).toBe('2 of 40 segments failed');
    expect(endText(partial).tone).toBe('warning');
    expect(endText(partial).text).toContain('2 of 40 segments failed');

    const skipped = snapshot({
      profileId: p,
      state: 'done',
      result: syncResult({ segments: 1, segmentsSynced: 1, assessments: 5, skippedNoSid: 3 }),
    });
    expect(endText(skipped).text).toContain('3 records had no assessment SID and were skipped');

    expect(endText(snapshot({ profileId: p, state: 'cancelled' })).text).toBe(
      'Cancelled — synced so far is kept; press Sync with the same IDs to resume where it stopped',
    );
    const failed = snapshot({
      profileId: p,
      state: 'failed',
      error: { code: 'auth', message: 'Twilio rejected the Auth Token for Support EU.' },
    });
    expect(endText(failed)).toEqual({
      text: 'Twilio rejected the Auth Token for Support EU.',
      tone: 'error',
    });
  });

  it('knows when the end says Twilio is unreachable', () => {
    const net = { code: 'network', message: 'Twilio could not be reached.' } as const;
    expect(endedUnreachable(snapshot({ profileId: p, state: 'failed', error: net }))).toBe(true);
    expect(
      endedUnreachable(
        snapshot({ profileId: p, state: 'failed', error: { code: 'auth', message: 'Bad token.' } }),
      ),
    ).toBe(false);
    const allNet = syncResult({
      segments: 2,
      failures: SEG.slice(0, 2).map((id) => ({ kind: 'segment' as const, id, error: net })),
    });
    expect(endedUnreachable(snapshot({ profileId: p, state: 'done', result: allNet }))).toBe(true);
    expect(
      endedUnreachable(snapshot({ profileId: p, state: 'done', result: { ...allNet, segmentsSynced: 1 } })),
    ).toBe(false);
  });

  it('retries each failed part through the target list it came from', () => {
    const error = { code: 'server', message: 'x' } as const;
    const target = retryTargetOf([
      { kind: 'segment', id: SEG[0], error },
      { kind: 'segment', id: SEG[0], error },
      { kind: 'agent', id: uuidOf(4, 'a9e7'), error },
      { kind: 'reservation', id: WR(5), error },
      { kind: 'conversation', id: SEG[2], error },
    ]);
    expect(target).toEqual({
      segments: [SEG[0]],
      agents: [uuidOf(4, 'a9e7')],
      reservations: [WR(5)],
      conversations: [SEG[2]],
    });
    expect(retryTargetOf([{ kind: 'all', id: 'all', error }])).toMatchObject({ all: true });
  });
});
