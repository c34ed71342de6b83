// The account a seed yields: Account SID, Auth Token and one API key, all derived from the seed.
// The demo workspace signs in as the demo seed's account; the test simulator serves the same
// derivation when no accounts are configured. These are fixtures, not secrets.

import { hash, hashString, hex8 } from './hash.ts';

export interface SeededAccount {
  accountSid: string;
  authToken: string;
  apiKeys: { sid: string; secret: string }[];
  insightsAccess: boolean;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function hex32(key: number, salt: number): string {
  return [1, 2, 3, 4].map((n) => hex8(hash(key, salt, n))).join('');
}

/** The account a seed yields when none is configured: AC sid, auth token, one SK key. */
export function defaultAccount(seed: number): SeededAccount {
  const key = hash(seed >>> 0, hashString('account'));
  const secret = Array.from({ length: 32 }, (_, i) => ALNUM[hash(key, 5, i) % ALNUM.length]).join('');
  return {
    accountSid: `AC${hex32(key, 1)}`,
    authToken: hex32(key, 2),
    apiKeys: [{ sid: `SK${hex32(key, 3)}`, secret }],
    insightsAccess: true,
  };
}

/** The demo workspace's data: its seed and size (records of the Assessments list; comments default to N/4). */
export const DEMO_SEED = 2024;
export const DEMO_ASSESSMENTS = 50_000;
/** A host under .invalid (RFC 6761) never resolves: were the demo dispatcher bypassed, nothing would leave. */
export const DEMO_ORIGIN = 'https://demo.qm-desk.invalid';

const demo = defaultAccount(DEMO_SEED);
/** The demo account's fixed Basic-auth credentials (Account SID + Auth Token). */
export const DEMO_ACCOUNT: Readonly<{ accountSid: string; username: string; password: string }> =
  Object.freeze({
    accountSid: demo.accountSid,
    username: demo.accountSid,
    password: demo.authToken,
  });
