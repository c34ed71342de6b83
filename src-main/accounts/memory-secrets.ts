import type { ProbingSecretsPort } from './keytar-secrets.ts';

/** Secrets kept in this process only: "use for this session only", and the tests' keychain. */
export function createMemorySecrets(): ProbingSecretsPort & { ids(): string[]; clear(): void } {
  const secrets = new Map<string, string>();
  return {
    async get(profileId) {
      return secrets.get(profileId) ?? null;
    },
    async set(profileId, secret) {
      secrets.set(profileId, secret);
    },
    async delete(profileId) {
      return secrets.delete(profileId);
    },
    async probe() {
      return { usable: true };
    },
    ids() {
      return [...secrets.keys()];
    },
    clear() {
      secrets.clear();
    },
  };
}
