import { access, readFile, rename } from 'node:fs/promises';
import { z } from 'zod';
import { accountsError, type AccountsErrorCode } from './errors.ts';
import type { AppError } from '../errors.ts';
import { writeFileAtomic } from '../atomic-file.ts';
import { ProfileIdSchema, ProfileInputSchema } from '../../src-preload/contract.ts';

/** The profiles.json format this code reads and writes. */
export const PROFILES_FORMAT = 1;

/** One profile as profiles.json keeps it: no secret, only where the secret lives. */
const StoredProfileSchema = ProfileInputSchema.extend({
  id: ProfileIdSchema,
  /** 'session': the reviewer chose memory only, so after a restart the secret is gone. */
  secretStore: z.enum(['keychain', 'session']),
});
export type StoredProfile = z.output<typeof StoredProfileSchema>;

const FileSchema = z
  .object({
    version: z.literal(PROFILES_FORMAT),
    activeId: ProfileIdSchema.nullable(),
    profiles: z.array(StoredProfileSchema),
  })
  .superRefine((file, ctx) => {
    const ids = new Set(file.profiles.map((p) => p.id));
    const labels = new Set(file.profiles.map((p) => p.label.toLowerCase()));
    if (ids.size !== file.profiles.length)
      ctx.addIssue({ code: 'custom', message: 'two profiles share an id' });
    if (labels.size !== file.profiles.length)
      ctx.addIssue({ code: 'custom', message: 'two profiles share a label' });
  });

export interface ProfilesFile {
  activeId: string | null;
  profiles: StoredProfile[];
}

export interface Recovered {
  movedTo: string;
  reason: string;
}

const TRANSIENT = new Set(['EBUSY', 'EMFILE', 'ENFILE', 'EAGAIN']);

/** What profiles.json holds right now. Reading never changes the file. */
export type LoadedProfiles =
  | { status: 'ok'; file: ProfilesFile; text: string }
  | { status: 'missing' }
  | { status: 'corrupt'; reason: string }
  | { status: 'too_new'; version: number };

/** Reads and validates profiles.json; only a busy file (worth retrying later) is an error. */
export async function loadProfilesFile(path: string): Promise<LoadedProfiles> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { status: 'missing' };
    if (code !== undefined && TRANSIENT.has(code)) {
      // Busy or out of handles (an antivirus scan, a sync client): the file is fine, try again later.
      throw accountsError(
        'profiles_unreadable',
        `Your saved accounts are busy right now (${code}). Close other programs using ${path}, then try again.`,
        { path, error: code },
      );
    }
    return { status: 'corrupt', reason: `profiles.json could not be read (${code ?? 'unknown error'}).` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      status: 'corrupt',
      reason: 'profiles.json is not valid JSON (it may have been cut short or edited by hand).',
    };
  }
  const version = (json as { version?: unknown } | null)?.version;
  // A later format is not damage: this code cannot read it, and must neither move nor overwrite it.
  if (typeof version === 'number' && Number.isInteger(version) && version > PROFILES_FORMAT) {
    return { status: 'too_new', version };
  }
  const parsed = FileSchema.safeParse(json);
  if (parsed.success) {
    const { activeId, profiles } = parsed.data;
    return { status: 'ok', file: { activeId, profiles }, text };
  }
  const issue = parsed.error.issues[0];
  return {
    status: 'corrupt',
    reason: `profiles.json is not in the expected format (${issue ? `${issue.path.join('.') || 'file'}: ${issue.message}` : 'invalid'}).`,
  };
}

export function tooNewError(path: string, version: number): AppError<AccountsErrorCode> {
  return accountsError(
    'profiles_too_new',
    `profiles.json was written by a newer QM Desk (format ${version}). Update QM Desk; your accounts were left untouched.`,
    { path, version },
  );
}

/** Moves an unreadable profiles.json aside (never overwrites it) and says where it went. */
export async function moveAside(path: string, now: number, reason: string): Promise<string> {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  for (let n = 0; n < 100; n++) {
    const target = `${path}.corrupt-${stamp}${n ? `-${n}` : ''}`;
    if (await exists(target)) continue;
    try {
      await rename(path, target);
      return target;
    } catch (error) {
      throw accountsError(
        'profiles_unreadable',
        `Your saved accounts could not be read and could not be moved aside: ${reason} Move or fix ${path} by hand, then restart QM Desk.`,
        { path, reason, error: (error as NodeJS.ErrnoException).code ?? 'unknown' },
      );
    }
  }
  throw accountsError(
    'profiles_unreadable',
    `Too many moved-aside copies of ${path}. Clean up that folder.`,
    { path },
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Writes profiles.json atomically and returns the text written. */
export async function writeProfilesFile(path: string, file: ProfilesFile): Promise<string> {
  const body = { version: PROFILES_FORMAT, activeId: file.activeId, profiles: file.profiles };
  try {
    const text = `${JSON.stringify(body, null, 2)}\n`;
    await writeFileAtomic(path, text);
    return text;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    throw accountsError(
      'profiles_write_failed',
      `QM Desk could not save your accounts (${code}). Check that ${path} is writable and the disk is not full, then try again.`,
      { path, error: code },
      error,
    );
  }
}
