import { realpath } from 'node:fs/promises';
import path from 'node:path';

// The worker reads a local path only inside a folder its operator listed in VIDU_FLOW_INPUT_ROOTS
// (default: none). A caller's own files are staged by the client instead, so a workflow input can
// never make the worker read its archives, its keys or another caller's files. The check is on
// the real path (symlinks and `..` resolved), and a refusal says nothing about the file itself:
// not whether it exists, nor its size, nor its contents.

export const INPUT_ROOTS_ENV = 'VIDU_FLOW_INPUT_ROOTS';

export const OUTSIDE_ROOTS = `local paths are not read by the worker unless under ${INPUT_ROOTS_ENV} (the vidu-flow client and CLI stage a caller's own files)`;

/** Why a path was refused or could not be read; the message is safe to show the caller. */
export class InputPathRefused extends Error {
  override readonly name = 'InputPathRefused';
}

/** `a:b:c` (path.delimiter) → absolute folders; empty entries are ignored. */
export function parseInputRoots(value: string | undefined): string[] {
  return (value ?? '')
    .split(path.delimiter)
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => path.resolve(s));
}

function inside(file: string, root: string): boolean {
  const rel = path.relative(root, file);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

async function realRoots(roots: readonly string[]): Promise<string[]> {
  const real = await Promise.all(roots.map((r) => realpath(r).catch(() => undefined)));
  return real.filter((r): r is string => r !== undefined);
}

/**
 * The real path of `file` when it lies inside one of `roots`; throws InputPathRefused otherwise.
 * A file that does not exist is reported as missing only when its nearest existing folder is
 * itself inside a root, so probing for files elsewhere learns nothing.
 */
export async function resolveInsideRoots(file: string, roots: readonly string[]): Promise<string> {
  const real = await realRoots(roots);
  if (real.length === 0) throw new InputPathRefused(OUTSIDE_ROOTS);
  const resolved = path.resolve(file);
  let target: string;
  try {
    target = await realpath(resolved);
  } catch {
    // Find the deepest folder that exists and judge that one.
    let dir = path.dirname(resolved);
    for (;;) {
      const realDir = await realpath(dir).catch(() => undefined);
      if (realDir !== undefined) {
        if (real.some((root) => inside(realDir, root))) throw new InputPathRefused(`file not found: ${resolved}`);
        throw new InputPathRefused(OUTSIDE_ROOTS);
      }
      const up = path.dirname(dir);
      if (up === dir) throw new InputPathRefused(OUTSIDE_ROOTS);
      dir = up;
    }
  }
  if (!real.some((root) => inside(target, root))) throw new InputPathRefused(OUTSIDE_ROOTS);
  return target;
}
