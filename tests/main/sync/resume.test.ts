// A sync that is repeated, cancelled or killed ends with exactly the rows an uninterrupted run
// gives: no duplicates, nothing lost, nothing removed by a pass that did not finish.
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  account,
  busySegments,
  cleanup,
  client,
  contents,
  context,
  kit,
  sids,
  sim,
  store,
  sync,
  tempDir,
} from './helpers.ts';
import { acquireLease } from '../../../src-main/sync/lease.ts';
import type { ProgressUpdate } from '../../../src-main/jobs/types.ts';
import type { SyncResult } from '../../../src-preload/contract.ts';

const k = kit();
afterEach(() => cleanup(k));

const CHILD = new URL('./sync-child.ts', import.meta.url);

describe('repeating a sync', () => {
  it('gives the same rows again: no duplicates, nothing removed', async () => {
    const s = await sim(k);
    const st = await store(k, s);
    const c = client(k, s);
    const ids = busySegments(s, 8);
    const first = await sync(st, c, { segments: ids }, { pageSize: 4 });
    const before = await contents(st);
    const second = await sync(st, c, { segments: ids }, { pageSize: 7 });
    expect(await contents(st)).toEqual(before);
    expect(second).toMatchObject({
      assessments: first.assessments,
      comments: first.comments,
      removed: 0,
      segmentsSynced: ids.length,
    });
    expect((await st.overview()).assessments).toBe(first.assessments);
  });
});

describe('cancel, then resume', () => {
  it('stops between pages, removes nothing, and the next run ends exactly like an uninterrupted one', async () => {
    // The store first holds a larger account; the cancelled pass must not mirror, the finished one must.
    const before = await sim(k, { seed: 9, assessments: 900 });
    const s = await sim(k, { seed: 9, assessments: 600, latencyMs: 2 });
    const st = await store(k, s);
    await sync(st, client(k, before), { all: true }, { pageSize: 100 });
    expect(await st.overview()).toMatchObject({ assessments: 900, comments: before.data.commentCount });

    const c = client(k, s);
    const rec = context((update: ProgressUpdate) => {
      // Three pages of 20 in: neither pass (30 and 8 pages) can have finished.
      if ((update.done ?? 0) >= 60) rec.controller.abort();
    });
    const cancelled = await sync(st, c, { all: true }, { pageSize: 20 }, rec).then(
      () => null,
      (error: unknown) => error,
    );
    expect(cancelled).toMatchObject({ code: 'cancelled' });
    // A cancelled pass removes nothing.
    expect(await st.overview()).toMatchObject({ assessments: 900, comments: before.data.commentCount });

    s.log.length = 0;
    const resumed = await sync(st, c, { all: true }, { pageSize: 20 });
    const firstAssessments = s.log.find((e) => e.path.endsWith('/QualityManagement/Assessments'));
    expect(firstAssessments?.query.PageToken).toBeDefined(); // resumed at the stored cursor
    // Same seed and account: the smaller account's records are the first ones of the larger.
    const gone =
      before.data.assessmentCount - s.data.assessmentCount + before.data.commentCount - s.data.commentCount;
    expect(resumed.removed).toBe(gone);

    const reference = await store(k, s);
    await sync(reference, client(k, s), { all: true }, { pageSize: 100 });
    const got = await contents(st);
    const want = await contents(reference);
    expect(got.assessments).toEqual(want.assessments);
    expect(got.comments).toEqual(want.comments);
    // Segment rows stay (with no records) for segments the larger account had.
    expect(got.segments.filter((g) => want.segments.some((w) => w.segmentId === g.segmentId))).toEqual(
      want.segments,
    );
    expect(sids(got.assessments)).toEqual(
      s.data
        .assessments()
        .map((a) => a.assessment_sid)
        .sort(),
    );
  });

  it('segments: a cancelled sync resumes and ends like an uninterrupted one', async () => {
    const s = await sim(k, { latencyMs: 2 });
    const st = await store(k, s);
    const c = client(k, s);
    const ids = busySegments(s, 20);
    const rec = context((update: ProgressUpdate) => {
      if (update.total === ids.length && (update.done ?? 0) >= 5) rec.controller.abort();
    });
    await expect(sync(st, c, { segments: ids }, { pageSize: 2 }, rec)).rejects.toMatchObject({
      code: 'cancelled',
    });
    const partial = await contents(st);
    expect(partial.segments.filter((g) => g.synced).length).toBeLessThan(ids.length);
    await sync(st, c, { segments: ids }, { pageSize: 2 });

    const reference = await store(k, s);
    await sync(reference, client(k, s), { segments: ids }, { pageSize: 2 });
    expect(await contents(st)).toEqual(await contents(reference));
  });
});

describe('a sync killed with SIGKILL', () => {
  it('resumes in another process and ends with exactly the expected rows', async () => {
    const s = await sim(k, { seed: 4, assessments: 1500, latencyMs: 5 });
    const a = account(s);
    const file = join(await tempDir(k), 'store.sqlite');
    const target = { all: true };
    const options = { pageSize: 25 };

    const child = fork(CHILD, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const killedAt = await new Promise<number>((resolve, reject) => {
      child.on('message', (message: { progress?: ProgressUpdate; result?: SyncResult; error?: string }) => {
        const done = message.progress?.done ?? 0;
        if (done >= 400) {
          child.kill('SIGKILL');
          resolve(done);
        } else if (message.result || message.error) {
          reject(new Error(`the child finished before it was killed: ${JSON.stringify(message)}`));
        }
      });
      child.once('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`the child exited on its own (${code})`));
      });
      child.send({ url: s.url, accountSid: a.accountSid, authToken: a.authToken, file, target, options });
    });
    await new Promise((resolve) =>
      child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve),
    );
    expect(killedAt).toBeLessThan(s.data.assessmentCount + s.data.commentCount);

    // The dead child's lease is stale: taken over, then the sync resumes here.
    const lease = await acquireLease(dirname(file));
    const st = await store(k, s, file);
    const partial = await st.overview();
    expect(partial.assessments + partial.comments).toBeGreaterThan(0);
    expect(partial.assessments + partial.comments).toBeLessThan(s.data.assessmentCount + s.data.commentCount);
    await sync(st, client(k, s), target, options);
    await lease.release();

    const got = await contents(st);
    expect(sids(got.assessments)).toEqual(
      s.data
        .assessments()
        .map((x) => x.assessment_sid)
        .sort(),
    );
    expect(sids(got.comments)).toEqual(
      s.data
        .comments()
        .map((x) => x.assessment_sid)
        .sort(),
    );
    const reference = await store(k, s);
    await sync(reference, client(k, s), target, options);
    expect(got).toEqual(await contents(reference));
  });
});
