/**
 * The same byte scan as the accounts leak tests, over the log folder: secrets logged in every form
 * and place (messages, nested details, Error stacks, URLs, headers) must not be found, while the
 * context a reviewer needs (SIDs, what happened) is still there.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src-main/errors.ts';
import { createFileLogger, type FileLogger } from '../../../src-main/logging/file-logger.ts';
import { findLeaks, KEY_A, leakForms, SID_A } from '../../support/accounts-fixture.ts';

const TOKEN = 'tok-0f1e2d3c4b5a69788796a5b4c3d2e1f0';
/** Characters that change under URL encoding. */
const ODD_SECRET = 'p@ss/w0rd+with space&=9a8b7c6d';
/** Real Twilio shapes, never remembered: recognised by what they look like. */
const AUTH_TOKEN = '9f86d081884c7d659a2feaa0c55ad015';
const KEY_SECRET = 'Zk3q9XbT7mWc2LpR8vNd4HsY6jQe1GaU';
const QUESTION_SID = 'GEaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const CATEGORY_SID = 'FY0123456789abcdef0123456789abcdef';

let root: string;
let log: FileLogger;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'qm-logging-'));
  log = createFileLogger({ dir: join(root, 'logs'), maxBytes: 16_000, keep: 5 });
});

afterEach(async () => {
  await log.close();
  await rm(root, { recursive: true, force: true });
});

const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

/** Every place a secret could travel through a log call. */
function logEverywhere(secret: string, form: string): void {
  log.error(`Connection test failed for ${SID_A} with ${form}`, { accountSid: SID_A });
  log.warn('Request rejected', {
    accountSid: SID_A,
    request: {
      url: `https://${SID_A}:${form}@flex-api.twilio.com/v1/Insights/QualityManagement/Questions?CategorySid=${CATEGORY_SID}&Token=${encodeURIComponent(form)}`,
      headers: { Authorization: basic(SID_A, secret), 'X-Note': `value ${form}` },
      attempts: [{ note: form }, [form, { deeper: { still: form } }]],
    },
    questionSid: QUESTION_SID,
  });
  const error = new Error(`upstream said: invalid credentials ${form}`, {
    cause: new Error(`inner ${form}`),
  });
  log.error('Sync failed', {
    error,
    stack: error.stack,
    text: `headers: Authorization: ${basic(SID_A, secret)}`,
  });
  log.error('Wrapped', {
    error: new AppError('auth', `The token ${form} was rejected. Check it in Accounts.`, {
      detail: { sent: form },
    }),
  });
  log.info(`${basic(SID_A, secret)} Bearer ${form} raw=${form}`);
}

describe('no secret reaches the log folder', () => {
  it('finds no form of a remembered secret, in any place, while SIDs and messages stay', async () => {
    log.redact(TOKEN, SID_A);
    log.redact(ODD_SECRET, KEY_A);
    const forms = [
      ...leakForms(TOKEN, SID_A),
      ...leakForms(ODD_SECRET, KEY_A),
      encodeURIComponent(ODD_SECRET),
      encodeURIComponent(ODD_SECRET).replaceAll('%20', '+'),
    ];
    for (const form of forms) logEverywhere(TOKEN, form);
    log.warn('Second account', { apiKeySid: KEY_A, note: `${basic(KEY_A, ODD_SECRET)} ${ODD_SECRET}` });
    await log.close();

    expect(await findLeaks(join(root, 'logs'), forms)).toEqual([]);
    const text = await allText();
    for (const context of [
      SID_A,
      KEY_A,
      QUESTION_SID,
      CATEGORY_SID,
      'Connection test failed',
      'Check it in Accounts',
    ])
      expect(text.includes(context), context).toBe(true);
    expect(text).toContain('[redacted]');
  });

  it('recognises Twilio-shaped secrets and credentials nobody remembered', async () => {
    for (const secret of [AUTH_TOKEN, KEY_SECRET]) logEverywhere(secret, secret);
    log.info('Env profile', {
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_API_SECRET: KEY_SECRET,
      TWILIO_ACCOUNT_SID: SID_A,
    });
    log.info(`env TWILIO_AUTH_TOKEN=${AUTH_TOKEN} and {"authToken":"${KEY_SECRET}"}`);
    for (const secret of [AUTH_TOKEN, KEY_SECRET]) {
      const [, base64, hex] = leakForms(secret);
      log.info('Encoded', { token: hex, apiKey: base64, headers: { cookie: `session=${base64}` } });
    }
    await log.close();

    const forms = [...leakForms(AUTH_TOKEN, SID_A), ...leakForms(KEY_SECRET, SID_A)];
    expect(await findLeaks(join(root, 'logs'), forms)).toEqual([]);
    const text = await allText();
    for (const context of [SID_A, QUESTION_SID, CATEGORY_SID, 'TWILIO_ACCOUNT_SID', 'upstream said'])
      expect(text.includes(context), context).toBe(true);
  });

  it('scrubs what recent() hands to "Copy diagnostics", including secrets remembered later', async () => {
    log.warn(`Using ${Buffer.from(TOKEN).toString('base64')}`, { password: TOKEN });
    log.redact(TOKEN);
    const copied = JSON.stringify(log.recent());
    for (const form of leakForms(TOKEN)) expect(copied).not.toContain(form);
    expect(copied).toContain('Using [redacted]');
  });
});

async function allText(): Promise<string> {
  const names = [
    'qm-desk.5.log',
    'qm-desk.4.log',
    'qm-desk.3.log',
    'qm-desk.2.log',
    'qm-desk.1.log',
    'qm-desk.log',
  ];
  const parts = await Promise.all(names.map((n) => readFile(join(root, 'logs', n), 'utf8').catch(() => '')));
  return parts.join('');
}
