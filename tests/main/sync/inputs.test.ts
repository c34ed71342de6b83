// Every kind of input a reviewer can name, synced from the simulator over loopback into a real
// store: exact records, details, reference data and "last synced" for each, expectations
// computed from the simulator's data set.
import { afterEach, describe, expect, it } from 'vitest';
import {
  busySegments,
  cleanup,
  client,
  contents,
  context,
  expectedOf,
  kit,
  sids,
  sim,
  store,
  sync,
} from './helpers.ts';
import { RESERVATION_BATCH } from '../../../src-main/sync/job.ts';
import type { Simulator } from '../../simulator/index.ts';

const k = kit();
afterEach(() => cleanup(k));

const requestsTo = (s: Simulator, path: string) => s.log.filter((e) => e.path === `/v1/Insights/${path}`);

describe('segments', () => {
  it('a pasted list with duplicates: exactly its records, its details, scores and names, each segment synced', async () => {
    const s = await sim(k);
    const st = await store(k, s);
    const ids = busySegments(s, 12);
    const pasted = [...ids, ids[0] ?? '', ids[3] ?? ''];
    const rec = context();
    const result = await sync(st, client(k, s), { segments: pasted }, { pageSize: 3 }, rec);

    const expected = expectedOf(s, ids);
    expect(result).toMatchObject({
      kind: 'sync',
      segments: ids.length,
      segmentsSynced: ids.length,
      assessments: expected.assessments.length,
      comments: expected.comments.length,
      removed: 0,
      skippedNoSid: 0,
      failures: [],
    });
    const got = await contents(st);
    expect(sids(got.assessments)).toEqual(expected.assessments);
    expect(sids(got.comments)).toEqual(expected.comments);
    expect(got.segments.map((g) => g.segmentId)).toEqual([...ids].sort());
    for (const segment of got.segments) {
      const [remote] = s.data.segments({ segmentId: segment.segmentId });
      expect(segment).toMatchObject({
        agentId: remote?.agent_id,
        agentName: remote?.agent_name,
        team: remote?.agent_team_name,
        queue: remote?.queue,
        date: remote?.date,
        assessments: s.data.countAssessments({ segmentId: segment.segmentId }),
        comments: s.data.countComments({ segmentId: segment.segmentId }),
        synced: true,
      });
    }
    // Reference data came first: rows carry names and the answer's score.
    const scored = got.assessments.filter((a) => a.answerScore !== null);
    expect(scored.length).toBeGreaterThan(0);
    expect(got.assessments.every((a) => a.questionnaire !== null && a.question !== null)).toBe(true);
    const firstSegmentRequest = s.log.findIndex((e) => e.query.SegmentId !== undefined);
    const questionnaires = requestsTo(s, 'QualityManagement/Questionnaires');
    expect(questionnaires.length).toBeGreaterThan(1); // PageSize 3: paged like any list
    expect(questionnaires.every((e) => e.query.IncludeInactive?.[0] === 'true')).toBe(true);
    const lastReference = Math.max(...questionnaires.map((e) => s.log.indexOf(e)));
    expect(lastReference).toBeLessThan(firstSegmentRequest);
    // Progress in segments, ending with the summary.
    expect(rec.updates[0]).toMatchObject({ phase: 'Reading questionnaires' });
    const counted = rec.updates.filter((u) => u.total === ids.length);
    expect(counted.at(-1)).toMatchObject({ done: ids.length, phase: `Syncing 12 of 12 segments` });
    expect(rec.updates.at(-1)?.phase).toBe(
      `Synced 12 segments: ${expected.assessments.length} assessments, ${expected.comments.length} comments.`,
    );
  });

  it('a segment without assessments is synced (details only); one Twilio does not know is listed', async () => {
    const s = await sim(k);
    const st = await store(k, s);
    const empty = s.data.segmentIds().find((id) => s.data.countAssessments({ segmentId: id }) === 0);
    if (empty === undefined) throw new Error('the dataset has no unassessed segment');
    const unknown = '00000000-0000-4000-8000-000000000000';
    const result = await sync(st, client(k, s), { segments: [empty, unknown] });
    expect(result).toMatchObject({ segments: 2, segmentsSynced: 1 });
    expect(result.failures).toEqual([
      { kind: 'segment', id: unknown, error: expect.objectContaining({ code: 'not_found' }) },
    ]);
    const got = await contents(st);
    expect(got.segments.find((g) => g.segmentId === empty)).toMatchObject({ synced: true, assessments: 0 });
    expect(got.segments.find((g) => g.segmentId === unknown)?.synced ?? false).toBe(false);
  });
});

describe('reservations', () => {
  it('are resolved through Segments in batches; an unknown one is listed, the rest synced', async () => {
    const s = await sim(k, { assessments: 1500 });
    const st = await store(k, s);
    const ids = s.data.segmentIds().slice(0, RESERVATION_BATCH + 10);
    const reservations = ids.flatMap((id) => s.data.reservationIdsOf(id));
    const unknown = `WR${'0'.repeat(32)}`;
    const result = await sync(st, client(k, s), { reservations: [unknown, ...reservations] });

    const expected = expectedOf(s, ids);
    expect(result).toMatchObject({
      segments: ids.length,
      segmentsSynced: ids.length,
      assessments: expected.assessments.length,
      comments: expected.comments.length,
    });
    expect(result.failures).toEqual([
      { kind: 'reservation', id: unknown, error: expect.objectContaining({ code: 'not_found' }) },
    ]);
    const got = await contents(st);
    expect(sids(got.assessments)).toEqual(expected.assessments);
    expect(sids(got.comments)).toEqual(expected.comments);
    expect(got.segments.every((g) => g.synced && g.date !== null)).toBe(true);

    const lookups = requestsTo(s, 'Segments').filter((e) => e.query.ReservationId !== undefined);
    const batched = lookups.filter((e) => (e.query.ReservationId?.length ?? 0) > 1);
    expect(batched.map((e) => e.query.ReservationId?.length)).toEqual([RESERVATION_BATCH, 11]);
    // Only the short batch was asked again one by one, to find the unknown reservation.
    expect(lookups.length - batched.length).toBe(RESERVATION_BATCH);
    // Their details came with the lookup: no Segments?SegmentId request for them.
    expect(requestsTo(s, 'Segments').filter((e) => e.query.SegmentId !== undefined)).toEqual([]);
  });
});

