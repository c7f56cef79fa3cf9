import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile, rename } from 'node:fs/promises';
import path from 'node:path';

export const STAGED_PREFIX = 'staged:';

/**
 * Holds input media the worker read from local files or data URIs, so that workflow history only
 * carries a short `staged:<sha256>.<ext>` reference. Content-addressed: staging the same bytes
 * twice (e.g. on a retry) stores them once.
 */
export class StagingStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  async put(bytes: Uint8Array, ext: string): Promise<string> {
    const name = `${createHash('sha256').update(bytes).digest('hex')}.${ext}`;
    const target = path.join(this.dir, name);
    await mkdir(this.dir, { recursive: true });
    const temp = `${target}.partial-${process.pid}`;
    await writeFile(temp, bytes);
    await rename(temp, target);
    return `${STAGED_PREFIX}${name}`;
  }

  async get(ref: string): Promise<Buffer> {
    if (!ref.startsWith(STAGED_PREFIX)) throw new Error(`not a staged reference: ${ref}`);
    const name = ref.slice(STAGED_PREFIX.length);
    if (!/^[0-9a-f]{64}\.[a-z0-9]+$/.test(name)) throw new Error(`malformed staged reference: ${ref}`);
    return readFile(path.join(this.dir, name));
  }
}
