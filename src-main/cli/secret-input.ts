/** Secrets come from standard input (a hidden prompt on a terminal), never from argv. */
import type { CliIo, CliStdin } from './context.ts';
import { UsageError } from './exit-codes.ts';
import { AppError } from '../errors.ts';

const MAX_SECRET_INPUT = 4096;

/** Reads the secret: hidden prompt on a terminal, else all of standard input (trimmed). */
export async function readSecret(io: CliIo, prompt: string): Promise<string> {
  const { stdin } = io;
  if (stdin.isTTY && stdin.setRawMode) return readHidden(stdin, io, prompt);
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.length > MAX_SECRET_INPUT) throw new UsageError('Standard input is too long to be a secret.');
  }
  return text.trim();
}

function readHidden(stdin: CliStdin, io: CliIo, prompt: string): Promise<string> {
  io.stderr.write(prompt);
  stdin.setRawMode?.(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolvePromise, reject) => {
    let typed = '';
    const done = (error: Error | null) => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr.write('\n');
      if (error) reject(error);
      else resolvePromise(typed.trim());
    };
    const onData = (chunk: string | Buffer) => {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done(null);
        if (ch === '\u0003') return done(new AppError('cancelled', 'Cancelled: nothing was saved.'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}
