import { AppError } from '../errors.ts';

export type FlexErrorCode =
  | 'auth'
  | 'forbidden'
  | 'not_found'
  | 'bad_request'
  | 'rate_limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'protocol'
  | 'cancelled'
  | 'invalid_target';

/** What Twilio said, plus how long it asked us to wait. No request headers ever go in here. */
export interface FlexErrorDetail extends Record<string, unknown> {
  status?: number;
  twilioCode?: number;
  moreInfo?: string;
  twilioMessage?: string;
  /** Path and query only: the origin is the account's, and the URL never holds a secret. */
  path?: string;
  retryAfterMs?: number;
  /** The low-level reason for network and timeout errors (e.g. ECONNREFUSED). */
  reason?: string;
  attempts?: number;
}

const RETRYABLE: ReadonlySet<FlexErrorCode> = new Set(['rate_limited', 'server', 'network', 'timeout']);

export class FlexError extends AppError<FlexErrorCode> {
  declare readonly detail: FlexErrorDetail | undefined;

  constructor(
    code: FlexErrorCode,
    message: string,
    options: { detail?: FlexErrorDetail; cause?: unknown } = {},
  ) {
    super(code, message, options);
    this.name = 'FlexError';
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

export function isFlexError(error: unknown, code?: FlexErrorCode): error is FlexError {
  return error instanceof FlexError && (code === undefined || error.code === code);
}

/** Twilio's error body: `{ code, message, more_info, status }`. Anything else is ignored. */
export interface TwilioErrorBody {
  code?: number;
  message?: string;
  more_info?: string;
}

export function parseTwilioErrorBody(text: string): TwilioErrorBody {
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json !== 'object' || json === null) return {};
    const { code, message, more_info: moreInfo } = json as Record<string, unknown>;
    return {
      ...(typeof code === 'number' ? { code } : {}),
      ...(typeof message === 'string' ? { message: message.slice(0, 500) } : {}),
      ...(typeof moreInfo === 'string' ? { more_info: moreInfo.slice(0, 300) } : {}),
    };
  } catch {
    return {};
  }
}

/** Maps an HTTP error status (and Twilio's code) to a typed error with a reviewer's message. */
export function httpError(
  status: number,
  body: TwilioErrorBody,
  path: string,
  retryAfterMs: number | null,
): FlexError {
  const detail: FlexErrorDetail = { status, path };
  if (body.code !== undefined) detail.twilioCode = body.code;
  if (body.more_info !== undefined) detail.moreInfo = body.more_info;
  if (body.message !== undefined) detail.twilioMessage = body.message;
  if (retryAfterMs !== null) detail.retryAfterMs = retryAfterMs;

  if (status === 401 || body.code === 20003) {
    return new FlexError(
      'auth',
      'Twilio rejected the credentials for this account. Edit the account and paste a current Auth Token (or API key secret).',
      { detail },
    );
  }
  if (status === 403) {
    return new FlexError(
      'forbidden',
      'The credentials work, but they may not read Flex Insights Quality Management data. Ask a Flex admin to enable Flex Insights for this account and give the user an Insights role.',
      { detail },
    );
  }
  if (status === 404 || body.code === 20404) {
    return new FlexError(
      'not_found',
      'Twilio found no Flex Insights data at this address. Check the account’s region, edge and custom URL, and that Flex Insights is enabled.',
      { detail },
    );
  }
  if (status === 429 || body.code === 20429) {
    return new FlexError(
      'rate_limited',
      'Twilio is limiting how many requests this account may make at once. QM Desk waited and retried; wait a minute, then try again.',
      { detail },
    );
  }
  if (status >= 500) {
    return new FlexError(
      'server',
      `Twilio’s Flex Insights service had a problem (HTTP ${status}). This is usually temporary: try again in a few minutes.`,
      { detail },
    );
  }
  const said = body.message ? `: ${body.message}` : '';
  return new FlexError('bad_request', `Twilio refused the request (HTTP ${status})${said}.`, { detail });
}

export function protocolError(what: string, path: string, cause?: unknown): FlexError {
  return new FlexError(
    'protocol',
    `Twilio sent a response QM Desk does not understand (${what}). Try again; if it repeats, report it with these details.`,
    { detail: { path }, cause },
  );
}

export function cancelledError(): FlexError {
  return new FlexError('cancelled', 'The request was cancelled.');
}

export function timeoutError(path: string, reason: string, ms: number | null): FlexError {
  const after = ms === null ? '' : ` within ${Math.round(ms / 100) / 10} s`;
  return new FlexError(
    'timeout',
    `Twilio did not answer${after}. Check your internet connection and try again.`,
    { detail: { path, reason } },
  );
}

export function networkError(path: string, reason: string): FlexError {
  return new FlexError(
    'network',
    'QM Desk could not reach Twilio. Check your internet connection, proxy or firewall, and the account’s region, edge or custom URL.',
    { detail: { path, reason } },
  );
}

/**
 * Low-level errors are reduced to their name, code and message before they are kept as a cause:
 * an undici error can hold sockets and request state, and nothing reachable from a FlexError may
 * hold the Authorization header.
 */
export function scrubCause(error: unknown): Error | undefined {
  if (!(error instanceof Error)) return undefined;
  const plain = new Error(error.message);
  plain.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(plain, { code });
  plain.stack = undefined;
  return plain;
}

/** `ECONNREFUSED`, `UND_ERR_SOCKET`… or the error's name when it has no code. */
export function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const inner = error.cause instanceof Error ? (error.cause as { code?: unknown }).code : undefined;
    if (typeof inner === 'string' && code === 'UND_ERR_SOCKET') return `${code}/${inner}`;
    if (typeof code === 'string') return code;
    return error.name;
  }
  return 'unknown';
}
