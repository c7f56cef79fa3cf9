// `npm run test:changed [-- <git ref>]`: the tests of what changed, and only those, as fast as
// vitest can pick them. The files that changed are the working tree's against HEAD (staged,
// unstaged and new files), or against <git ref> when one is given (e.g. `main` for a branch).
//
// `vitest related` follows imports from each test file, which misses code a test reaches by path:
// workflow code is bundled from workflows/ (workflowsPath, the prebuilt bundle) and replayed or
// run under time skipping, never imported. So a change under workflows/ or core/ (the code the
// workflow bundle is built from: workflows import values only from core/), or to a recorded
// history, also runs every test of the `workflow` project. The e2e files reach the processes' code by
// spawning them (dev/stack.ts): they run here only when they import what changed or changed
// themselves; run `npm run test:e2e` before merging a change to process code.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/** Paths (relative to the repository) that reach tests by path, and the test files they reach. */
export const REACHED_BY_PATH: ReadonlyArray<{ changed: RegExp; tests: string }> = [
  { changed: /^workflows\//, tests: 'test/workflow' },
  { changed: /^core\//, tests: 'test/workflow' },
  { changed: /^test\/fixtures\/histories\//, tests: 'test/workflow' },
  { changed: /^test\/workflow\/fixtures\//, tests: 'test/workflow' },
];

const git = (...args: string[]): string[] =>
  execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);

/** Files changed against `base` (default HEAD), new untracked files included; deleted ones left out. */
export function changedFiles(base = 'HEAD'): string[] {
  const files = new Set([
    ...git('diff', '--name-only', '--diff-filter=d', base),
    ...git('ls-files', '--others', '--exclude-standard'),
  ]);
  return [...files].sort();
}

/** What `vitest related` gets: the changed files, plus the test files reached only by path. */
export function relatedArguments(changed: readonly string[], testFilesUnder = listTestFiles): string[] {
  const extra = new Set<string>();
  for (const { changed: pattern, tests } of REACHED_BY_PATH) {
    if (changed.some((file) => pattern.test(file))) for (const file of testFilesUnder(tests)) extra.add(file);
  }
  return [...new Set([...changed, ...extra])];
}

function listTestFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => path.posix.join(dir, name.split(path.sep).join('/')))
    .sort();
}

function main(argv: string[]): number {
  const base = argv[0];
  const changed = changedFiles(base);
  if (changed.length === 0) {
    console.log(`test:changed: nothing changed against ${base ?? 'HEAD'}`);
    return 0;
  }
  const args = relatedArguments(changed);
  console.log(`test:changed: ${changed.length} changed file(s) against ${base ?? 'HEAD'}`);
  const vitest = spawnSync('npx', ['--no-install', 'vitest', 'related', '--run', '--passWithNoTests', ...args], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  return vitest.status ?? 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
