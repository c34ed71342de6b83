import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src-main/store/index.ts';
import type { Store } from '../../../src-main/store/index.ts';
import { ACCOUNT_SID, buildFixture, chunks, tempDir } from './fixture.ts';

let temp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  temp = await tempDir();
});
afterEach(async () => {
  await temp.remove();
});

/** Runs a store call while a 1 ms timer ticks: how often it ticked, the call's duration, the worst delay. */
async function whileTicking<T>(call: () => Promise<T>) {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const started = performance.now();
  const value = await call();
  const ms = performance.now() - started;
  histogram.disable();
  clearInterval(timer);
  return { value, ticks, ms, maxDelayMs: histogram.max / 1e6 };
}

describe('the store worker', () => {
  it('keeps the main event loop running while big writes and a big query run', async () => {
    const fixture = buildFixture({ seed: 41, assessments: 12_000, comments: 3000 });
    const store: Store = await openStore({ file: temp.file(), accountSid: ACCOUNT_SID });
    try {
      await store.putReference(fixture.reference);
      const { pass } = await store.openPass('assessments', { all: true });
      const pages = chunks(fixture.assessments, 4000);
      for (const [i, records] of pages.entries()) {
        const write = await whileTicking(() =>
          store.commitPage({
            kind: 'assessments',
            scope: { all: true },
            pass,
            records,
            next: i === pages.length - 1 ? null : `n${i}`,
          }),
        );
        // Were SQLite running on this thread, no timer could fire until the call returned.
        expect(write.ticks).toBeGreaterThan(2);
        expect(write.maxDelayMs).toBeLessThan(write.ms);
      }
      const query = await whileTicking(() =>
        store.assessments({
          filters: { report: true },
          sort: [
            { column: 'question', dir: 'desc' },
            { column: 'assessor', dir: 'asc' },
            { column: 'offset', dir: 'desc' },
          ],
          offset: 9000,
          limit: 1000,
        }),
      );
      expect(query.value.rows).toHaveLength(Math.min(1000, query.value.total - 9000));
      expect(query.ticks).toBeGreaterThan(2);
      expect(query.maxDelayMs).toBeLessThan(query.ms);
    } finally {
      await store.close();
    }
  });

  it('a sync killed with SIGKILL resumes from its last committed page with exactly those rows', async () => {
    const file = temp.file();
    const size = 500;
    const child = spawn(process.execPath, [join(import.meta.dirname, 'kill-child.ts'), file, String(size)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let committed = 0;
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const lines = chunk.toString().trim().split('\n');
        committed = Number(lines.at(-1)!.split(' ')[1]);
        if (committed >= 3) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    await new Promise((resolve) => child.once('exit', resolve));

    const store = await openStore({ file, accountSid: ACCOUNT_SID });
    try {
      const { resumeFrom } = await store.openPass('assessments', { all: true });
      const page = Number(resumeFrom?.split('=').at(-1));
      // The kill may land after a commit and before its line was read, never inside a commit.
      expect(page).toBeGreaterThanOrEqual(committed);
      const fixture = buildFixture({ seed: 31, assessments: page * size, comments: 0 });
      const stored = await store.assessments({
        filters: {},
        sort: [{ column: 'sid', dir: 'asc' }],
        offset: 0,
        limit: 1000,
      });
      expect(stored.total).toBe(page * size);
      const all: string[] = [];
      for (let offset = 0; offset < stored.total; offset += 1000) {
        const window = await store.assessments({
          filters: {},
          sort: [{ column: 'sid', dir: 'asc' }],
          offset,
          limit: 1000,
        });
        all.push(...window.rows.map((r) => r.sid));
      }
      expect(all).toEqual(fixture.assessments.map((r) => r.assessment_sid).sort());
    } finally {
      await store.close();
    }

    // Resumed to the end, the store holds exactly what an uninterrupted run gives.
    const rerun = spawn(process.execPath, [join(import.meta.dirname, 'kill-child.ts'), file, String(size)], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    expect(await new Promise((resolve) => rerun.once('exit', resolve))).toBe(0);
    const done = await openStore({ file, accountSid: ACCOUNT_SID });
    try {
      const expected = buildFixture({ seed: 31, assessments: 20_000, comments: 0 }).assessments.map(
        (r) => r.assessment_sid,
      );
      const got: string[] = [];
      for (let offset = 0; ; offset += 1000) {
        const window = await done.assessments({
          filters: {},
          sort: [{ column: 'sid', dir: 'asc' }],
          offset,
          limit: 1000,
        });
        got.push(...window.rows.map((r) => r.sid));
        if (offset + 1000 >= window.total) break;
      }
      expect(got).toEqual(expected.sort());
      expect(await done.openPass('assessments', { all: true })).toMatchObject({ resumeFrom: null });
    } finally {
      await done.close();
    }
  });
});
