// `npm test`: the typecheck (both tsconfigs), the format check and `vitest run`, all at once. Run one
// after the other, the checks added ~37 s of wall time to a clean-clone run on 2 cores; vitest keeps
// about 1.7 of 2 cores busy (its files wait on simulated time and on processes), so the checks fit
// in the rest. vitest's output streams as it comes; a check's output is printed when it ends, and
// the exit code is non-zero if anything failed.
//
// The typecheck is TypeScript 7 (the native compiler, devDependency `typescript7`): the same
// diagnostics for this code as 5.9's tsc in 7 CPU-s instead of 60–70 (measured on 2 cores,
// 2026-12-07). `typescript` 5.9 stays for its JavaScript API, which 7.0 does not ship: the
// import-graph and error-names tests parse the sources with it.
// Arguments go to vitest: `npm test -- --reporter=dot`.
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const bin = (pkg: string, file: string): string => path.join(ROOT, 'node_modules', pkg, file);

interface Outcome {
  name: string;
  code: number | null;
  seconds: number;
}

/** Runs `node <script> <args>`; `quiet` buffers its output until it ends. */
function run(name: string, script: string, args: string[], quiet: boolean): Promise<Outcome> {
  const started = Date.now();
  const child = spawn(process.execPath, [script, ...args], {
    cwd: ROOT,
    stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
  });
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (c: Buffer) => chunks.push(c));
  child.stderr?.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      const outcome = { name, code: signal ? 1 : code, seconds: (Date.now() - started) / 1000 };
      const output = Buffer.concat(chunks).toString().trim();
      if (quiet && (output || outcome.code !== 0))
        process.stdout.write(`\n== ${name} (exit ${outcome.code})\n${output}\n`);
      resolve(outcome);
    });
  });
}

async function main(): Promise<void> {
  const tsc = bin('typescript7', 'bin/tsc');
  const outcomes = await Promise.all([
    run('typecheck (tsconfig.json)', tsc, ['--noEmit', '-p', 'tsconfig.json'], true),
    run('typecheck (studio/tsconfig.json)', tsc, ['--noEmit', '-p', 'studio/tsconfig.json'], true),
    run('format:check', bin('prettier', 'bin/prettier.cjs'), ['--check', '--cache', '.'], true),
    run('vitest run', bin('vitest', 'vitest.mjs'), ['run', ...process.argv.slice(2)], false),
  ]);
  process.stdout.write('\n');
  for (const o of outcomes)
    process.stdout.write(`${o.code === 0 ? 'ok    ' : 'FAILED'} ${o.name} (${o.seconds.toFixed(1)} s)\n`);
  process.exitCode = outcomes.every((o) => o.code === 0) ? 0 : 1;
}

void main();
