// The Python environment of the Temporal-SDK caller (examples/temporal-sdk-caller.py, issue 22
// item 5): a virtual environment with the official `temporalio` package from PyPI, pinned, kept
// outside the repo under ${XDG_CACHE_HOME:-~/.cache}/vidu-flow/python-sdk-venv so a clean clone (CI)
// reuses it. Used by .ci/run (`npx tsx dev/python-sdk-main.ts --ensure-only`) and by
// test/e2e/python-sdk-caller.test.ts, so `npm test` on a fresh clone creates it too.
//
// Like the Temporal CLI wheel (dev/temporal-wheel.ts) it is fetched with pip; unlike it there is no
// Go fallback: when pip cannot reach PyPI this throws, with what to do, and the test fails (never skips).
//
// The venv is built in a temporary folder beside its final place, checked (`import temporalio`,
// version), and only then renamed into place, so the cache never holds a half-installed one and two
// runs at once do not install into the same folder. Renaming a venv is safe for how it is used here
// (`<venv>/bin/python` resolves its site-packages from its own location); only its activate
// scripts and pip's console script keep the temporary path, and nothing here uses them.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { commandOutput, executableProblem, findOnPath, isAlive } from './executables';

/** The pinned SDK: the version the caller and the README snippets were written and run against. */
export const TEMPORALIO_VERSION = '1.35.0';
export const TEMPORALIO_REQUIREMENT = `temporalio==${TEMPORALIO_VERSION}`;
/** temporalio 1.35.0's `Requires-Python`. */
export const PYTHON_MIN = [3, 10] as const;

export interface PythonSdk {
  /** `<venv>/bin/python`: run the caller with it. */
  python: string;
  venv: string;
  temporalio: string;
  /** `cache`: the venv was there already; `pip`: it was created now. */
  route: 'cache' | 'pip';
}

export interface EnsurePythonSdkOptions {
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** Where the venv lives (default: pythonSdkVenvDir(env)). */
  venv?: string;
}

/** `${XDG_CACHE_HOME:-~/.cache}/vidu-flow/python-sdk-venv` */
export function pythonSdkVenvDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache');
  return path.join(base, 'vidu-flow', 'python-sdk-venv');
}

const venvPython = (venv: string): string => path.join(venv, 'bin', 'python');

/** The temporalio version installed in the venv, or why it cannot be used. */
async function installedVersion(venv: string, env: NodeJS.ProcessEnv): Promise<{ version?: string; problem?: string }> {
  const python = venvPython(venv);
  const problem = await executableProblem(python);
  if (problem) return { problem: `${python} ${problem}` };
  const out = await commandOutput(
    python,
    ['-c', "import importlib.metadata as m, temporalio.client; print(m.version('temporalio'))"],
    env,
  );
  if (!out.ok) return { problem: `\`import temporalio\` fails in ${venv}: ${lastLines(out.output)}` };
  return { version: out.output.split('\n').at(-1)?.trim() };
}

