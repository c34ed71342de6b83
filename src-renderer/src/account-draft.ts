import { ProfileInputSchema, SecretSchema } from '../../src-preload/contract.ts';
import type { ProfileInput, ProfileView } from '../../src-preload/contract.ts';

/** The account form's fields as typed (strings; empty means "not set"). */
export interface AccountDraft {
  label: string;
  accountSid: string;
  kind: 'authToken' | 'apiKey';
  apiKeySid: string;
  secret: string;
  region: string;
  edge: string;
  baseUrl: string;
  color: string;
}

export type DraftField = keyof AccountDraft;

export const ACCOUNT_COLORS: ReadonlyArray<{ value: string; name: string }> = [
  { value: '#3b82f6', name: 'Blue' },
  { value: '#16a34a', name: 'Green' },
  { value: '#d97706', name: 'Amber' },
  { value: '#dc2626', name: 'Red' },
  { value: '#7c3aed', name: 'Violet' },
  { value: '#db2777', name: 'Pink' },
  { value: '#0d9488', name: 'Teal' },
  { value: '#64748b', name: 'Slate' },
];

export function emptyDraft(usedColors: readonly string[] = []): AccountDraft {
  const free = ACCOUNT_COLORS.find((c) => !usedColors.includes(c.value)) ?? ACCOUNT_COLORS[0]!;
  return {
    label: '',
    accountSid: '',
    kind: 'authToken',
    apiKeySid: '',
    secret: '',
    region: '',
    edge: '',
    baseUrl: '',
    color: free.value,
  };
}

/** A draft for editing: everything but the secret, which never comes back from main. */
export function draftFromProfile(profile: ProfileView): AccountDraft {
  return {
    label: profile.label,
    accountSid: profile.accountSid,
    kind: profile.credential.kind,
    apiKeySid: profile.credential.kind === 'apiKey' ? profile.credential.apiKeySid : '',
    secret: '',
    region: profile.region ?? '',
    edge: profile.edge ?? '',
    baseUrl: profile.baseUrl ?? '',
    color: profile.color,
  };
}

const orNull = (value: string): string | null => value.trim() || null;

export function draftToInput(draft: AccountDraft): ProfileInput {
  return {
    label: draft.label,
    accountSid: draft.accountSid,
    credential:
      draft.kind === 'apiKey' ? { kind: 'apiKey', apiKeySid: draft.apiKeySid } : { kind: 'authToken' },
    region: orNull(draft.region),
    edge: orNull(draft.edge),
    baseUrl: orNull(draft.baseUrl),
    color: draft.color,
  };
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Messages per field, from the same schemas main checks with. `requireSecret` is false when
 * editing: a blank secret keeps the stored one.
 */
export function validateDraft(
  draft: AccountDraft,
  { requireSecret }: { requireSecret: boolean },
): Partial<Record<DraftField, string>> {
  const errors: Partial<Record<DraftField, string>> = {};
  const parsed = ProfileInputSchema.safeParse(draftToInput(draft));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const top = String(issue.path[0] ?? '');
      const field = (top === 'credential' ? 'apiKeySid' : top) as DraftField;
      errors[field] ??= issue.message;
    }
  }
  if (!errors.baseUrl && draft.baseUrl.trim()) {
    const url = URL.parse(draft.baseUrl.trim());
    if (!url) errors.baseUrl = 'Enter a full URL such as https://flex-api.example.com';
    else if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
      errors.baseUrl = 'Use https, or http only for a simulator on this computer (localhost).';
    }
  }
  if (requireSecret || draft.secret) {
    const secret = SecretSchema.safeParse(draft.secret);
    if (!secret.success) errors.secret = secret.error.issues[0]?.message ?? 'Paste the secret.';
  }
  return errors;
}
