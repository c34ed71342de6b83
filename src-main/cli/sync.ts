/**
 * `sync`: pulls what the reviewer names into the account's local store, as a job of the same
 * runner the app uses. Progress goes to stderr; stdout gets the summary (or, with --json, exactly
 * one JSON document). Ctrl+C cancels the job and waits for it to stop: what was committed stays
 * and the next run resumes from it.
 */
import { readFile, stat } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import type { z } from 'zod';
import { addConnectionOptions, selectProfile, type ConnectionOptions } from './connection.ts';
import { action, failureText, type Cli, type CliServices, type CommandGroup } from './context.ts';
import { EXIT_CANCELLED, EXIT_FAILURE, EXIT_OK, UsageError } from './exit-codes.ts';
import { createProgress, formatDuration } from './progress.ts';
import { AppError, toErrorBody } from '../errors.ts';
import {
  AgentIdSchema,
  ReservationSidSchema,
  SegmentIdSchema,
  splitIdList,
  SYNC_CONCURRENCY_DEFAULT,
  SYNC_CONCURRENCY_MAX,
  SyncOptionsSchema,
  SyncTargetSchema,
  type JobSnapshot,
  type ParsedRequestOf,
  type SyncResult,
  type SyncTarget,
} from '../../src-preload/contract.ts';

interface SyncFlags extends ConnectionOptions {
  segment?: string[];
  agent?: string[];
  reservation?: string[];
  conversation?: string[];
  segmentsFile?: string;
  all?: boolean;
  stored?: boolean;
  concurrency?: number;
  pageSize?: number;
  json?: boolean;
}

type SyncOptions = ParsedRequestOf<'sync', 'start'>['options'];

/** A pasted segments file is a spreadsheet column, not a database dump. */
const MAX_SEGMENTS_FILE_BYTES = 8 * 1024 * 1024;

/** A repeatable id option, each value checked with the contract's schema as it is parsed. */
function ids(schema: z.ZodType<string>) {
  return (value: string, previous: string[] = []): string[] => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]?.message ?? 'Not an ID.');
    return previous.includes(parsed.data) ? previous : [...previous, parsed.data];
  };
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('Expected a whole number.');
  return Number(value.trim());
}

export const syncGroup: CommandGroup = {
  synopsis: `  sync [--segment <id>]… [--agent <id>]… [--reservation <WR…>]… [--conversation <id>]…
       [--segments-file <file or ->] [--all] [--stored] [--concurrency N] [--json]
                                         pull assessments and comments into the local store`,
  register: registerSync,
};

function registerSync(program: Command, cli: Cli): void {
  const sync = program
    .command('sync')
    .summary('pull assessments and comments into the local store')
    .description(
      'Pull the assessments and comments of segments, agents, reservations, conversations or the ' +
        'whole account into the local store, so they can be browsed and exported offline.',
    )
    .option('--segment <id>', 'a segment ID (repeatable)', ids(SegmentIdSchema))
    .option(
      '--agent <id>',
      'an agent ID: their comments, then the segments those name (repeatable)',
      ids(AgentIdSchema),
    )
    .option(
      '--reservation <WR…>',
      'a reservation SID, resolved to its segments (repeatable)',
      ids(ReservationSidSchema),
    )
    .option(
      '--conversation <segment id>',
      'every segment of the conversation this segment belongs to (repeatable)',
      ids(SegmentIdSchema),
    )
    .option(
      '--segments-file <file or ->',
      'segment IDs from a file, or - for standard input: any separators (a spreadsheet column, commas, lines), duplicates removed',
    )
    .option('--all', 'everything the account returns (Assessments and Comments without a filter)')
    .option('--stored', 'sync again every segment already in the store')
    .option(
      '--concurrency <n>',
      `most requests in parallel, 1–${SYNC_CONCURRENCY_MAX} (default ${SYNC_CONCURRENCY_DEFAULT}; halves when Twilio answers 429)`,
      wholeNumber,
    )
    .option('--page-size <n>', 'records per page, 1–1000 (default 1000)', wholeNumber)
    .option(
      '--json',
      'print the final job snapshot as one JSON document on stdout (progress stays on stderr)',
    );
  addConnectionOptions(sync, { account: true })
    .addHelpText(
      'after',
      `
Credentials come from the keychain (a stored account) or from TWILIO_ACCOUNT_SID with
TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET (the read-only Environment account);
never from the command line.

Exit codes: 0 everything synced; 1 something failed (each failed segment is listed on stderr);
2 bad usage; 130 cancelled with Ctrl+C (what was synced is kept; run again to resume).

Examples:
  npm run cli -- sync --segment 7f3c…  --segment 91ab…
  pbpaste | npm run cli -- sync --segments-file - --profile "Support EU"
  TWILIO_ACCOUNT_SID=AC… TWILIO_AUTH_TOKEN=… npm run cli -- sync --all --json > sync.json`,
    )
    .action(action(cli, (flags: SyncFlags) => runSync(cli, flags)));
}

