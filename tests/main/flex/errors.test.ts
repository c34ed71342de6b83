import { describe, expect, it } from 'vitest';
import { AppError, toErrorBody } from '../../../src-main/errors.ts';
import { FlexError, httpError, parseTwilioErrorBody, scrubCause } from '../../../src-main/flex/errors.ts';

const twilio = (code: number, status: number) => ({
  code,
  message: `message ${code}`,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});

describe('HTTP errors', () => {
  it.each([
    [401, 20003, 'auth', /rejected the credentials/],
    [403, 20403, 'forbidden', /may not read Flex Insights/],
    [404, 20404, 'not_found', /region, edge and custom URL/],
    [429, 20429, 'rate_limited', /limiting how many requests/],
    [500, 20500, 'server', /HTTP 500/],
    [503, 20503, 'server', /HTTP 503/],
    [400, 20001, 'bad_request', /HTTP 400\): message 20001/],
  ] as const)('%i / %i is %s with Twilio’s details kept', (status, code, expected, message) => {
    const body = parseTwilioErrorBody(JSON.stringify(twilio(code, status)));
    const error = httpError(status, body, '/v1/Insights/UserRoles', null);
    expect(error).toBeInstanceOf(FlexError);
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe(expected);
    expect(error.message).toMatch(message);
    expect(error.detail).toEqual({
      status,
      path: '/v1/Insights/UserRoles',
      twilioCode: code,
      moreInfo: `https://www.twilio.com/docs/errors/${code}`,
      twilioMessage: `message ${code}`,
    });
    expect(error.retryable).toBe(expected === 'rate_limited' || expected === 'server');
    // What crosses IPC: code, message, detail, nothing else.
    expect(Object.keys(toErrorBody(error)).sort()).toEqual(['code', 'detail', 'message']);
  });

  it('goes by Twilio’s code when the status is unusual', () => {
    expect(httpError(400, { code: 20003 }, '/', null).code).toBe('auth');
    expect(httpError(400, { code: 20429 }, '/', 2000)).toMatchObject({
      code: 'rate_limited',
      detail: { retryAfterMs: 2000 },
    });
  });

  it('reads only the fields it knows from an error body, and survives junk', () => {
    expect(parseTwilioErrorBody('<html>bad gateway</html>')).toEqual({});
    expect(parseTwilioErrorBody('null')).toEqual({});
    expect(parseTwilioErrorBody('{"code":"x","message":7,"extra":1}')).toEqual({});
    expect(parseTwilioErrorBody(JSON.stringify({ message: 'm'.repeat(2000) })).message).toHaveLength(500);
  });

  it('keeps only name, code and message of a low-level cause', () => {
    const low = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
      request: { headers: { authorization: 'Basic c2VjcmV0' } },
    });
    const cause = scrubCause(low);
    expect(cause).toMatchObject({
      name: 'Error',
      message: 'connect ECONNREFUSED 127.0.0.1:1',
      code: 'ECONNREFUSED',
    });
    expect(JSON.stringify(cause) + String(cause?.stack)).not.toContain('c2VjcmV0');
    expect(Object.keys(cause ?? {}).sort()).toEqual(['code', 'name']);
  });
});
