/**
 * `npm run cli -- …`: the headless entry over the same services as the app. Ctrl+C cancels the
 * running job and waits for it to stop (exit 130); a second Ctrl+C quits at once.
 */
import { EXIT_CANCELLED } from './exit-codes.ts';
import { runCli } from './program.ts';

function onInterrupt(handler: () => void): () => void {
  let presses = 0;
  const onSigint = () => {
    presses += 1;
    if (presses === 1) return handler();
    if (process.stderr.isTTY) process.stderr.write('\x1B[?25h\n'); // the progress bar hid the cursor
    process.exit(EXIT_CANCELLED);
  };
  process.on('SIGINT', onSigint);
  return () => void process.off('SIGINT', onSigint);
}

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  onInterrupt,
});
process.exitCode = code;
// A keychain call that timed out can leave a native worker running; it must not keep us alive.
setTimeout(() => process.exit(code), 2_000).unref();