const TARGET_FLAG: Record<string, string> = {
  segments: '--segment / --segments-file',
  agents: '--agent',
  reservations: '--reservation',
  conversations: '--conversation',
};

async function targetOf(flags: SyncFlags, cli: Cli): Promise<SyncTarget> {
  const fromFile = flags.segmentsFile === undefined ? [] : await readSegmentsFile(flags.segmentsFile, cli);
  const parsed = SyncTargetSchema.safeParse({
    segments: [...new Set([...(flags.segment ?? []), ...fromFile])],
    agents: flags.agent ?? [],
    reservations: flags.reservation ?? [],
    conversations: flags.conversation ?? [],
    all: flags.all === true,
    stored: flags.stored === true,
  });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const flag = TARGET_FLAG[String(issue.path[0])];
  throw new UsageError(
    flag
      ? `${flag}: ${issue.message}`
      : `${issue.message} Use --segment, --agent, --reservation, --conversation, --segments-file, --all or --stored.`,
  );
}

async function readSegmentsFile(path: string, cli: Cli): Promise<string[]> {
  let text: string;
  if (path === '-') {
    text = '';
    for await (const chunk of cli.io.stdin) {
      text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (text.length > MAX_SEGMENTS_FILE_BYTES)
        throw new UsageError('--segments-file -: standard input is too long.');
    }
  } else {
    try {
      if ((await stat(path)).size > MAX_SEGMENTS_FILE_BYTES)
        throw new UsageError(`--segments-file: ${path} is over 8 MB; that is not a list of segment IDs.`);
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (error instanceof UsageError) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new AppError('invalid_request', `The segments file ${path} could not be read (${code}).`, {
        cause: error,
      });
    }
  }
  const tokens = splitIdList(text);
  const bad = tokens.filter((t) => !SegmentIdSchema.safeParse(t).success);
  if (bad.length > 0) {
    const shown = bad
      .slice(0, 3)
      .map((t) => `“${t.slice(0, 40)}”`)
      .join(', ');
    throw new UsageError(
      `--segments-file: ${bad.length} ${bad.length === 1 ? 'entry is' : 'entries are'} not a segment ID (${shown}${bad.length > 3 ? ', …' : ''}).`,
    );
  }
  if (tokens.length === 0)
    throw new UsageError(`--segments-file: ${path === '-' ? 'standard input' : path} names no segment.`);
  return tokens;
}

function optionsOf(flags: SyncFlags): SyncOptions {
  const parsed = SyncOptionsSchema.safeParse({
    ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
    ...(flags.pageSize === undefined ? {} : { pageSize: flags.pageSize }),
  });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const flag = issue.path[0] === 'pageSize' ? '--page-size' : '--concurrency';
  const why =
    issue.code === 'too_big'
      ? `at most ${String(issue.maximum)}`
      : issue.code === 'too_small'
        ? `at least ${String(issue.minimum)}`
        : issue.message;
  throw new UsageError(`${flag}: ${why}.`);
}

function syncServices(services: CliServices): Required<Pick<CliServices, 'sync' | 'jobs'>> {
  const { sync, jobs } = services;
  if (!sync || !jobs) throw new AppError('internal', 'This build of QM Desk has no sync service.');
  return { sync, jobs };
}

