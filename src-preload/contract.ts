/**
 * THE contract between main, preload and renderer: every channel's name, the zod schema of its
 * request and the type of its response, plus the events main pushes. Main validates requests
 * with these schemas; the preload builds `window.qm` from the same table; the renderer imports
 * only types from here.
 */
import { z } from 'zod';

export const CHANNEL_PREFIX = 'qm:';
export const EVENT_PREFIX = 'qm:event:';

// ---------------------------------------------------------------------------------------------
// Shared envelope
// ---------------------------------------------------------------------------------------------

export interface ErrorBody {
  code: string;
  message: string;
  detail?: Record<string, unknown>;
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

// ---------------------------------------------------------------------------------------------
// Domain schemas shared by requests
// ---------------------------------------------------------------------------------------------

export const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
export const API_KEY_SID = /^SK[0-9a-fA-F]{32}$/;

export const ThemeSchema = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof ThemeSchema>;

/** Twilio regions and edges are short lowercase tokens (us1, ie1, au1; ashburn, dublin, sao-paulo). */
export const RegionSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z]{2,4}[0-9]$/, 'A region looks like us1, ie1 or au1.');
export const EdgeSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z]+(-[a-z]+)*$/, 'An edge looks like ashburn, dublin or sydney.');

export const CredentialSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('authToken') }),
  z.object({
    kind: z.literal('apiKey'),
    apiKeySid: z.string().trim().regex(API_KEY_SID, 'An API Key SID is SK followed by 32 hex characters.'),
  }),
]);
export type Credential = z.infer<typeof CredentialSchema>;

export const ProfileInputSchema = z.object({
  label: z.string().trim().min(1, 'Give the account a label.').max(60, 'Keep the label under 60 characters.'),
  accountSid: z.string().trim().regex(ACCOUNT_SID, 'An Account SID is AC followed by 32 hex characters.'),
  credential: CredentialSchema,
  region: RegionSchema.nullable(),
  edge: EdgeSchema.nullable(),
  /** https anywhere, or http on loopback only (the local simulator). Checked again in main. */
  baseUrl: z.string().trim().url('Enter a full URL such as https://flex-api.example.com').nullable(),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'Pick a colour.')
    .default('#3b82f6'),
});
export type ProfileInput = z.input<typeof ProfileInputSchema>;
/** A profile after validation (defaults applied). */
export type Profile = z.output<typeof ProfileInputSchema>;

/** Secrets are typed in the renderer and sent once to main; they never travel the other way. */
export const SecretSchema = z.string().min(1, 'Paste the secret.').max(512);

export const ProfileIdSchema = z.string().regex(/^[a-z0-9-]{1,64}$/, 'Unknown account id.');

// ---------------------------------------------------------------------------------------------
// Response types
// ---------------------------------------------------------------------------------------------

export interface AppInfo {
  name: string;
  version: string;
  node: string;
  electron: string | null;
  platform: string;
  dataDir: string;
}

export interface Settings {
  theme: Theme;
}

export interface ProfileView {
  id: string;
  label: string;
  accountSid: string;
  credential: Credential;
  region: string | null;
  edge: string | null;
  baseUrl: string | null;
  color: string;
  /** True when a secret is stored (keychain or session memory); the secret itself never leaves main. */
  hasSecret: boolean;
  /** 'env' profiles come from TWILIO_* variables and are read-only. */
  source: 'file' | 'env';
  /** The secret lives only in memory for this session (the keychain was unusable). */
  sessionOnly: boolean;
}

export type KeychainState = { usable: true } | { usable: false; code: string; message: string; fix: string };

export interface AccountsState {
  profiles: ProfileView[];
  activeId: string | null;
  keychain: KeychainState;
  /** Set when profiles.json was unreadable and moved aside: where it went and why. */
  recovered: { movedTo: string; reason: string } | null;
}

export type ConnectionStatus = 'ok' | 'bad_credentials' | 'no_access' | 'unreachable' | 'timeout' | 'error';

export interface ConnectionTestResult {
  status: ConnectionStatus;
  message: string;
  /** Round trip of the proving request in milliseconds, when one completed. */
  ms: number | null;
}

// ---------------------------------------------------------------------------------------------
// Channels
// ---------------------------------------------------------------------------------------------

interface ChannelDef<S extends z.ZodType, R> {
  request: S;
  /** Phantom: carries the response type only. */
  response?: R;
}

const channel =
  <R>() =>
  <S extends z.ZodType>(request: S): ChannelDef<S, R> => ({ request });

const none = z.undefined();

export const contract = {
  app: {
    info: channel<AppInfo>()(none),
    openDataFolder: channel<null>()(none),
  },
  settings: {
    get: channel<Settings>()(none),
    update: channel<Settings>()(z.object({ theme: ThemeSchema }).strict()),
  },
  accounts: {
    list: channel<AccountsState>()(none),
    add: channel<ProfileView>()(
      z
        .object({
          profile: ProfileInputSchema,
          secret: SecretSchema,
          sessionOnly: z.boolean().default(false),
        })
        .strict(),
    ),
    update: channel<ProfileView>()(
      z
        .object({ id: ProfileIdSchema, profile: ProfileInputSchema, secret: SecretSchema.optional() })
        .strict(),
    ),
    remove: channel<null>()(z.object({ id: ProfileIdSchema, deleteData: z.boolean() }).strict()),
    use: channel<AccountsState>()(z.object({ id: ProfileIdSchema }).strict()),
    test: channel<ConnectionTestResult>()(z.object({ id: ProfileIdSchema }).strict()),
    testDraft: channel<ConnectionTestResult>()(
      z.object({ profile: ProfileInputSchema, secret: SecretSchema }).strict(),
    ),
  },
} as const;

export type Contract = typeof contract;
export type Namespace = keyof Contract;
export type MethodOf<N extends Namespace> = keyof Contract[N] & string;
type Def<N extends Namespace, M extends MethodOf<N>> = Contract[N][M];

export type RequestOf<N extends Namespace, M extends MethodOf<N>> =
  Def<N, M> extends ChannelDef<infer S, unknown> ? z.input<S> : never;
/** The request as main sees it, after the schema applied its defaults and trimming. */
export type ParsedRequestOf<N extends Namespace, M extends MethodOf<N>> =
  Def<N, M> extends ChannelDef<infer S, unknown> ? z.output<S> : never;
export type ResponseOf<N extends Namespace, M extends MethodOf<N>> =
  Def<N, M> extends ChannelDef<z.ZodType, infer R> ? R : never;

export const channelName = (ns: string, method: string): string => `${CHANNEL_PREFIX}${ns}.${method}`;

/** Every channel, as [namespace, method, full name, schema]. */
export function listChannels(): Array<{ ns: string; method: string; name: string; request: z.ZodType }> {
  return Object.entries(contract).flatMap(([ns, methods]) =>
    Object.entries(methods as Record<string, ChannelDef<z.ZodType, unknown>>).map(([method, def]) => ({
      ns,
      method,
      name: channelName(ns, method),
      request: def.request,
    })),
  );
}

// ---------------------------------------------------------------------------------------------
// Events (main -> renderer)
// ---------------------------------------------------------------------------------------------

export interface Events {
  'accounts.changed': AccountsState;
  'accounts.switched': { activeId: string | null };
  'settings.changed': Settings;
}
export type EventName = keyof Events;
export const EVENT_NAMES = [
  'accounts.changed',
  'accounts.switched',
  'settings.changed',
] as const satisfies readonly EventName[];

export const eventChannel = (name: EventName): string => `${EVENT_PREFIX}${name}`;
