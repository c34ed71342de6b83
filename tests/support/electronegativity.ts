/**
 * Electronegativity (Doyensec's Electron security scanner) driven through its programmatic API,
 * offline. The package fetches two things at run time, both through `got`: translations (every
 * run) and Electron's release list (AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK). `got` is replaced in
 * the require cache before the scanner loads, by a stub that refuses and records every URL, so
 * nothing can leave the machine; the release check is excluded (it only knows the network).
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

interface RawIssue {
  id: string;
  file: string;
  location: { line: number; column: number };
  severity: { value: number; name: string };
  confidence: { name: string };
  manualReview?: boolean;
  description?: string;
  sample?: string;
}

type Runner = (options: Record<string, unknown>) => Promise<{
  globalChecks: number;
  atomicChecks: number;
  errors: { file: string; message: string; tolerable: boolean }[];
  issues: RawIssue[];
}>;

export interface Finding {
  id: string;
  /** Relative to the scanned folder, `/`-separated; `N/A` for project-wide findings. */
  file: string;
  line: number;
  severity: string;
  /** 0 informational, 1 low, 2 medium, 3 high. */
  level: number;
  confidence: string;
  manualReview: boolean;
  description: string;
  /** The matched source line (atomic checks) or the CSP string (CSP global check), when there is one. */
  sample: string | undefined;
}

export interface ScanReport {
  findings: Finding[];
  /** Files the scanner could not parse: each is a file it did not analyse. */
  errors: { file: string; message: string }[];
  checks: { atomic: number; global: number };
  /** Every URL the scanner tried to fetch (all refused). */
  fetches: string[];
}

/** The one check that needs the network: it downloads Electron's release notes from GitHub. */
export const NETWORK_CHECK = 'AvailableSecurityFixesGlobalCheck';

const require = createRequire(import.meta.url);
const packageRequire = createRequire(require.resolve('@doyensec/electronegativity'));
const fetches: string[] = [];
let runner: Runner | null = null;

function refuse(url: unknown): Promise<never> {
  fetches.push(String(url));
  return Promise.reject(new Error('Electronegativity runs offline in the tests: no network.'));
}

function loadRunner(): Runner {
  if (runner) return runner;
  const gotPath = packageRequire.resolve('got');
  if (require.cache[gotPath]) throw new Error('got was loaded before the offline stub could replace it');
  const stub = Object.assign(refuse, { head: refuse, get: refuse, default: refuse });
  const cached = new Module(gotPath);
  cached.filename = gotPath;
  cached.loaded = true;
  cached.exports = stub;
  require.cache[gotPath] = cached;
  const loaded = packageRequire('./runner.js') as { default?: Runner } & Runner;
  if (packageRequire('got') !== stub) throw new Error('the offline got stub is not the one the scanner uses');
  runner = loaded.default ?? loaded;
  return runner;
}

export function installedElectronVersion(): string {
  return (require('electron/package.json') as { version: string }).version;
}

/** Scans one folder (its package.json, .js/.ts and .html files) with every check but `exclude`. */
export async function scanFolder(
  dir: string,
  options: { exclude?: string[]; electronVersion?: string } = {},
): Promise<ScanReport> {
  const run = loadRunner();
  const before = fetches.length;
  const result = await run({
    input: dir,
    excludeFromScan: [NETWORK_CHECK, ...(options.exclude ?? [])],
    electronVersionOverride: options.electronVersion ?? installedElectronVersion(),
    isRelative: true,
  });
  return {
    findings: result.issues.map((issue) => ({
      id: issue.id,
      file: issue.file.split('\\').join('/'),
      line: issue.location.line,
      severity: issue.severity.name,
      level: issue.severity.value,
      confidence: issue.confidence.name,
      manualReview: issue.manualReview === true,
      description: issue.description ?? '',
      sample: issue.sample,
    })),
    errors: result.errors
      .filter((e) => !e.tolerable)
      .map((e) => ({ file: relative(dir, e.file), message: e.message })),
    checks: { atomic: result.atomicChecks, global: result.globalChecks },
    fetches: fetches.slice(before),
  };
}

interface CspEvaluator {
  CspParser: new (csp: string) => { csp: unknown };
  CspEvaluator: new (
    csp: unknown,
    version: unknown,
  ) => {
    evaluate(): { severity: number; directive: string; value?: string; description: string }[];
  };
  Version: { CSP3: unknown };
  severities: Record<string, number>;
}

/** What the scanner's own CSP evaluator (Google's, as Doyensec ships it) says about a policy. */
export function evaluateCsp(csp: string): { severity: string; directive: string; value?: string }[] {
  const evaluator = packageRequire('@doyensec/csp-evaluator') as CspEvaluator;
  const names = new Map(Object.entries(evaluator.severities).map(([name, value]) => [value, name]));
  const parsed = new evaluator.CspParser(csp);
  return new evaluator.CspEvaluator(parsed.csp, evaluator.Version.CSP3).evaluate().map((f) => ({
    severity: names.get(f.severity) ?? String(f.severity),
    directive: f.directive,
    value: f.value,
  }));
}

/** One finding per line, the way a failure message shows them. */
export function formatFindings(findings: Finding[]): string {
  return findings
    .map((f) => `${f.severity} ${f.id} ${f.file}:${f.line}${f.sample ? `  | ${f.sample.slice(0, 120)}` : ''}`)
    .join('\n');
}

/**
 * A Vue single-file component as the scanner can read it: its <script> blocks as TypeScript, every
 * other line blanked so that line numbers still point into the .vue file. (The scanner skips .vue.)
 */
export function vueScripts(source: string): string {
  const lines = source.split('\n').map(() => '');
  const block = /<script\b[^>]*>([\s\S]*?)<\/script>/g;
  for (const match of source.matchAll(block)) {
    const start = match.index + match[0].indexOf('>') + 1;
    const first = source.slice(0, start).split('\n').length - 1;
    match[1]!.split('\n').forEach((line, i) => {
      lines[first + i] = line;
    });
  }
  return lines.join('\n');
}

async function copySources(from: string, to: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.isDirectory()) {
      count += await copySources(source, join(to, entry.name));
    } else if (entry.name.endsWith('.vue')) {
      await mkdir(to, { recursive: true });
      await writeFile(join(to, `${entry.name}.ts`), vueScripts(await readFile(source, 'utf8')));
      count += 1;
    } else if (/\.(ts|js|html|json)$/.test(entry.name)) {
      await mkdir(to, { recursive: true });
      await cp(source, join(to, entry.name));
      count += 1;
    }
  }
  return count;
}

export interface Stage {
  dir: string;
  /** Source files staged (Vue components count once). */
  files: number;
  cleanup(): Promise<void>;
}

/**
 * A scratch folder holding what the scanner should read: the given project folders (relative to
 * `root`), the root package.json, and generated files (path -> content). node_modules stays out.
 */
export async function stageProject(
  root: string,
  folders: string[],
  generated: Record<string, string> = {},
): Promise<Stage> {
  const dir = await mkdtemp(join(tmpdir(), 'qm-electronegativity-'));
  let files = 0;
  for (const folder of folders) files += await copySources(join(root, folder), join(dir, folder));
  await cp(join(root, 'package.json'), join(dir, 'package.json'));
  for (const [path, content] of Object.entries(generated)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return { dir, files, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
