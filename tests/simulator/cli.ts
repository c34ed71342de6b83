// `npm run sim -- --port 4010 --seed 1 --assessments 100000`: the simulator as a standalone server.
// Bad usage prints a message and exits 2. Credentials that are not given are generated from the seed
// and printed; given secrets are not echoed in text mode (--json prints the accounts whole).

import { parseArgs } from 'node:util';
import { defaultAccount, startSimulator } from './index.ts';
import type { SimAccount } from './index.ts';

const USAGE = `Usage: node tests/simulator/cli.ts [options]

Local Twilio Flex Insights Quality Management API simulator.

Options:
  --host <addr>            address to listen on (default 127.0.0.1)
  --port <n>               port, 0 for a free one (default 4010)
  --seed <n>               data set seed, 0..4294967295 (default 1)
  --assessments <n>        assessments in the account (default 1000)
  --comments <n>           comments in the account (default assessments / 4)
  --latency-ms <n>         delay added before every response (default 0)
  --max-concurrent <n>     answer 429 (20429) to an account's requests beyond n in flight (default: no limit)
  --percentage-mismatch-share <x>
                           share 0..1 of scored segments whose assessment_percentage
                           disagrees with the formula (default 0.05)
  --account-sid <AC…>      account SID to accept (with --auth-token)
  --auth-token <token>     auth token to accept (with --account-sid)
  --api-key-sid <SK…>      API key SID to accept (with --api-key-secret)
  --api-key-secret <s>     API key secret to accept (with --api-key-sid)
  --no-insights-access     answer 403 on every endpoint
  --json                   print one JSON line { url, accounts } instead of text
  -h, --help               show this help
`;

class UsageError extends Error {}

function integer(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) > max) {
    throw new UsageError(`--${name} must be an integer from 0 to ${max}, got '${value}'`);
  }
  return Number(value);
}

function share(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || n > 1) {
    throw new UsageError(`--${name} must be a number from 0 to 1, got '${value}'`);
  }
  return n;
}

function maxConcurrent(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = integer('max-concurrent', value, 0, 100_000);
  if (n < 1) throw new UsageError(`--max-concurrent must be at least 1, got '${value}'`);
  return n;
}

function pair(a: string, b: string, values: Record<string, unknown>): boolean {
  const hasA = values[a] !== undefined;
  if (hasA !== (values[b] !== undefined)) throw new UsageError(`--${a} and --${b} must be given together`);
  return hasA;
}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      seed: { type: 'string' },
      assessments: { type: 'string' },
      comments: { type: 'string' },
      'latency-ms': { type: 'string' },
      'max-concurrent': { type: 'string' },
      'percentage-mismatch-share': { type: 'string' },
      'account-sid': { type: 'string' },
      'auth-token': { type: 'string' },
      'api-key-sid': { type: 'string' },
      'api-key-secret': { type: 'string' },
      'no-insights-access': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const seed = integer('seed', values.seed, 1, 0xffffffff);
  const generated = defaultAccount(seed);
  const account: SimAccount = { ...generated, insightsAccess: values['no-insights-access'] !== true };
  if (pair('account-sid', 'auth-token', values)) {
    if (!/^AC[0-9a-fA-F]{32}$/.test(values['account-sid'] ?? '')) {
      throw new UsageError('--account-sid must be AC followed by 32 hex digits');
    }
    if ((values['auth-token'] ?? '') === '') throw new UsageError('--auth-token must not be empty');
    account.accountSid = values['account-sid'] ?? '';
    account.authToken = values['auth-token'] ?? '';
  }
  if (pair('api-key-sid', 'api-key-secret', values)) {
    if (!/^SK[0-9a-fA-F]{32}$/.test(values['api-key-sid'] ?? '')) {
      throw new UsageError('--api-key-sid must be SK followed by 32 hex digits');
    }
    if ((values['api-key-secret'] ?? '') === '') throw new UsageError('--api-key-secret must not be empty');
    account.apiKeys = [{ sid: values['api-key-sid'] ?? '', secret: values['api-key-secret'] ?? '' }];
  }
  const assessments = integer('assessments', values.assessments, 1000, 100_000_000);
  return {
    help: values.help === true,
    json: values.json === true,
    givenToken: values['auth-token'] !== undefined,
    givenSecret: values['api-key-secret'] !== undefined,
    options: {
      host: values.host ?? '127.0.0.1',
      port: integer('port', values.port, 4010, 65535),
      seed,
      assessments,
      comments: integer('comments', values.comments, Math.floor(assessments / 4), 100_000_000),
      latencyMs: integer('latency-ms', values['latency-ms'], 0, 3_600_000),
      maxConcurrent: maxConcurrent(values['max-concurrent']),
      percentageMismatchShare: share('percentage-mismatch-share', values['percentage-mismatch-share']),
      accounts: [account],
    },
  };
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof TypeError)) throw error;
    console.error(`sim: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const sim = await startSimulator(args.options);
  const [account] = sim.accounts;
  if (account === undefined) throw new Error('no account');
  const [key] = account.apiKeys;
  if (args.json) {
    console.log(JSON.stringify({ url: sim.url, accounts: sim.accounts }));
  } else {
    const { seed, assessments, comments } = args.options;
    console.log(`Flex Insights QM simulator listening on ${sim.url}`);
    console.log(
      `  seed ${seed}, ${assessments} assessments, ${comments} comments, ${sim.data.segmentCount} segments`,
    );
    console.log(`  Account SID:    ${account.accountSid}`);
    console.log(`  Auth Token:     ${args.givenToken ? '(as given)' : account.authToken}`);
    if (key !== undefined) {
      console.log(`  API Key SID:    ${key.sid}`);
      console.log(`  API Key secret: ${args.givenSecret ? '(as given)' : key.secret}`);
    }
    if (account.insightsAccess === false) console.log('  Insights access: none (every endpoint answers 403)');
    if (args.options.maxConcurrent !== undefined) {
      console.log(`  Concurrency:    ${args.options.maxConcurrent} requests per account, 429 beyond`);
    }
  }
  const stop = () => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`sim: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
