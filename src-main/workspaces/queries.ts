/**
 * The store's read side as the contract asks it: every request names its profile, every answer
 * echoes it, so the renderer can drop an answer that arrives after an account switch.
 */
import type { Workspaces } from './types.ts';
import type { MethodOf, ParsedRequestOf, ResponseOf } from '../../src-preload/contract.ts';

export type StoreQueries = {
  [M in MethodOf<'store'>]: (request: ParsedRequestOf<'store', M>) => Promise<ResponseOf<'store', M>>;
};

export function createStoreQueries(workspaces: Pick<Workspaces, 'open'>): StoreQueries {
  const store = async (profileId: string) => (await workspaces.open(profileId)).store;
  return {
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
  };
}
