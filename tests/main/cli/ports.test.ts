import { describe, expect, it } from 'vitest';
import { createCliLogger } from '../../../src-main/cli/ports.ts';

describe('the CLI logger', () => {
  it('writes warnings and errors as tagged lines, drops info, and never a secret', () => {
    const lines: string[] = [];
    const token = 'tok-5f4e3d2c1b0a';
    const logger = createCliLogger((l) => lines.push(l), {
      TWILIO_AUTH_TOKEN: token,
      TWILIO_API_SECRET: 'sec-99887766',
    });
    logger.info('chatter', { a: 1 });
    logger.warn('A job event could not be delivered', { event: 'jobs.progress', count: 2 });
    logger.error(`Request failed with ${token} in it`, {
      password: 'p',
      authToken: token,
      reason: `echo sec-99887766`,
    });
    expect(lines).toEqual([
      '[warning] A job event could not be delivered (event=jobs.progress, count=2)',
      '[error] Request failed with [redacted] in it (reason=echo [redacted])',
    ]);
  });
});
