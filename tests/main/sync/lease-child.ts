// A second process for the lease tests: takes the lease of the folder in argv[2], tells the parent
// over IPC how that went, then holds it until killed (or releases it at once with `release`).
import { acquireLease } from '../../../src-main/sync/lease.ts';

const [dir, mode] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: lease-child.ts <dir> [hold|release]');
try {
  const lease = await acquireLease(dir, { label: 'child sync' });
  process.send?.({ ok: true, pid: process.pid });
  if (mode === 'release') {
    await lease.release();
    process.disconnect();
  } else {
    setInterval(() => undefined, 1 << 30);
  }
} catch (error) {
  process.send?.({ ok: false, code: (error as { code?: string }).code, message: String(error) });
  process.disconnect();
}