describe('conversations', () => {
  it('sync every segment of the conversation a segment belongs to', async () => {
    const s = await sim(k);
    const st = await store(k, s);
    const conversation = s.data.conversations().find((c) => c.segment_count >= 3);
    if (conversation === undefined) throw new Error('no conversation with three segments');
    const members = conversation.segments.map((m) => m.segment_id);
    const result = await sync(st, client(k, s), { conversations: [members[1] ?? ''] });
    const expected = expectedOf(s, members);
    expect(result).toMatchObject({
      segments: members.length,
      segmentsSynced: members.length,
      assessments: expected.assessments.length,
      comments: expected.comments.length,
      failures: [],
    });
    const got = await contents(st);
    expect(got.segments.map((g) => g.segmentId).sort()).toEqual([...members].sort());
    expect(sids(got.assessments)).toEqual(expected.assessments);
  });
});

describe('agents', () => {
  it('an agent: their comments, every segment those name, and the agent’s segments already in the store', async () => {
    const s = await sim(k, { assessments: 1200, comments: 120 });
    const st = await store(k, s);
    const c = client(k, s);
    // An assessed segment without comments: no comment names it, but its assessments do.
    const silentOf = (agentId: string) =>
      s.data
        .segmentIds()
        .filter(
          (id) =>
            s.data.agentIdOf(id) === agentId &&
            s.data.countComments({ segmentId: id }) === 0 &&
            s.data.countAssessments({ segmentId: id }) > 0,
        );
    const agent = s.data.agentIds().find((a) => silentOf(a).length > 0);
    if (agent === undefined) throw new Error('no agent with an assessed segment without comments');
    const silent = silentOf(agent);
    const named = new Set(s.data.comments({ agentId: agent }).map((x) => x.segment_id));
    // The store already knows one of the agent's segments that no comment names.
    const local = silent[0] ?? '';
    await sync(st, c, { segments: [local] });

    const result = await sync(st, c, { agents: [agent] });
    const wanted = new Set([...named, local]);
    const expected = expectedOf(s, wanted);
    expect(result).toMatchObject({
      segments: wanted.size,
      segmentsSynced: wanted.size,
      assessments: expected.assessments.length,
      comments: expected.comments.length,
      failures: [],
    });
    const got = await contents(st);
    expect(new Set(got.segments.map((g) => g.segmentId))).toEqual(wanted);
    expect(sids(got.comments)).toEqual(expected.comments);
    expect(sids(got.assessments)).toEqual(expected.assessments);
    expect(
      requestsTo(s, 'QualityManagement/Assessments/Comments').some((e) => e.query.AgentId?.[0] === agent),
    ).toBe(true);
  });

  it('an agent nobody commented on and the store does not know is listed as not found', async () => {
    const s = await sim(k);
    const st = await store(k, s);
    const result = await sync(st, client(k, s), { agents: ['no-such-agent'] });
    expect(result).toMatchObject({ segments: 0, segmentsSynced: 0 });
    expect(result.failures).toEqual([
      { kind: 'agent', id: 'no-such-agent', error: expect.objectContaining({ code: 'not_found' }) },
    ]);
  });
});

describe('stored and everything', () => {
  it('stored: re-syncs every segment in the store, and nothing else', async () => {
    const s = await sim(k);
    const st = await store(k, s);
    const c = client(k, s);
    const ids = busySegments(s, 5);
    await sync(st, c, { segments: ids });
    s.log.length = 0;
    const result = await sync(st, c, { stored: true });
    expect(result).toMatchObject({ segments: 5, segmentsSynced: 5, failures: [] });
    const asked = new Set(s.log.flatMap((e) => e.query.SegmentId ?? []));
    expect(asked).toEqual(new Set(ids));
  });

  it('everything: every assessment, comment and segment of the account, all marked synced', async () => {
    const s = await sim(k, { assessments: 900, comments: 300 });
    const st = await store(k, s);
    const rec = context();
    const result = await sync(st, client(k, s), { all: true }, { pageSize: 100 }, rec);
    expect(result).toMatchObject({
      segments: s.data.segmentCount,
      segmentsSynced: s.data.segmentCount,
      assessments: s.data.assessmentCount,
      comments: s.data.commentCount,
      failures: [],
    });
    const got = await contents(st);
    expect(sids(got.assessments)).toEqual(
      s.data
        .assessments()
        .map((a) => a.assessment_sid)
        .sort(),
    );
    expect(sids(got.comments)).toEqual(
      s.data
        .comments()
        .map((a) => a.assessment_sid)
        .sort(),
    );
    expect(got.segments).toHaveLength(s.data.segmentCount);
    expect(got.segments.every((g) => g.synced)).toBe(true);
    // Unfiltered lists, one pass each.
    const unfiltered = s.log.filter(
      (e) => e.path.endsWith('/Assessments') && e.query.SegmentId === undefined,
    );
    expect(unfiltered).toHaveLength(9);
    expect(rec.updates.some((u) => /^Syncing every record of the account: \d/.test(u.phase ?? ''))).toBe(
      true,
    );
  });
});
