import type { StoredProfile } from './profiles-file.ts';
import { DEMO_ACCOUNT, DEMO_ORIGIN } from '../demo/account.ts';
import type { FlexTarget } from '../flex/types.ts';

/** The demo profile's fixed id (random profile ids are UUIDs, so it can never clash with one). */
export const DEMO_PROFILE_ID = 'demo';
export const DEMO_PROFILE_LABEL = 'Demo data';

/**
 * The demo profile as profiles.json keeps it: an ordinary format-1 entry, recognised by its id.
 * Code that predates the demo reads it as a session-only profile whose secret is gone (its host
 * under .invalid never resolves), so the file stays readable by it and keeps format 1. Its fields
 * always come from here, never from the file: a hand edit cannot point the demo elsewhere.
 */
export const DEMO_STORED_PROFILE: Readonly<StoredProfile> = Object.freeze<StoredProfile>({
  id: DEMO_PROFILE_ID,
  label: DEMO_PROFILE_LABEL,
  accountSid: DEMO_ACCOUNT.accountSid,
  credential: { kind: 'authToken' },
  region: null,
  edge: null,
  baseUrl: DEMO_ORIGIN,
  color: '#8b5cf6',
  // Never 'keychain': there is no keychain entry to create, read or delete.
  secretStore: 'session',
});

/** Where and as whom the demo client talks: the demo origin, which only the demo dispatcher answers. */
export function demoTarget(): FlexTarget {
  return {
    accountSid: DEMO_ACCOUNT.accountSid,
    username: DEMO_ACCOUNT.username,
    password: DEMO_ACCOUNT.password,
    region: null,
    edge: null,
    baseUrl: DEMO_ORIGIN,
  };
}