/** Finds the venv with the pinned temporalio, or creates it with pip; throws with instructions when it cannot. */
export async function ensurePythonSdk(options: EnsurePythonSdkOptions = {}): Promise<PythonSdk> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const venv = options.venv ?? pythonSdkVenvDir(env);

  const existing = await installedVersion(venv, env);
  if (existing.version === TEMPORALIO_VERSION)
    return { python: venvPython(venv), venv, temporalio: existing.version, route: 'cache' };
  const why = existing.version ? `it has temporalio ${existing.version}, not ${TEMPORALIO_VERSION}` : existing.problem;

  const python3 = await findPython(env);
  if (!python3.file) throw new Error(failureMessage(venv, python3.problem));
  log(`[python-sdk] creating ${venv} with ${TEMPORALIO_REQUIREMENT} (${why})...`);
  const started = Date.now();
  await fs.mkdir(path.dirname(venv), { recursive: true });
  await removeStaleTemporaries(path.dirname(venv), path.basename(venv));
  const tmp = `${venv}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    const created = await commandOutput(python3.file, ['-m', 'venv', tmp], env, 2 * 60_000);
    if (!created.ok)
      throw new Error(
        failureMessage(
          venv,
          `\`${python3.file} -m venv\` failed: ${lastLines(created.output)} (Debian/Ubuntu: apt-get install python3-venv)`,
        ),
      );
    // --only-binary: temporalio ships wheels with its compiled core; never build it from source here.
    const pipArgs = [
      '-m',
      'pip',
      'install',
      '--no-input',
      '--disable-pip-version-check',
      '--progress-bar',
      'off',
      '--only-binary=:all:',
      TEMPORALIO_REQUIREMENT,
    ];
    const installed = await commandOutput(venvPython(tmp), pipArgs, env, 10 * 60_000);
    if (!installed.ok)
      throw new Error(
        failureMessage(venv, `\`pip install ${TEMPORALIO_REQUIREMENT}\` failed: ${lastLines(installed.output)}`),
      );
    const check = await installedVersion(tmp, env);
    if (check.version !== TEMPORALIO_VERSION)
      throw new Error(failureMessage(venv, check.problem ?? `pip installed temporalio ${check.version}`));
    await fs.rm(venv, { recursive: true, force: true });
    try {
      await fs.rename(tmp, venv);
    } catch (err) {
      // Another run renamed its own venv into place first: use that one if it works.
      const theirs = await installedVersion(venv, env);
      if (theirs.version !== TEMPORALIO_VERSION) throw err;
    }
    log(
      `[python-sdk] ${TEMPORALIO_REQUIREMENT} installed into ${venv} in ${((Date.now() - started) / 1000).toFixed(1)}s`,
    );
    return { python: venvPython(venv), venv, temporalio: TEMPORALIO_VERSION, route: 'pip' };
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

function failureMessage(venv: string, reason: string | undefined): string {
  return [
    `The Python SDK caller needs a virtual environment with ${TEMPORALIO_REQUIREMENT} (from PyPI) at ${venv}, and it could not be made:`,
    `  ${reason ?? 'unknown reason'}`,
    'Provide it in one of these ways:',
    `  - let pip reach PyPI (or a mirror: PIP_INDEX_URL), then run \`npx tsx dev/python-sdk-main.ts --ensure-only\`, or`,
    `  - create it yourself: python3 -m venv ${venv} && ${venvPython(venv)} -m pip install ${TEMPORALIO_REQUIREMENT}`,
    `    (Python >= ${PYTHON_MIN.join('.')}).`,
  ].join('\n');
}

/** `python3` on PATH, at least PYTHON_MIN. */
async function findPython(env: NodeJS.ProcessEnv): Promise<{ file?: string; problem?: string }> {
  const file = await findOnPath('python3', env);
  if (!file) return { problem: 'no python3 on PATH' };
  const out = await commandOutput(file, ['-c', 'import sys; print("%d %d" % sys.version_info[:2])'], env);
  const [major = 0, minor = 0] = out.output.split(' ').map(Number);
  if (!out.ok || major < PYTHON_MIN[0] || (major === PYTHON_MIN[0] && minor < PYTHON_MIN[1])) {
    return {
      problem: `${file} is Python ${out.ok ? `${major}.${minor}` : '(does not run)'}; ${TEMPORALIO_REQUIREMENT} needs >= ${PYTHON_MIN.join('.')}`,
    };
  }
  return { file };
}

/** Removes temporary venvs of runs that were killed (their pid is gone). */
async function removeStaleTemporaries(dir: string, base: string): Promise<void> {
  const pattern = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)-[0-9a-f]+\\.tmp$`);
  for (const name of await fs.readdir(dir)) {
    const owner = pattern.exec(name)?.[1];
    if (owner && !isAlive(Number(owner))) await fs.rm(path.join(dir, name), { recursive: true, force: true });
  }
}

function lastLines(output: string, n = 5): string {
  return output.split('\n').filter(Boolean).slice(-n).join(' | ') || '(no output)';
}
