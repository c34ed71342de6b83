import type { SyncFailure, SyncTargetInput } from '../../../src-preload/contract.ts';

/** A sync of just the failed parts: each failure goes back to the target list it came from. */
export function retryTargetOf(failures: readonly SyncFailure[]): SyncTargetInput {
  const of = (kind: SyncFailure['kind']): string[] => [
    ...new Set(failures.filter((f) => f.kind === kind).map((f) => f.id)),
  ];
  const target: SyncTargetInput = {
    segments: of('segment'),
    agents: of('agent'),
    reservations: of('reservation'),
    conversations: of('conversation'),
  };
  if (failures.some((f) => f.kind === 'all')) target.all = true;
  return target;
}
