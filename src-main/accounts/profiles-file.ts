import { access, readFile, rename } from 'node:fs/promises';
import { z } from 'zod';
import { accountsError } from './errors.ts';
import { writeFileAtomic } from '../atomic-file.ts';
import { ProfileIdSchema, ProfileInputSchema } from '../../src-preload/contract.ts';

/** One profile as profiles.json keeps it: no secret, only where the secret lives. */
const StoredProfileSchema = ProfileInputSchema.extend({
  id: ProfileIdSchema,
  /** 'session': the reviewer chose memory only, so after a restart the secret is gone. */
  secretStore: z.enum(['keychain', 'session']),
});
export type StoredProfile = z.output<typeof StoredProfileSchema>;

const FileSchema = z
  .object({
    version: z.literal(1),
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

/**
 * Reads profiles.json. A missing file is an empty registry; a file that cannot be read or does not
 * validate is moved aside (never overwritten) and reported, and the registry starts empty.
 */
export async function readProfilesFile(
  path: string,
  now: number,
): Promise<{ file: ProfilesFile; recovered: Recovered | null }> {
  let reason: string;
  try {
    const text = await readFile(path, 'utf8');
    const parsed = FileSchema.safeParse(JSON.parse(text));
    if (parsed.success) {
      const { activeId, profiles } = parsed.data;
      return { file: { activeId, profiles }, recovered: null };
    }
    const issue = parsed.error.issues[0];
    reason = `profiles.json is not in the expected format (${issue ? `${issue.path.join('.') || 'file'}: ${issue.message}` : 'invalid'}).`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { file: { activeId: null, profiles: [] }, recovered: null };
    if (code !== undefined && TRANSIENT.has(code)) {
      // Busy or out of handles (an antivirus scan, a sync client): the file is fine, try again later.
      throw accountsError(
        'profiles_unreadable',
        `Your saved accounts are busy right now (${code}). Close other programs using ${path}, then restart QM Desk.`,
        { path, error: code },
      );
    }
    reason =
      error instanceof SyntaxError
        ? 'profiles.json is not valid JSON (it may have been cut short or edited by hand).'
        : `profiles.json could not be read (${code ?? 'unknown error'}).`;
  }
  const movedTo = await moveAside(path, now, reason);
  return { file: { activeId: null, profiles: [] }, recovered: { movedTo, reason } };
}

async function moveAside(path: string, now: number, reason: string): Promise<string> {
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

export async function writeProfilesFile(path: string, file: ProfilesFile): Promise<void> {
  const body = { version: 1, activeId: file.activeId, profiles: file.profiles };
  try {
    await writeFileAtomic(path, `${JSON.stringify(body, null, 2)}\n`);
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
