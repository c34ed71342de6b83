import { AppError } from '../errors.ts';
import type { KeychainState } from '../../src-preload/contract.ts';

export type KeychainErrorCode =
  | 'keychain_load_failed'
  | 'keychain_no_dbus'
  | 'keychain_unavailable'
  | 'keychain_locked'
  | 'keychain_timeout'
  | 'keychain_error';

export type AccountsErrorCode =
  | KeychainErrorCode
  | 'duplicate_label'
  | 'profile_not_found'
  | 'profile_read_only'
  | 'secret_required'
  | 'secret_missing'
  | 'invalid_base_url'
  | 'profiles_unreadable'
  | 'profiles_too_new'
  | 'profiles_locked'
  | 'profiles_write_failed'
  | 'data_folder_failed';

const SESSION_ONLY = 'or keep this secret for this session only.';

/** What is wrong and what to do, per keychain failure. The fix always offers session-only. */
const KEYCHAIN_TEXT: Record<KeychainErrorCode, { message: string; fix: string }> = {
  keychain_load_failed: {
    message: 'QM Desk could not load its keychain module (keytar).',
    fix: `Reinstall QM Desk (in a development checkout: npm rebuild keytar), then restart it — ${SESSION_ONLY}`,
  },
  keychain_no_dbus: {
    message: 'QM Desk cannot reach D-Bus, which the Linux keychain needs.',
    fix: `Start QM Desk from your desktop session (DBUS_SESSION_BUS_ADDRESS must be set) or under dbus-run-session — ${SESSION_ONLY}`,
  },
  keychain_unavailable: {
    message: 'No Secret Service is running, so there is no keychain to keep the secret in.',
    fix: `Install and start GNOME Keyring or KeePassXC's Secret Service, then restart QM Desk — ${SESSION_ONLY}`,
  },
  keychain_locked: {
    message: 'Your keyring is locked (or has no default keyring) and QM Desk could not unlock it.',
    fix: `Unlock or create your default keyring (Passwords and Keys, Seahorse or KeePassXC), then try again — ${SESSION_ONLY}`,
  },
  keychain_timeout: {
    message: 'The keychain did not answer in time; it may be waiting behind an unlock prompt.',
    fix: `Look for a keyring unlock prompt, unlock it and try again — ${SESSION_ONLY}`,
  },
  keychain_error: {
    message: 'The keychain refused the request.',
    fix: `Check that your system keychain works (open it and unlock it), then try again — ${SESSION_ONLY}`,
  },
};

/** A typed keychain error. `reason` is the OS text (never a secret: callers scrub it). */
export function keychainError(
  code: KeychainErrorCode,
  reason?: string,
  cause?: unknown,
): AppError<KeychainErrorCode> {
  const { message, fix } = KEYCHAIN_TEXT[code];
  const detail: Record<string, unknown> = { fix };
  if (reason) detail['reason'] = reason;
  return new AppError(code, `${message} ${fix}`, { detail, cause });
}

// libsecret/GDBus texts on Linux, Security framework texts on macOS. Checked in this order.
const PATTERNS: Array<[KeychainErrorCode, RegExp]> = [
  [
    'keychain_no_dbus',
    /autolaunch|\$DISPLAY|could not connect|failed to connect|DBus\.Error\.NoServer|connection refused|dbus-launch|message bus/i,
  ],
  ['keychain_unavailable', /org\.freedesktop\.secrets|ServiceUnknown|not provided by any \.service/i],
  [
    'keychain_locked',
    /locked|unlock|prompt|dismissed|cancel|user interaction is not allowed|Object does not exist at path/i,
  ],
];

export function classifyKeychainError(error: unknown): KeychainErrorCode {
  const text = error instanceof Error ? error.message : String(error);
  for (const [code, pattern] of PATTERNS) if (pattern.test(text)) return code;
  return 'keychain_error';
}

export function isKeychainError(error: unknown): error is AppError<KeychainErrorCode> {
  return error instanceof AppError && typeof error.code === 'string' && error.code.startsWith('keychain_');
}

export function accountsError(
  code: AccountsErrorCode,
  message: string,
  detail?: Record<string, unknown>,
  cause?: unknown,
): AppError<AccountsErrorCode> {
  return new AppError(code, message, { detail, cause });
}

/** The keychain state a failed keychain call implies, for AccountsState.keychain. */
export function keychainStateOf(error: AppError<KeychainErrorCode>): KeychainState {
  const { message, fix } = KEYCHAIN_TEXT[error.code];
  return { usable: false, code: error.code, message, fix };
}
