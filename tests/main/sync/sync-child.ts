// A sync in its own process, for the kill test: takes the account's lease, syncs into the store
// file it is given (credentials come over IPC, never argv) and reports every progress update, so
// the parent can SIGKILL it mid-run.
import { dirname } from 'node:path';
import { createFlexClient } from '../../../src-main/flex/client.ts';
import { silentLogger } from '../../../src-main/ports.ts';
import { openStore } from '../../../src-main/store/index.ts';
import { runSync } from '../../../src-main/sync/job.ts';
import { acquireLease } from '../../../src-main/sync/lease.ts';
import { SyncOptionsSchema, SyncTargetSchema } from '../../../src-preload/contract.ts';

export interface ChildJob {
  url: string;
  accountSid: string;
  authToken: string;
  file: string;
  target: unknown;
  options: unknown;
}

process.once('message', (job: ChildJob) => {
  void (async () => {
    await acquireLease(dirname(job.file), { label: 'child sync' });
    const store = await openStore({ file: job.file, accountSid: job.accountSid });
    const client = createFlexClient({
      accountSid: job.accountSid,
      username: job.accountSid,
      password: job.authToken,
      region: null,
      edge: null,
      baseUrl: job.url,
    });
    const result = await runSync(
      {
        store,
        client,
        target: SyncTargetSchema.parse(job.target),
        options: SyncOptionsSchema.parse(job.options),
        label: 'child sync',
      },
      {
        signal: new AbortController().signal,
        progress: (update) => process.send?.({ progress: update }),
        clock: { now: () => Date.now() },
        log: silentLogger,
      },
    );
    process.send?.({ result });
  })().catch((error: unknown) => process.send?.({ error: String(error) }));
});
