import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { createFlexClient } from '../../../src-main/flex/client.ts';
import { FlexError } from '../../../src-main/flex/errors.ts';
import { isLoopbackHost, resolveEndpoint, twilioHostname } from '../../../src-main/flex/hosts.ts';

// twilio-node's own rule, from the installed package: the reference every case is compared with.
const reference = twilio(`AC${'0'.repeat(32)}`, 'not-a-secret');
const theirs = (host: string, edge: string | null, region: string | null): string =>
  reference.getHostname(host, edge ?? undefined, region ?? undefined);

const target = (over: Partial<{ region: string | null; edge: string | null; baseUrl: string | null }>) => ({
  region: null,
  edge: null,
  baseUrl: null,
  ...over,
});

describe('region and edge host rule', () => {
  const hosts = [
    'flex-api.twilio.com',
    'flex-api.au1.twilio.com',
    'flex-api.sydney.au1.twilio.com',
    'flex-api.dublin.ie1.twilio.com',
    'api.twilio.com',
  ];
  const combos: [string | null, string | null][] = [
    [null, null],
    ['sydney', null],
    [null, 'au1'],
    ['dublin', 'ie1'],
    ['sao-paulo', 'br1'],
    ['ashburn', 'us1'],
    [null, 'us2'],
  ];
  for (const host of hosts) {
    for (const [edge, region] of combos) {
      it(`${host} with edge=${edge} region=${region} matches twilio-node`, () => {
        expect(twilioHostname(host, edge, region)).toBe(theirs(host, edge, region));
      });
    }
  }

  it('gives the documented hosts for the base URL', () => {
    expect(resolveEndpoint(target({})).base).toBe('https://flex-api.twilio.com');
    expect(resolveEndpoint(target({ region: 'au1' })).base).toBe('https://flex-api.au1.twilio.com');
    expect(resolveEndpoint(target({ edge: 'sydney' })).base).toBe('https://flex-api.sydney.us1.twilio.com');
    expect(resolveEndpoint(target({ edge: 'dublin', region: 'ie1' })).base).toBe(
      'https://flex-api.dublin.ie1.twilio.com',
    );
  });

  it('rewrites next-page URLs like twilio-node, keeping path and query', () => {
    const { rewrite } = resolveEndpoint(target({ edge: 'sydney', region: 'au1' }));
    const next = new URL('https://flex-api.twilio.com/v1/Insights/Segments?PageSize=5&Page=1&PageToken=x');
    expect(rewrite?.(next).href).toBe(
      'https://flex-api.sydney.au1.twilio.com/v1/Insights/Segments?PageSize=5&Page=1&PageToken=x',
    );
  });

  it('rejects a region or edge that could inject a host', () => {
    expect(() => resolveEndpoint(target({ region: 'evil.com/' }))).toThrow(FlexError);
    expect(() => resolveEndpoint(target({ edge: 'a.b' }))).toThrow(/edge/);
  });
});

describe('custom base URL', () => {
  it.each([
    ['https://flex.example.com', 'https://flex.example.com'],
    ['https://flex.example.com/proxy/', 'https://flex.example.com/proxy'],
    ['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
    ['http://127.8.9.10:4010/', 'http://127.8.9.10:4010'],
    ['http://localhost:4010', 'http://localhost:4010'],
    ['http://[::1]:4010', 'http://[::1]:4010'],
  ])('accepts %s', (input, base) => {
    const endpoint = resolveEndpoint(target({ baseUrl: input, region: 'au1', edge: 'sydney' }));
    // A custom base wins over region and edge, and is never rewritten.
    expect(endpoint.base).toBe(base);
    expect(endpoint.rewrite).toBeNull();
  });

  it.each([
    ['http://flex.example.com', /https/],
    ['http://10.0.0.1:4010', /https/],
    ['http://128.0.0.1', /https/],
    ['http://localhost.example.com', /https/],
    ['ftp://127.0.0.1', /https/],
    ['not a url', /not a valid URL/],
    ['https://user:pw@flex.example.com', /user name or password/],
    ['https://flex.example.com/?a=1', /query/],
  ])('rejects %s with a typed error', (input, message) => {
    let caught: unknown;
    try {
      resolveEndpoint(target({ baseUrl: input }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FlexError);
    expect((caught as FlexError).code).toBe('invalid_target');
    expect((caught as FlexError).message).toMatch(message);
  });

  it('knows loopback hosts', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('127.evil.com')).toBe(false);
    expect(isLoopbackHost(new URL('http://2130706433/').hostname)).toBe(true);
  });

  it('a client with a bad target reports it from testConnection and throws it from calls', async () => {
    const client = createFlexClient({
      accountSid: `AC${'1'.repeat(32)}`,
      username: `AC${'1'.repeat(32)}`,
      password: 'secret-token-value',
      region: null,
      edge: null,
      baseUrl: 'http://192.168.1.20:8080',
    });
    try {
      expect(client.baseUrl).toBeNull();
      const result = await client.testConnection();
      expect(result.status).toBe('error');
      expect(result.message).toMatch(/https/);
      expect(() => client.assessments()).toThrow(expect.objectContaining({ code: 'invalid_target' }));
      await expect(client.userRoles()).rejects.toMatchObject({ code: 'invalid_target' });
    } finally {
      await client.close();
    }
  });
});

describe('next-page links under region and edge', () => {
  const path = '/v1/Insights/QualityManagement/Assessments?PageSize=5&Page=1&PageToken=t';
  const regional = () =>
    createFlexClient({
      accountSid: `AC${'1'.repeat(32)}`,
      username: `AC${'1'.repeat(32)}`,
      password: 'secret-token-value',
      region: 'au1',
      edge: null,
      baseUrl: null,
    });

  it('accepts a link on the global host, which twilio-node would rewrite to the regional one', async () => {
    const client = regional();
    try {
      expect(client.baseUrl).toBe('https://flex-api.au1.twilio.com');
      // `from` goes through the same check as every next-page link; building the pager sends nothing.
      expect(() => client.assessments({}, { from: `https://flex-api.twilio.com${path}` })).not.toThrow();
      expect(() => client.assessments({}, { from: `https://flex-api.au1.twilio.com${path}` })).not.toThrow();
    } finally {
      await client.close();
    }
  });

  it.each([
    `https://evil.example.com${path}`,
    `http://flex-api.au1.twilio.com${path}`,
    `https://flex-api.sydney.au1.twilio.com${path}`,
    `https://flex-api.twilio.com:8443${path}`,
  ])('refuses %s as another host', async (link) => {
    const client = regional();
    try {
      expect(() => client.assessments({}, { from: link })).toThrow(
        expect.objectContaining({ code: 'protocol' }),
      );
    } finally {
      await client.close();
    }
  });
});
