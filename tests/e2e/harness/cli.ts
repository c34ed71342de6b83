// `npm run harness`: the built app in your own browser, backed by the real services, a private
// keychain session (memory when none can start) and the local simulator.
import { parseArgs } from 'node:util';
import { buildForBrowser } from '../build.ts';
import { startStack } from '../support/stack.ts';
import { startSecretService } from '../../support/secret-service.ts';

const usage = 'usage: npm run harness -- [--assessments N] [--seed N] [--latency MS] [--no-build]';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        assessments: { type: 'string', default: '2000' },
        seed: { type: 'string', default: '1' },
        latency: { type: 'string', default: '0' },
        'no-build': { type: 'boolean', default: false },
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
  console.log('Ctrl+C to stop.');
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await stack.close();
  if (keychain !== 'memory') await keychain.stop();
  return 0;
}

process.exitCode = await main();
