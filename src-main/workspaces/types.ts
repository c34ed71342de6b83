import type { FlexClient } from '../flex/client.ts';
import type { Store } from '../store/types.ts';

/** One account's scope: its store (no secret needed, so cached data stays browsable) and its Flex client. */
export interface Workspace {
  profileId: string;
  /** The profile's label when the workspace opened, for messages ("Support EU is syncing already"). */
  label: string;
  accountSid: string;
  /** userData/accounts/<folder>/ */
  dataDir: string;
  store: Store;
  /** The account's client, created on first use (needs the secret); shared while the workspace is open. */
  client(): Promise<FlexClient>;
}

export interface Workspaces {
  /** Opens the account's scope on first use and shares it; a profile whose Account SID changed gets a fresh store. */
  open(profileId: string): Promise<Workspace>;
  /** Cancels the account's jobs and closes its store and client; the folder stays (accounts deletes it). */
  release(profileId: string): Promise<void>;
  /** Cancels the account's jobs, closes its store and client, then deletes its data folder. */
  destroy(profileId: string): Promise<void>;
  /**
   * Cancels the account's jobs, closes its store and client, then deletes the files in its data
   * folder (stores and sync state); the account stays and its next open gets a fresh, empty store.
   */
  clear(profileId: string): Promise<void>;
  /** Closes every open workspace (after the job runner was drained). */
  close(): Promise<void>;
}