async function runSync(cli: Cli, flags: SyncFlags): Promise<number> {
  const target = await targetOf(flags, cli);
  const options = optionsOf(flags);
  const { io } = cli;
  const json = flags.json === true;

  let jobId: string | null = null;
  const progress = createProgress(io.stderr);
  // Ctrl+C before the job exists is remembered and acted on as soon as it does.
  let interrupted = false;
  let cancelJob: (() => void) | null = null;
  const offInterrupt = cli.onInterrupt(() => {
    interrupted = true;
    cancelJob?.();
  });
  const offLog = cli.routeLog((line) => progress.note(line));
  // Events may come before start() answers: keep the latest per job until we know ours.
  const early = new Map<string, JobSnapshot>();
  const offEvent = cli.onEvent((name, payload) => {
    if (name !== 'jobs.progress') return;
    const snapshot = payload as JobSnapshot;
    if (jobId === null) early.set(snapshot.jobId, snapshot);
    else if (snapshot.jobId === jobId && snapshot.state === 'running') progress.update(snapshot);
  });
  try {
    const services = await cli.services(flags);
    const profile = await selectProfile(services.accounts, flags);
    const { sync, jobs } = syncServices(services);
    if (interrupted) throw new AppError('cancelled', 'Cancelled before the sync started.');
    const first = await sync.start({ profileId: profile.id, target, options });
    jobId = first.jobId;
    cancelJob = () => {
      progress.note('Cancelling: stopping after the requests in flight (Ctrl+C again quits at once).');
      // A job that ended meanwhile is not found: nothing to cancel.
      void Promise.resolve()
        .then(() => jobs.cancel(first.jobId))
        .catch(() => {});
    };
    if (interrupted) cancelJob();
    progress.update(early.get(jobId) ?? first);
    const final = await jobs.wait(jobId);
    progress.finish(final);
    return report(cli, final, json);
  } catch (error) {
    if (json && !(error instanceof UsageError))
      io.stdout.write(`${JSON.stringify({ error: toErrorBody(error) }, null, 2)}\n`);
    throw error;
  } finally {
    offEvent();
    offInterrupt();
    offLog();
  }
}

function report(cli: Cli, final: JobSnapshot, json: boolean): number {
  const { stdout, stderr } = cli.io;
  if (json) stdout.write(`${JSON.stringify(final, null, 2)}\n`);
  if (final.state === 'cancelled') {
    stderr.write('Cancelled. What was synced is kept; run the same command again to resume.\n');
    return EXIT_CANCELLED;
  }
  if (final.state !== 'done' || final.result?.kind !== 'sync') {
    stderr.write(failureText(final.error ?? { message: 'The sync did not finish.' }));
    return EXIT_FAILURE;
  }
  const result: SyncResult = final.result;
  if (!json) stdout.write(summary(result, final));
  if (result.skippedNoSid > 0) {
    const one = result.skippedNoSid === 1;
    stderr.write(
      `Warning: ${result.skippedNoSid} ${one ? 'record had' : 'records had'} no assessment SID and ${one ? 'was' : 'were'} skipped.\n`,
    );
  }
  if (result.failures.length === 0) return EXIT_OK;
  for (const f of result.failures) stderr.write(`Failed: ${f.kind} ${f.id} — ${f.error.message}\n`);
  stderr.write(`${failedSummary(result)}. Run the same command again to retry.\n`);
  return EXIT_FAILURE;
}

/** "2 of 40 segments failed", or the count of other parts (an agent's comment list …) that did. */
function failedSummary(r: SyncResult): string {
  const segments = r.failures.filter((f) => f.kind === 'segment').length;
  if (segments > 0) return `${segments} of ${r.segments} segments failed`;
  return `${r.failures.length} ${r.failures.length === 1 ? 'part' : 'parts'} of the sync failed`;
}

function summary(r: SyncResult, final: JobSnapshot): string {
  const took = formatDuration(((final.endedAt ?? final.startedAt) - final.startedAt) / 1000);
  const removed = r.removed > 0 ? `, ${r.removed} removed (gone upstream)` : '';
  const slowed = r.rateLimited > 0 ? ` Twilio asked to slow down ${r.rateLimited} times.` : '';
  return `Synced ${r.segmentsSynced} of ${r.segments} segments: ${r.assessments} assessments, ${r.comments} comments${removed} in ${took}.${slowed}\n`;
}
