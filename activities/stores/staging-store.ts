import { createHash, randomBytes } from 'node:crypto';
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
    // The same pattern `get` accepts, so every reference handed out can be read back.
    if (!/^[a-z0-9]+$/.test(ext)) throw new Error(`malformed staged file extension: ${JSON.stringify(ext)}`);
    const name = `${createHash('sha256').update(bytes).digest('hex')}.${ext}`;
    const target = path.join(this.dir, name);
    await mkdir(this.dir, { recursive: true });
    // A unique temp name per call: concurrent puts of the same bytes (one image used by several
    // workflows on this worker) must not write into, or rename away, each other's temp file.
    const temp = `${target}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
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
