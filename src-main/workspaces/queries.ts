/**
 * The review workspace as the contract asks it: the store's tables, scores, agents, calibration
 * and saved views, per account. Every request names its profile and every answer echoes it, so
 * the renderer can drop an answer that arrives after an account switch.
 */
import type { Workspaces } from './types.ts';
import type { MethodOf, ParsedRequestOf, ResponseOf } from '../../src-preload/contract.ts';

type Namespace = 'store' | 'scores' | 'agents' | 'calibration' | 'views';

/** The handlers of one namespace of the contract (they ignore the handler context). */
export type QueriesOf<N extends Namespace> = {
  [M in MethodOf<N>]: (request: ParsedRequestOf<N, M>) => Promise<ResponseOf<N, M>>;
};

export type ReviewQueries = { [N in Namespace]: QueriesOf<N> };

export function createReviewQueries(workspaces: Pick<Workspaces, 'open'>): ReviewQueries {
  const store = async (profileId: string) => (await workspaces.open(profileId)).store;
  return {
    store: {
      overview: async ({ profileId }) => ({ ...(await (await store(profileId)).overview()), profileId }),
      segments: async ({ profileId, ...query }) => ({
        ...(await (await store(profileId)).segments(query)),
        profileId,
      }),
      agents: async ({ profileId, ...query }) => ({
        profileId,
        agents: await (await store(profileId)).agents(query),
      }),
      assessments: async ({ profileId, ...query }) => ({
        ...(await (await store(profileId)).assessments(query)),
        profileId,
      }),
      comments: async ({ profileId, ...query }) => ({
        ...(await (await store(profileId)).comments(query)),
        profileId,
      }),
      distinct: async ({ profileId, ...query }) => ({
        ...(await (await store(profileId)).distinct(query)),
        profileId,
      }),
      scores: async ({ profileId, ...query }) => ({
        ...(await (await store(profileId)).scores(query)),
        profileId,
      }),
      row: async ({ profileId, kind, sid }) => ({
        ...(await (await store(profileId)).rowDetail(kind, sid)),
        profileId,
      }),
    },
    scores: {
      groups: async ({ profileId, ...query }) => ({
        ...(await (await store(profileId)).scoreGroups(query)),
        profileId,
      }),
      answers: async ({ profileId, ...query }) => ({
        ...(await (await store(profileId)).answerDistribution(query)),
        profileId,
      }),
    },
    agents: {
      scorecards: async ({ profileId, ...query }) => ({
        ...(await (await store(profileId)).agentScorecards(query)),
        profileId,
      }),
      detail: async ({ profileId, ...query }) => ({
        ...(await (await store(profileId)).agentDetail(query)),
        profileId,
      }),
    },
    calibration: {
      report: async ({ profileId, ...query }) => ({
        ...(await (await store(profileId)).calibration(query)),
        profileId,
      }),
    },
    views: {
      list: async ({ profileId }) => ({ profileId, views: await (await store(profileId)).views() }),
      save: async ({ profileId, name, filters }) => ({
        profileId,
        views: await (await store(profileId)).saveView(name, filters),
      }),
      remove: async ({ profileId, name }) => ({
        profileId,
        views: await (await store(profileId)).removeView(name),
      }),
    },
  };
}
