// The per-account sync lease on real files, within one process and across processes.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLease, LEASE_FILE } from '../../../src-main/sync/lease.ts';

const CHILD = new URL('./lease-child.ts', import.meta.url);
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'qm-lease-'));
  dirs.push(dir);
  return dir;
}

type Answer = { ok: true; pid: number } | { ok: false; code?: string; message: string };

function spawnChild(
  dir: string,
  mode: 'hold' | 'release' = 'hold',
): { child: ChildProcess; answer: Promise<Answer> } {
  const child = fork(CHILD, [dir, mode], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  const answer = new Promise<Answer>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Answer));
    child.once('exit', (code) => reject(new Error(`lease child exited with ${code} before answering`)));
  });
  return { child, answer };
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** The pid of a process that has certainly ended. */
async function deadPid(dir: string): Promise<number> {
  const { child, answer } = spawnChild(dir, 'release');
  const got = await answer;
  await exited(child);
  if (!got.ok) throw new Error(got.message);
  return got.pid;
}

describe('acquireLease', () => {
  it('holds the folder with pid, start time and token; a second sync is busy until release', async () => {
    const dir = await folder();
    const lease = await acquireLease(dir, {
      accountLabel: 'Acme Support',
      label: 'Sync 3 segments',
      now: () => 42,
    });
    const held = JSON.parse(await readFile(join(dir, LEASE_FILE), 'utf8')) as Record<string, unknown>;
    expect(held).toEqual({ pid: process.pid, startedAt: 42, token: lease.token, label: 'Sync 3 segments' });
    expect(lease.token).toMatch(/^[0-9a-f]{32}$/);

    const second = acquireLease(dir, { accountLabel: 'Acme Support' });
    await expect(second).rejects.toMatchObject({
      code: 'busy',
      message:
        'A sync of Acme Support is already running (in this window or from the command line). Wait for it to finish or cancel it.',
      detail: { pid: process.pid, since: 42 },
    });
    await lease.release();
    await lease.release();
    await expect(readFile(join(dir, LEASE_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
    const again = await acquireLease(dir);
    expect(again.token).not.toBe(lease.token);
    await again.release();
  });

  it('takes over a lock whose process is dead', async () => {
    const dir = await folder();
    const pid = await deadPid(dir);
    await writeFile(join(dir, LEASE_FILE), JSON.stringify({ pid, startedAt: 1, token: 'old' }));
    const lease = await acquireLease(dir);
    const held = JSON.parse(await readFile(join(dir, LEASE_FILE), 'utf8')) as { pid: number; token: string };
    expect(held).toMatchObject({ pid: process.pid, token: lease.token });
    await lease.release();
  });

  it('release leaves a lock that is no longer ours alone', async () => {
    const dir = await folder();
    const lease = await acquireLease(dir);
    const other = JSON.stringify({ pid: process.pid, startedAt: 2, token: 'someone-else' });
    await writeFile(join(dir, LEASE_FILE), other);
    await lease.release();
    expect(await readFile(join(dir, LEASE_FILE), 'utf8')).toBe(other);
  });

  it('an unreadable lock is busy while fresh (its owner may be writing it) and stale when old', async () => {
    const dir = await folder();
    const file = join(dir, LEASE_FILE);
    await writeFile(file, '');
    await expect(acquireLease(dir)).rejects.toMatchObject({ code: 'busy' });
    const old = new Date(Date.now() - 60_000);
    await utimes(file, old, old);
    const lease = await acquireLease(dir);
    await lease.release();
  });

  it('a folder that cannot hold the lock is a data-folder error', async () => {
    const dir = join(await folder(), 'missing', 'deeper');
    await expect(acquireLease(dir)).rejects.toMatchObject({ code: 'data_folder_failed' });
  });
});

describe('across processes', () => {
  it('a lease held by another process is busy; once that process is killed it is taken over', async () => {
    const dir = await folder();
    const { child, answer } = spawnChild(dir);
    expect(await answer).toMatchObject({ ok: true });
    await expect(acquireLease(dir)).rejects.toMatchObject({ code: 'busy', detail: { pid: child.pid } });

    child.kill('SIGKILL');
    await exited(child);
    const lease = await acquireLease(dir);
    await lease.release();
  });

  it('a lease held here is busy for another process', async () => {
    const dir = await folder();
    const lease = await acquireLease(dir);
    const { answer } = spawnChild(dir);
    expect(await answer).toMatchObject({ ok: false, code: 'busy' });
    await lease.release();
  });

  it('of several processes racing for a stale lock, exactly one wins', async () => {
    const dir = await folder();
    const pid = await deadPid(dir);
    await writeFile(join(dir, LEASE_FILE), JSON.stringify({ pid, startedAt: 1, token: 'stale' }));
    const racers = Array.from({ length: 4 }, () => spawnChild(dir));
    const answers = await Promise.all(racers.map((r) => r.answer));
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.filter((a) => !a.ok).map((a) => (a.ok ? null : a.code))).toEqual(['busy', 'busy', 'busy']);
  });
});
