/** scripts/check-node.cjs: `npm install` and `npm test` stop on an old Node with one line. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../../..');
const SCRIPT = join(REPO, 'scripts/check-node.cjs');
const SYSTEM_NODE = '/usr/bin/node';

function run(node: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(node, [SCRIPT, ...args], { cwd: REPO, timeout: 20_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as {
  engines: { node: string };
  scripts: Record<string, string>;
};
const minimum = /^>=\s*(\d+(?:\.\d+)?)/.exec(pkg.engines.node)?.[1] ?? '';
const [major = 0, minor = 0] = minimum.split('.').map(Number);

function expectedLine(version: string): string {
  return (
    `QM Desk needs Node ${minimum} or newer (this is Node ${version}). ` +
    `Install it with nvm (\`nvm install ${major}\`) or from nodejs.org, then run npm install again.\n`
  );
}

describe('check-node', () => {
  it('refuses an older Node with exactly one line on stderr and exit 1', async () => {
    for (const version of [
      '20.20.2',
      `${major - 1}.99.99`,
      `${major}.${Math.max(0, minor - 1)}.9`,
      'v18.0.0',
    ]) {
      const result = await run(process.execPath, [version]);
      expect(result).toEqual({ code: 1, stdout: '', stderr: expectedLine(version.replace(/^v/, '')) });
    }
  });

  it('lets the minimum and anything newer through without a word', async () => {
    for (const version of [`${major}.${minor}.0`, process.versions.node, `${major + 2}.1.0`]) {
      expect(await run(process.execPath, [version])).toEqual({ code: 0, stdout: '', stderr: '' });
    }
  });

  it.skipIf(!existsSync(SYSTEM_NODE))('stops on the machine’s own Node when it is older', async () => {
    const version = await new Promise<string>((resolve) =>
      execFile(SYSTEM_NODE, ['-p', 'process.versions.node'], (_e, out) => resolve(out.trim())),
    );
    const [vMajor = 0, vMinor = 0] = version.split('.').map(Number);
    const old = vMajor < major || (vMajor === major && vMinor < minor);
    const result = await run(SYSTEM_NODE, []);
    expect(result).toEqual(
      old ? { code: 1, stdout: '', stderr: expectedLine(version) } : { code: 0, stdout: '', stderr: '' },
    );
  });

  it('runs before install and test, and npm refuses the install itself before fetching anything', async () => {
    expect(pkg.scripts['preinstall']).toBe('node scripts/check-node.cjs');
    expect(pkg.scripts['pretest']).toBe('node scripts/check-node.cjs');
    // npm runs the root preinstall only after the dependencies are in: engine-strict stops it first.
    expect(await readFile(join(REPO, '.npmrc'), 'utf8')).toMatch(/^engine-strict=true$/m);
    expect((await readFile(join(REPO, '.nvmrc'), 'utf8')).trim()).toBe(String(major));
  });
});
