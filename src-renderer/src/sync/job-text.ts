import type { ErrorCode, JobSnapshot, SyncFailure, SyncResult } from '../../../src-preload/contract.ts';
import { countText } from './ids.ts';

/** The reviewer-facing words for a job's numbers and its end. */

export const isFinal = (snapshot: JobSnapshot): boolean => snapshot.state !== 'running';

/** The sync result a snapshot carries, if it is a sync's. */
export const syncResultOf = (snapshot: JobSnapshot): SyncResult | null =>
  snapshot.result?.kind === 'sync' ? snapshot.result : null;

const NUMBER = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const RATE = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** "12 / 40" or "12" when the total is not known yet. */
export function countsText(snapshot: JobSnapshot): string {
  const done = NUMBER.format(snapshot.done);
  return snapshot.total === undefined ? done : `${done} / ${NUMBER.format(snapshot.total)}`;
}

/** "3.2/s" */
export function rateText(rate: number | undefined): string | null {
  return rate === undefined || !Number.isFinite(rate) ? null : `${RATE.format(rate)}/s`;
}

/** "12 s left", "4 min left", "about 2 h left" */
export function etaText(seconds: number | undefined): string | null {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return null;
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s left`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min left`;
  return `about ${Math.round(seconds / 3600)} h left`;
}

/** 0..1, or null when the total is unknown (the bar is then indeterminate). */
export function fraction(snapshot: JobSnapshot): number | null {
  if (snapshot.total === undefined || snapshot.total <= 0) return null;
  return Math.min(1, Math.max(0, snapshot.done / snapshot.total));
}

const FAILURE_WORDS: Record<SyncFailure['kind'], [string, string]> = {
  segment: ['segment', 'segments'],
  agent: ['agent', 'agents'],
  reservation: ['reservation', 'reservations'],
  conversation: ['conversation', 'conversations'],
  all: ['account-wide list', 'account-wide lists'],
};

/** "Synced 40 segments: 812 assessments, 203 comments" */
function syncedText(result: SyncResult): string {
  const records = `${countText(result.assessments, ['assessment', 'assessments'])}, ${countText(result.comments, ['comment', 'comments'])}`;
  return `Synced ${countText(result.segmentsSynced, ['segment', 'segments'])}: ${records}`;
}

/** "2 of 40 segments failed", "1 agent failed" … one phrase per kind of failed part. */
export function failedText(result: SyncResult): string {
  const byKind = new Map<SyncFailure['kind'], number>();
  for (const failure of result.failures) byKind.set(failure.kind, (byKind.get(failure.kind) ?? 0) + 1);
  return [...byKind]
    .map(([kind, n]) =>
      kind === 'segment'
        ? `${NUMBER.format(n)} of ${countText(result.segments, FAILURE_WORDS.segment)} failed`
        : `${countText(n, FAILURE_WORDS[kind])} failed`,
    )
    .join(', ');
}

/**
 * How to pick up a cancelled sync: the same request resumes from its stored cursors. ("Sync again"
 * re-syncs the stored segments only, so it does not finish a pasted list.) Labels are main's
 * describeTarget().
 */
function resumeHint(label: string): string {
  if (label === 'Sync everything') return 'Sync everything again resumes where it stopped';
  if (label === 'Sync the stored segments again') return 'Sync again resumes where it stopped';
  return 'press Sync with the same IDs to resume where it stopped';
}

export type EndTone = 'success' | 'warning' | 'error' | 'info';

/** What a job's end means to the reviewer, as one line and a tone. */
export function endText(snapshot: JobSnapshot): { text: string; tone: EndTone } {
  switch (snapshot.state) {
    case 'running':
      return { text: snapshot.phase, tone: 'info' };
    case 'cancelled':
      return { text: `Cancelled — synced so far is kept; ${resumeHint(snapshot.label)}`, tone: 'info' };
    case 'failed':
      return { text: snapshot.error?.message ?? `${snapshot.label} failed.`, tone: 'error' };
    case 'done': {
      const result = syncResultOf(snapshot);
      if (!result) return { text: `${snapshot.label}: done`, tone: 'success' };
      const notes: string[] = [];
      if (result.skippedNoSid > 0)
        notes.push(
          `${countText(result.skippedNoSid, ['record had', 'records had'])} no assessment SID and ${result.skippedNoSid === 1 ? 'was' : 'were'} skipped`,
        );
      if (result.removed > 0)
        notes.push(`${countText(result.removed, ['record', 'records'])} removed upstream, removed here too`);
      const tail = notes.length ? ` (${notes.join('; ')})` : '';
      if (result.failures.length > 0)
        return { text: `${failedText(result)} · ${syncedText(result)}${tail}`, tone: 'warning' };
      return { text: `${syncedText(result)}${tail}`, tone: 'success' };
    }
  }
}

const UNREACHABLE: ReadonlySet<ErrorCode> = new Set(['network', 'timeout']);

/**
 * Whether the job's end says Twilio cannot be reached: the whole job failed on the network, or every
 * part failed that way and nothing synced.
 */
export function endedUnreachable(snapshot: JobSnapshot): boolean {
  if (snapshot.state === 'failed')
    return snapshot.error !== undefined && UNREACHABLE.has(snapshot.error.code);
  const result = syncResultOf(snapshot);
  if (snapshot.state !== 'done' || !result || result.failures.length === 0) return false;
  return result.segmentsSynced === 0 && result.failures.every((f) => UNREACHABLE.has(f.error.code));
}

/** A failure's identity: a later retry that covered it replaces it. */
export const failureKey = (failure: Pick<SyncFailure, 'kind' | 'id'>): string =>
  `${failure.kind}:${failure.id}`;
