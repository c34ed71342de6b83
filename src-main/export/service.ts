/**
 * The export service behind the contract's `export.*` channels.
 *
 *   const exports = createExportService({ workspaces, jobs, dialogs, clipboard, shell, clock, logger });
 *   await exports.start(request);   // save dialog in main, then the job; null when the dialog was cancelled
 *   await exports.reveal({ jobId }); // the finished export's file in the OS file manager
 *   await exports.copyRows(request); // rows by key as TSV on the clipboard
 *
 * No path ever comes from the renderer: the target is what the save dialog answers, and reveal
 * finds the file through the job's own result.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { AppError } from '../errors.ts';
import type { JobRunner } from '../jobs/types.ts';
import type { ClipboardPort, ClockPort, DialogsPort, LoggerPort, ShellPort } from '../ports.ts';
import type { Workspaces } from '../workspaces/types.ts';
import type { JobSnapshot, ParsedRequestOf } from '../../src-preload/contract.ts';
import { cellsOf, exportColumns, headerOf } from './columns.ts';
import { exportJob } from './job.ts';
import { defaultFileName } from './names.ts';
import { countRows, rowsByKey } from './rows.ts';
import { checkSpec } from './run.ts';
import { rowsToTsv } from './tsv.ts';

export interface ExportServiceDeps {
  workspaces: Pick<Workspaces, 'open'>;
  jobs: Pick<JobRunner, 'start' | 'list'>;
  /** The save dialog; absent where there is no window (the CLI writes to --out instead). */
  dialogs?: DialogsPort;
  clipboard?: ClipboardPort;
  shell: ShellPort;
  clock: ClockPort;
  logger: LoggerPort;
}

export type ExportStartRequest = ParsedRequestOf<'export', 'start'>;
export type ExportRevealRequest = ParsedRequestOf<'export', 'reveal'>;
export type CopyRowsRequest = ParsedRequestOf<'export', 'copyRows'>;

export interface ExportService {
  start(req: ExportStartRequest): Promise<JobSnapshot | null>;
  reveal(req: ExportRevealRequest): Promise<null>;
  copyRows(req: CopyRowsRequest): Promise<{ profileId: string; rows: number }>;
}

const DIALOG_TITLE = {
  assessments: 'Export assessments',
  comments: 'Export comments',
  scores: 'Export scores',
};

export function createExportService(deps: ExportServiceDeps): ExportService {
  const { workspaces, jobs, dialogs, clipboard, shell, clock, logger } = deps;

  return {
    async start(req) {
      const { profileId, ...spec } = req;
      checkSpec(spec);
      if (!dialogs) {
        throw new AppError(
          'export_target_invalid',
          'There is no save dialog here to choose where the export goes. On the command line, use ' +
            '`npm run cli -- export --out <file.csv>`.',
        );
      }
      const workspace = await workspaces.open(profileId);
      const total = await countRows(workspace.store, spec);
      const target = await dialogs.saveFile({
        title: DIALOG_TITLE[spec.kind],
        defaultName: defaultFileName(spec.kind, workspace.label, clock.now()),
        filters: [{ name: 'CSV (comma-separated values)', extensions: ['csv'] }],
      });
      if (target === null) return null;
      if (!isAbsolute(target)) {
        throw new AppError(
          'export_target_invalid',
          'The save dialog did not give a full path for the export. Choose the file again.',
        );
      }
      const snapshot = jobs.start(exportJob(profileId, workspace.store, spec, target, total));
      logger.info('Export started', { profileId, kind: spec.kind, jobId: snapshot.jobId, total });
      return snapshot;
    },

    async reveal({ jobId }) {
      const job = jobs.list().find((j) => j.jobId === jobId);
      if (!job) {
        throw new AppError(
          'job_not_found',
          'That export is no longer known (it ended a while ago or QM Desk restarted). Look for the file where you saved it.',
          { detail: { jobId } },
        );
      }
      if (job.kind !== 'export') {
        throw new AppError('invalid_request', 'That job is not an export, so it has no file to show.', {
          detail: { jobId },
        });
      }
      const file = job.result?.kind === 'export' ? job.result.files[0] : undefined;
      if (!file) {
        throw new AppError(
          'invalid_request',
          job.state === 'running'
            ? 'That export is still being written. Show it in its folder once it has finished.'
            : 'That export did not write a file (it failed or was cancelled).',
          { detail: { jobId, state: job.state } },
        );
      }
      if (!shell.showItemInFolder) {
        throw new AppError(
          'invalid_request',
          `There is no file manager to show it in here. The file is ${file.path}.`,
        );
      }
      const found = await stat(file.path).catch(() => null);
      if (!found?.isFile()) {
        throw new AppError(
          'export_target_invalid',
          `The exported file is no longer at ${file.path} (moved or deleted). Export again to make a new one.`,
          { detail: { path: file.path } },
        );
      }
      shell.showItemInFolder(file.path);
      return null;
    },

    async copyRows({ profileId, kind, keys, columns: ids, header }) {
      const columns = exportColumns(kind, ids);
      if (!clipboard) {
        throw new AppError('invalid_request', 'There is no clipboard here to copy to.');
      }
      const { store } = await workspaces.open(profileId);
      const rows = await rowsByKey(store, kind, keys);
      if (rows.length === 0) {
        throw new AppError(
          'not_found',
          "None of the selected rows are in this account's local data any more. Select them again and copy.",
        );
      }
      const cells = rows.map((row) => cellsOf(columns, row));
      clipboard.writeText(
        rowsToTsv(cells, { header: header ? headerOf(columns) : null, formulaGuard: true }),
      );
      return { profileId, rows: rows.length };
    },
  };
}
