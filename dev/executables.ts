// Small helpers for finding and running the external programs the dev tooling relies on
// (the `temporal` CLI, `go`, `pip`), shared by the routes in dev/temporal-binary.ts.

import { execFile } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

/** Why `file` cannot be run, or undefined if it can. */
export async function executableProblem(file: string): Promise<string | undefined> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return 'is not a file';
    await fs.access(file, fsConstants.X_OK);
    return undefined;
  } catch (err) {
    if (isErrnoException(err) && err.code === 'ENOENT') return 'does not exist';
    if (isErrnoException(err) && err.code === 'EACCES') return 'is not executable';
    return `cannot be used (${errorMessage(err)})`;
  }
}

/** The first executable `name` in env.PATH, like `command -v`. */
export async function findOnPath(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.resolve(dir, name);
    if (!(await executableProblem(candidate))) return candidate;
  }
  return undefined;
}

export interface CommandOutput {
  ok: boolean;
  /** stdout then stderr, trimmed; on failure the error's message if the command printed nothing. */
  output: string;
}

/** Runs a short command to completion and collects its output; never rejects. */
export function commandOutput(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<CommandOutput> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}`.trim();
      resolve({ ok: !err, output: err ? output || errorMessage(err) : output });
    });
  });
}

/** Whether a process with this pid exists (EPERM: it does, but belongs to someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return isErrnoException(err) && err.code === 'EPERM';
  }
}

export function isErrnoException(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && 'code' in err;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
