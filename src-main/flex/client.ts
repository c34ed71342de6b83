/**
 * The Flex Insights Quality Management API client: one per account (one keep-alive pool).
 *
 *   const client = createFlexClient(target);
 *   for await (const page of client.assessments({ segmentId }, { pageSize: 1000, signal })) …
 *   for await (const comment of client.comments({ agentId }).items()) …
 *   const roles = await client.userRoles();
 *   await client.close();
 *
 * Failures are FlexErrors (errors.ts); GETs are retried on 429, 5xx, network errors and timeouts.
 */
import type { z } from 'zod';
import type { ConnectionTestResult } from '../../src-preload/contract.ts';
import {
  API_PREFIX,
  buildQuery,
  LIST_ENDPOINTS,
  SINGLE_PATHS,
  type AssessmentFilters,
  type CommentFilters,
  type ConversationFilters,
  type FiltersOf,
  type ListEndpoint,
  type QuestionFilters,
  type QuestionnaireFilters,
  type RecordOf,
  type SegmentFilters,
} from './endpoints.ts';
import { FlexError, protocolError } from './errors.ts';
import { resolveEndpoint, type Endpoint } from './hosts.ts';
import { createAdaptiveLimiter, type RequestLimiter } from './limiter.ts';
import { createPager } from './pager.ts';
import {
  AnswerSetsSchema,
  CommentTagsSchema,
  parseRecord,
  UserRolesSchema,
  type AnswerSets,
  type Assessment,
  type Category,
  type Comment,
  type CommentTags,
  type Conversation,
  type Question,
  type Questionnaire,
  type Segment,
  type UserRoles,
  type WithRaw,
} from './schemas.ts';
import { createTransport, parseJson } from './transport.ts';
import type { CallOptions, FlexClientOptions, FlexTarget, PageOptions, Pager } from './types.ts';

export const DEFAULT_PAGE_SIZE = 50;
const TEST_TIMEOUT_MS = 15_000;
const BUSY_MESSAGE =
  'Twilio says this account is busy right now: it has more requests in flight than Twilio allows at once (the account’s concurrency limit), perhaps from a sync or another app. Wait a moment, then test again.';

export interface TestConnectionOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface FlexClient {
  /** Where requests go: the Twilio host after region/edge, or the custom base URL; null when invalid. */
  readonly baseUrl: string | null;
  /** Gates this client's requests (the account's concurrency limit); null when built without one. */
  readonly limiter: RequestLimiter | null;
  /** One cheap UserRoles call, no retries. Never throws for the expected failures. */
  testConnection(options?: TestConnectionOptions): Promise<ConnectionTestResult>;
  pages<E extends ListEndpoint>(
    endpoint: E,
    filters?: FiltersOf<E>,
    options?: PageOptions,
  ): Pager<RecordOf<E>>;
  assessments(filters?: AssessmentFilters, options?: PageOptions): Pager<Assessment>;
  comments(filters?: CommentFilters, options?: PageOptions): Pager<Comment>;
  segments(filters?: SegmentFilters, options?: PageOptions): Pager<Segment>;
  conversations(filters?: ConversationFilters, options?: PageOptions): Pager<Conversation>;
  questionnaires(filters?: QuestionnaireFilters, options?: PageOptions): Pager<Questionnaire>;
  categories(options?: PageOptions): Pager<Category>;
  questions(filters?: QuestionFilters, options?: PageOptions): Pager<Question>;
  answerSets(options?: CallOptions): Promise<AnswerSets>;
  commentTags(options?: CallOptions): Promise<CommentTags>;
  userRoles(options?: CallOptions): Promise<UserRoles>;
  /** Ends the connection pool; in-flight requests fail. */
  close(): Promise<void>;
}

/**
 * Never throws. An unacceptable custom base URL, region or edge makes testConnection answer
 * `error` with the reason, and every other call throw that `invalid_target` FlexError.
 */
