// `npm run harness`: the built app in your own browser, backed by the real services, a private
// keychain session (memory when none can start) and the local simulator. It opens on the demo
// workspace (synced in-process, as "Explore demo data" does) unless --no-demo is given.
import { parseArgs } from 'node:util';
import type { Services } from '../../../src-main/services.ts';
import type { JobSnapshot } from '../../../src-preload/contract.ts';
import { buildForBrowser } from '../build.ts';
import { startStack } from '../support/stack.ts';
import { startSecretService } from '../../support/secret-service.ts';

const usage =
  'usage: npm run harness -- [--assessments N] [--seed N] [--latency MS] [--no-build] [--no-demo]';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        assessments: { type: 'string', default: '2000' },
        seed: { type: 'string', default: '1' },
        latency: { type: 'string', default: '0' },
        'no-build': { type: 'boolean', default: false },
        'no-demo': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n${usage}`);
    return 2;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const numbers = [values.assessments, values.seed, values.latency].map(Number);
  if (numbers.some((n) => !Number.isInteger(n) || n < 0)) {
    console.error(`--assessments, --seed and --latency take whole numbers ≥ 0.\n${usage}`);
    return 2;
  }
  const [assessments, seed, latencyMs] = numbers as [number, number, number];
  if (!values['no-build']) await buildForBrowser();

  const secretService = await startSecretService();
  const keychain = 'missing' in secretService ? 'memory' : secretService;
  if (keychain === 'memory') console.warn('No private Secret Service could start; secrets stay in memory.');

  const stack = await startStack({ keychain, simulator: { assessments, seed, latencyMs } });
  const account = stack.sim!.accounts[0]!;
  console.log(`QM Desk harness:   ${stack.harness.url}`);
  console.log(`Simulator:         ${stack.sim!.url}  (use it as the account's custom base URL)`);
  console.log(`  Account SID      ${account.accountSid}`);
  console.log(`  Auth Token       ${account.authToken}  (simulator only)`);
  console.log(`Data folder:       ${stack.dataDir} (deleted on exit)`);
  if (!values['no-demo']) await openDemo(stack.harness.services);
  console.log('Ctrl+C to stop.');
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await stack.close();
  if (keychain !== 'memory') await keychain.stop();
  return 0;
}

/**
 * Opens the demo workspace as the page's button does, and says when its sync has ended (and how
 * fast). A demo that cannot open leaves the harness running, for a real account.
 */
async function openDemo(services: Services): Promise<void> {
  const startedAt = performance.now();
  let job: JobSnapshot | null;
  try {
    ({ job } = await services.demo.open());
  } catch (error) {
    console.warn(`Demo data could not be opened: ${error instanceof Error ? error.message : error}`);
    return;
  }
  if (job === null) {
    console.log('Demo data:         open, synced already');
    return;
  }
  console.log('Demo data:         open, syncing (the page shows the progress)');
  void services.jobs
    .wait(job.jobId)
    .then((end) => {
      const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
      const outcome = end.state === 'done' ? end.phase : (end.error?.message ?? end.phase);
      console.log(`Demo sync ${end.state} in ${seconds} s. ${outcome}`);
    })
    .catch(() => undefined); // only a job forgotten meanwhile: nothing to report
}

process.exitCode = await main();
