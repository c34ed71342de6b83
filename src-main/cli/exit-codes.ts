/** The command line's exit codes, the same for every command (scripts branch on them). */
export const EXIT_OK = 0;
/** Something failed; stderr names what and why. */
export const EXIT_FAILURE = 1;
/** Bad usage: an unknown option, a missing or bad value. Nothing was touched. */
export const EXIT_USAGE = 2;
/** Cancelled with Ctrl+C (128 + SIGINT, as shells report it). */
export const EXIT_CANCELLED = 130;

/** Thrown by a command for bad usage; reported with the command's usage hint, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
