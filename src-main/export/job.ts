/**
 * The export as a job of the runner: progress in data rows (done of total), cancel through the
 * job's signal (the temp file goes, a file already at the target stays).
 */
import type { JobSpec } from '../jobs/types.ts';
import type { Store } from '../store/types.ts';
import type { ExportResult } from '../../src-preload/contract.ts';
import { exportLabel } from './names.ts';
import { exportToFile, type ExportSpec } from './run.ts';

export function exportJob(
  profileId: string,
  store: Store,
  spec: ExportSpec,
  target: string,
  total: number,
): JobSpec<ExportResult> {
  return {
    kind: 'export',
    profileId,
    label: exportLabel(spec.kind, total),
    async run(ctx) {
      ctx.progress({ phase: 'Reading the rows', done: 0, total });
      const result = await exportToFile(store, spec, target, {
        signal: ctx.signal,
        onProgress: (p) => ctx.progress({ phase: 'Writing the file', done: p.rows, total: p.total }),
      });
      ctx.progress({ phase: 'Saved', done: result.rows, total: result.rows });
      return result;
    },
  };
}
