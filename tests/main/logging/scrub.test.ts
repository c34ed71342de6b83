/** The scrubber on its own: each shape it removes, and the context it must leave alone. */
import { describe, expect, it } from 'vitest';
import { createScrubber, REDACTED } from '../../../src-main/logging/scrub.ts';
import { KEY_A, SID_A } from '../../support/accounts-fixture.ts';

const AUTH_TOKEN = '9f86d081884c7d659a2feaa0c55ad015';

describe('scrubbing text', () => {
  const scrub = createScrubber();

  it.each([
    [
      'Basic credentials',
      `Basic ${Buffer.from(`${SID_A}:x`).toString('base64')} sent`,
      `Basic ${REDACTED} sent`,
    ],
    ['Bearer tokens', 'got Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc back', `got Bearer ${REDACTED} back`],
    [
      'URL passwords, keeping the user',
      `https://${KEY_A}:hunter2@flex-api.twilio.com/v1`,
      `https://${KEY_A}:${REDACTED}@flex-api.twilio.com/v1`,
    ],
    [
      'secret query parameters, keeping the others',
      `/v1/Questions?CategorySid=FY1&access_token=abc.def&Page=2`,
      `/v1/Questions?CategorySid=FY1&access_token=${REDACTED}&Page=2`,
    ],
    [
      'secret key=value pairs',
      'TWILIO_AUTH_TOKEN=abc TWILIO_REGION=ie1',
      `TWILIO_AUTH_TOKEN=${REDACTED} TWILIO_REGION=ie1`,
    ],
    ['quoted JSON pairs', '{"password":"a\\"b","user":"me"}', `{"password":"${REDACTED}","user":"me"}`],
    [
      'credential header lines',
      'Cookie: session=abc; theme=dark\nAccept: */*',
      `Cookie: ${REDACTED}\nAccept: */*`,
    ],
    ['a bare 32-hex auth token', `token ${AUTH_TOKEN}.`, `token ${REDACTED}.`],
    ['a bare 32-character API key secret', 'secret Zk3q9XbT7mWc2LpR8vNd4HsY6jQe1GaU', `secret ${REDACTED}`],
  ])('removes %s', (_name, input, expected) => {
    expect(scrub.text(input)).toBe(expected);
  });

  it.each([
    [
      'SIDs of every kind',
      `${SID_A} ${KEY_A} GEaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa WR0123456789abcdef0123456789abcdef`,
    ],
    ['SIDs in key=value form', `accountSid=${SID_A}&apiKeySid=${KEY_A}`],
    [
      'prose about credentials',
      'Basic setup failed: the token was rejected. Check the password in Accounts.',
    ],
    ['longer hex like hashes', 'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['long words without digits', 'internationalizationlocalization'],
    ['ordinary query parameters', '/v1/Questions?CategorySid=FY1&PageSize=50'],
  ])('leaves %s alone', (_name, input) => {
    expect(scrub.text(input)).toBe(input);
  });
});

describe('remembered secrets', () => {
  const secret = 'my-s3cret/value+with=odd chars';

  it('removes the plain, URL-encoded, hex (any case) and base64/base64url forms', () => {
    const scrub = createScrubber();
    scrub.remember(secret);
    const bytes = Buffer.from(secret);
    for (const form of [
      secret,
      encodeURIComponent(secret),
      bytes.toString('hex'),
      bytes.toString('hex').toUpperCase(),
      bytes.toString('base64'),
      bytes.toString('base64url'),
    ]) {
      expect(scrub.text(`x ${form} y`)).not.toContain(form);
      expect(scrub.text(`x ${form} y`)).toMatch(/^x .*\[redacted\].* y$/);
    }
  });

  it('removes the secret inside base64 of `anyone:secret`, user given or not', () => {
    const scrub = createScrubber();
    scrub.remember(secret, 'given-user');
    for (const user of ['given-user', 'u', 'us', 'someone-else']) {
      const encoded = Buffer.from(`${user}:${secret}`).toString('base64');
      const out = scrub.text(encoded);
      // What is left cannot be decoded back to the secret.
      expect(Buffer.from(out.replaceAll(REDACTED, ''), 'base64').toString('latin1')).not.toContain(
        secret.slice(4, 16),
      );
    }
  });

  it('ignores an empty or few-character secret instead of redacting common words', () => {
    const scrub = createScrubber();
    for (const short of ['', ' ', 'a', 'sync', 'abc1234']) scrub.remember(short);
    const line = 'A sync of Acme Support failed: abc1234 was refused';
    expect(scrub.text(line)).toBe(line);
  });

  it('matches base64 forms case-sensitively, so words that differ only in case stay', () => {
    const scrub = createScrubber();
    const token = 'Support-Team-Key-2024';
    scrub.remember(token);
    expect(scrub.text(`use ${token} now`)).toBe(`use ${REDACTED} now`);
    expect(scrub.text(`use ${token.toLowerCase()} now`)).toBe(`use ${token.toLowerCase()} now`);
  });

  it('leaves no half secret at the cut, however much earlier replacements shrank the text', () => {
    const scrub = createScrubber();
    const token = 'Q7f'.repeat(10) + 'Zz';
    scrub.remember(token);
    // 200 copies shrink the text by ~4,400 characters before the cut, more than the margin.
    const head = `${token} `.repeat(200);
    const text = `${head}${'p'.repeat(16_384 + 1_024 - head.length - 16)}${token}${'q'.repeat(30_000)}`;
    const out = scrub.text(text);
    expect(out).not.toContain(token.slice(0, 16));
    expect(out).toMatch(/truncated\]$/);
  });

  it('cuts a long string without leaving part of a secret at the cut', () => {
    const scrub = createScrubber();
    scrub.remember(secret);
    for (const at of [16_384 - 10, 16_384 - 1, 16_384]) {
      const out = scrub.text(`${'a'.repeat(at)}${secret}${'b'.repeat(20_000)}`);
      expect(out).not.toContain(secret.slice(0, 8));
      expect(out).toMatch(/truncated\]$/);
    }
  });
});

describe('scrubbing values', () => {
  const scrub = createScrubber();

  it('redacts values under secret keys at any depth, keeping flags and SIDs', () => {
    expect(
      scrub.value({
        profile: { accountSid: SID_A, credential: { kind: 'apiKey', apiKeySid: KEY_A } },
        headers: [{ Authorization: 'x' }, { 'x-api-key': 'k', Cookie: 'c' }],
        secretSaved: true,
        password: null,
        apiKeySid: KEY_A,
        tokens: 3,
      }),
    ).toEqual({
      profile: { accountSid: SID_A, credential: REDACTED },
      headers: [{ Authorization: REDACTED }, { 'x-api-key': REDACTED, Cookie: REDACTED }],
      secretSaved: true,
      password: null,
      apiKeySid: KEY_A,
      tokens: REDACTED,
    });
  });

  it('turns errors into name, message, stack, cause and their own fields', () => {
    const error = Object.assign(new TypeError('fetch failed', { cause: new Error('ECONNRESET') }), {
      code: 'UND_ERR',
      config: { headers: { authorization: 'Basic abc' } },
    });
    const out = scrub.value(error) as Record<string, unknown>;
    expect(out).toMatchObject({
      name: 'TypeError',
      message: 'fetch failed',
      code: 'UND_ERR',
      cause: { name: 'Error', message: 'ECONNRESET' },
      config: { headers: { authorization: REDACTED } },
    });
    expect(out['stack']).toMatch(/^TypeError: fetch failed\n/);
  });

  it('keeps a key named __proto__ as data', () => {
    const out = scrub.value(JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
