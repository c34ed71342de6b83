/**
 * The accounts hand every secret they touch to the log's scrubber: a secret that reaches a log
 * line by mistake (in any spelling) is not in the log file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccountsService } from '../../../src-main/accounts/service.ts';
import { createFileLogger, type FileLogger } from '../../../src-main/logging/file-logger.ts';
import {
  createFixture,
  findLeaks,
  KEY_A,
  leakForms,
  profile,
  SID_A,
  SID_B,
  type Fixture,
} from '../../support/accounts-fixture.ts';

// Not shaped like a Twilio token, so only the remembered secret can catch it.
const TOKEN = 'tok-entered-in-the-form-1234';
const API_SECRET = 'kept:in/the+keychain=42';
const ENV_TOKEN = 'env-token-from-the-shell-987';

let fx: Fixture;
let logs: string;
let logger: FileLogger;
beforeEach(async () => {
  logs = await mkdtemp(join(tmpdir(), 'qm-logs-'));
  logger = createFileLogger({ dir: logs });
});
afterEach(async () => {
  await logger.close();
  await fx.cleanup();
  await rm(logs, { recursive: true, force: true });
});

/** Logs the secret in the ways a careless caller might: plain, hex, base64, URL-encoded, in Basic auth. */
function logCarelessly(secret: string, user: string): void {
  for (const form of [...leakForms(secret, user), encodeURIComponent(secret)])
    logger.error(`Request failed: ${form}`, { note: `saw ${form} in the response` });
}

describe('secrets and the log file', () => {
  it('scrubs the secrets of accounts added, edited, read back and tested', async () => {
    fx = await createFixture();
    const accounts = await createAccountsService(fx.deps({ logger }));
    const added = await accounts.add({ profile: profile(), secret: TOKEN, sessionOnly: false });
    const keyProfile = profile({ credential: { kind: 'apiKey', apiKeySid: KEY_A } });
    await accounts.update({ id: added.id, profile: keyProfile, secret: API_SECRET });
    await accounts.testDraft({ profile: profile({ accountSid: SID_B }), secret: `${TOKEN}-draft` });
    logCarelessly(TOKEN, SID_A);
    logCarelessly(API_SECRET, KEY_A);
    logCarelessly(`${TOKEN}-draft`, SID_B);
    await accounts.close();
    await logger.close();
    expect(
      await findLeaks(logs, [
        ...leakForms(TOKEN, SID_A),
        ...leakForms(API_SECRET, KEY_A),
        ...leakForms(`${TOKEN}-draft`, SID_B),
      ]),
    ).toEqual([]);
    // The lines are there, with what is not secret.
    expect(
      logger.recent().filter((r) => r.message.startsWith('Request failed: [redacted]')),
    ).not.toHaveLength(0);
  });

  it('scrubs the Environment account secret from the start, before anything reads it', async () => {
    fx = await createFixture({ env: { TWILIO_ACCOUNT_SID: SID_A, TWILIO_AUTH_TOKEN: ENV_TOKEN } });
    const accounts = await createAccountsService(fx.deps({ logger }));
    logCarelessly(ENV_TOKEN, SID_A);
    await accounts.close();
    await logger.close();
    expect(await findLeaks(logs, leakForms(ENV_TOKEN, SID_A))).toEqual([]);
  });
});
