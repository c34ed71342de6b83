/** The words a reviewer sees for a sync: its label, its phases and its summary. */
import type { SyncResult, SyncTarget } from '../../src-preload/contract.ts';

const count = new Intl.NumberFormat('en-US');

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count.format(n)} ${n === 1 ? one : many}`;
}

/** "Sync 40 segments and 2 agents", "Sync everything", "Sync the stored segments again". */
export function describeTarget(target: SyncTarget): string {
  if (target.all) return 'Sync everything';
  const parts = [
    target.segments.length > 0 ? plural(target.segments.length, 'segment') : null,
    target.agents.length > 0 ? plural(target.agents.length, 'agent') : null,
    target.reservations.length > 0 ? plural(target.reservations.length, 'reservation') : null,
    target.conversations.length > 0 ? plural(target.conversations.length, 'conversation') : null,
    target.stored ? 'the stored segments' : null,
  ].filter((p): p is string => p !== null);
  if (parts.length === 0) return 'Sync';
  const listed = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
  return target.stored && parts.length === 1 ? 'Sync the stored segments again' : `Sync ${listed}`;
}

export function syncingPhase(done: number, total: number): string {
  return `Syncing ${count.format(done)} of ${plural(total, 'segment')}`;
}

export function everythingPhase(records: number): string {
  return `Syncing every record of the account: ${count.format(records)} so far`;
}

/** "Synced 40 segments: 812 assessments, 203 comments." or "2 of 40 segments failed …". */
export function summarize(result: SyncResult, everything: boolean): string {
  const records = `${plural(result.assessments, 'assessment')}, ${plural(result.comments, 'comment')}`;
  const failed = result.failures.length;
  let text: string;
  if (everything) {
    text =
      failed === 0
        ? `Synced everything: ${records}, ${plural(result.segments, 'segment')}.`
        : `Synced everything, but ${plural(failed, 'part')} failed (${records} so far).`;
  } else {
    const segmentFailures = result.failures.filter((f) => f.kind === 'segment').length;
    const other = failed - segmentFailures;
    const head =
      segmentFailures > 0
        ? `${count.format(segmentFailures)} of ${plural(result.segments, 'segment')} failed`
        : `Synced ${plural(result.segmentsSynced, 'segment')}`;
    const lookups = other > 0 ? `; ${plural(other, 'lookup')} failed` : '';
    text = `${head}: ${records}${lookups}.`;
  }
  if (result.removed > 0) text += ` ${plural(result.removed, 'record')} removed upstream were removed here.`;
  if (result.skippedNoSid > 0) {
    text += ` ${plural(result.skippedNoSid, 'record')} had no assessment SID and ${result.skippedNoSid === 1 ? 'was' : 'were'} skipped.`;
  }
  return text;
}