export function createFlexClient(target: FlexTarget, options: FlexClientOptions = {}): FlexClient {
  let resolved: Endpoint | FlexError;
  try {
    resolved = resolveEndpoint(target);
  } catch (error) {
    if (!(error instanceof FlexError)) throw error;
    resolved = error;
  }
  const endpoint = (): Endpoint => {
    if (resolved instanceof FlexError) throw resolved;
    return resolved;
  };
  const limiter = options.limiter === undefined ? createAdaptiveLimiter() : options.limiter;
  const transport = createTransport(
    { username: target.username, password: target.password },
    options,
    limiter,
  );
  const prefetch = options.prefetch ?? true;

  function urlFor(path: string, query?: URLSearchParams): URL {
    const url = new URL(endpoint().base + API_PREFIX + path);
    if (query) url.search = query.toString();
    return url;
  }

  /** twilio-node applies its host rule to every URL it requests, next pages included; so do we. */
  function resolveNext(next: string, current: URL): URL {
    let url: URL;
    try {
      url = new URL(next, current);
    } catch {
      throw protocolError('a next-page link that is not a URL', current.pathname + current.search);
    }
    const { rewrite, origin } = endpoint();
    if (rewrite) url = rewrite(url);
    if (url.origin !== origin) {
      // The origin alone is named: nothing is sent there.
      throw protocolError(
        `a next-page link to another host (${url.origin.slice(0, 100)})`,
        current.pathname + current.search,
      );
    }
    return url;
  }

  function pages<E extends ListEndpoint>(
    name: E,
    filters?: FiltersOf<E>,
    pageOptions: PageOptions = {},
  ): Pager<RecordOf<E>> {
    const def = LIST_ENDPOINTS[name];
    const first = urlFor(def.path, buildQuery(def, filters ?? {}, pageOptions.pageSize ?? DEFAULT_PAGE_SIZE));
    const firstUrl = pageOptions.from === undefined ? first : resolveNext(pageOptions.from, first);
    if (firstUrl.pathname !== first.pathname) {
      throw new FlexError('bad_request', `The saved position belongs to another list than ${def.path}.`);
    }
    const pager = createPager<object>({
      firstUrl,
      key: def.key,
      schema: def.schema,
      fetchText: async (url, signal) => (await transport.getText(url, { signal })).text,
      resolveNext,
      signal: pageOptions.signal,
      prefetch,
    });
    return pager as unknown as Pager<RecordOf<E>>;
  }

  async function single<S extends z.ZodType<object>>(
    path: string,
    schema: S,
    callOptions: CallOptions,
  ): Promise<WithRaw<z.output<S>>> {
    const url = urlFor(path);
    const { text } = await transport.getText(url, { signal: callOptions.signal });
    const result = parseRecord(schema, parseJson(text, url), path);
    if (!result.ok) throw protocolError(result.reason, url.pathname);
    return result.value;
  }

  async function testConnection(testOptions: TestConnectionOptions = {}): Promise<ConnectionTestResult> {
    const timeoutMs =
      testOptions.timeoutMs ?? Math.min(TEST_TIMEOUT_MS, options.requestTimeoutMs ?? TEST_TIMEOUT_MS);
    const started = performance.now();
    try {
      const url = urlFor(SINGLE_PATHS.userRoles);
      const { text, ms } = await transport.getText(url, {
        signal: testOptions.signal,
        timeoutMs,
        retry: { maxAttempts: 1 },
      });
      const result = parseRecord(UserRolesSchema, parseJson(text, url), 'UserRoles');
      if (!result.ok) throw protocolError(result.reason, SINGLE_PATHS.userRoles);
      const roles = result.value.roles ?? [];
      const rounded = Math.round(ms);
      if (roles.length === 0) {
        return {
          status: 'no_access',
          message:
            'The credentials work, but this user has no Flex Insights role. Ask a Flex admin to give the user an Insights role.',
          ms: rounded,
        };
      }
      return {
        status: 'ok',
        message: `Connected to Flex Insights (roles: ${roles.join(', ')}).`,
        ms: rounded,
      };
    } catch (error) {
      const elapsed = Math.round(performance.now() - started);
      if (!(error instanceof FlexError)) {
        return { status: 'error', message: 'The connection test failed unexpectedly. Try again.', ms: null };
      }
      return {
        status: statusOf(error),
        // The client's message says it waited and retried, which this single attempt did not.
        message: error.code === 'rate_limited' ? BUSY_MESSAGE : error.message,
        ms: error.code === 'timeout' ? elapsed : null,
      };
    }
  }

  return {
    baseUrl: resolved instanceof FlexError ? null : resolved.base,
    limiter,
    testConnection,
    pages,
    assessments: (filters, o) => pages('assessments', filters, o),
    comments: (filters, o) => pages('comments', filters, o),
    segments: (filters, o) => pages('segments', filters, o),
    conversations: (filters, o) => pages('conversations', filters, o),
    questionnaires: (filters, o) => pages('questionnaires', filters, o),
    categories: (o) => pages('categories', {}, o),
    questions: (filters, o) => pages('questions', filters, o),
    answerSets: (o = {}) => single(SINGLE_PATHS.answerSets, AnswerSetsSchema, o),
    commentTags: (o = {}) => single(SINGLE_PATHS.commentTags, CommentTagsSchema, o),
    userRoles: (o = {}) => single(SINGLE_PATHS.userRoles, UserRolesSchema, o),
    close: () => transport.close(),
  };
}

function statusOf(error: FlexError): ConnectionTestResult['status'] {
  switch (error.code) {
    case 'auth':
      return 'bad_credentials';
    case 'forbidden':
      return 'no_access';
    case 'network':
      return 'unreachable';
    case 'timeout':
      return 'timeout';
    default:
      return 'error';
  }
}
