import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { writeHashed } from './hashed-write';
import { isOwner, parseStagedRef, STAGED_PREFIX, stagedRef, storeKeyOf } from '../../contract/staged-ref';

export { STAGED_PREFIX } from '../../contract/staged-ref';

/** Thrown by `receive` once the bytes pass `maxBytes`; the partial file is already removed. */
export class StagingLimitExceeded extends Error {
  constructor(readonly maxBytes: number) {
    super(`more than the ${(maxBytes / 1024 / 1024).toFixed(1)} MB limit`);
    this.name = 'StagingLimitExceeded';
  }
}

/** Bytes written to a temporary file of the store, hashed on the way, not yet addressable. */
export interface IncomingFile {
  /** Where the bytes are now: readable for probing until `commit` or `discard`. */
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  /**
   * Moves the bytes to their content address under `owner` (contract/staged-ref.ts)
   * and returns the `staged:<owner>/<sha256>.<ext>` reference.
   */
  commit(ext: string, owner: string): Promise<string>;
  /** Removes the temporary file (a no-op once committed). */
  discard(): Promise<void>;
}

/**
 * What a client needs to stage a caller's files before starting a workflow. Today only the local
 * StagingStore implements it (client and worker share STAGING_DIR); a shared object store can
 * implement the same.
 */
export interface InputStaging {
  receive(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, maxBytes?: number): Promise<IncomingFile>;
  /** The size of a staged file; rejects when the store does not hold it (the API checks a start's `staged:` refs with it). */
  sizeOf(ref: string): Promise<number>;
  /** The bytes of a staged file (the studio shows a key's own image inputs with it). */
  get(ref: string): Promise<Buffer>;
}

const EXT = /^[a-z0-9]+$/;

/** The same pattern `pathOf` accepts, so every reference handed out can be read back. */
function checkExt(ext: string): void {
  if (!EXT.test(ext)) throw new Error(`malformed staged file extension: ${JSON.stringify(ext)}`);
}

/** What a sweep removed and kept (worker/staging-sweep.ts logs it). */
export interface SweepResult {
  removed: number;
  kept: number;
}

function checkOwner(owner: string): void {
  if (!isOwner(owner)) throw new Error('malformed staging owner');
}

/**
 * Holds input media the worker read from local files or data URIs, so that workflow history only
 * carries a short `staged:<owner>/<sha256>.<ext>` reference. Content-addressed within an owner:
 * staging the same bytes twice (e.g. on a retry) stores them once; the same bytes staged by two
 * owners are two files, so a hash is never a capability across owners. Bytes are streamed in
 * (`receive`): a 200 MB video is never held in memory. Files nobody staged again for the
 * operator's VIDU_FLOW_STAGING_TTL_DAYS are removed by `sweep` (staging again renames a fresh copy
 * over the old one, so its mtime is the last staging).
 */
export class StagingStore implements InputStaging {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  async put(bytes: Uint8Array, ext: string, owner: string): Promise<string> {
    checkExt(ext);
    checkOwner(owner);
    const incoming = await this.receive([bytes]);
    return incoming.commit(ext, owner);
  }

  /**
   * Streams `source` into a temporary file while computing its sha256. Fails with
   * StagingLimitExceeded as soon as more than `maxBytes` arrive (nothing is left behind). Each
   * chunk is hashed and copied before the next is pulled (writeHashed), so a source may reuse one
   * buffer.
   */
  async receive(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    maxBytes = Number.POSITIVE_INFINITY,
  ): Promise<IncomingFile> {
    await mkdir(this.dir, { recursive: true });
    // A unique temp name per call: concurrent stagings of the same bytes (one image used by
    // several workflows on this worker) must not write into, or rename away, each other's file.
    const temp = path.join(this.dir, `.incoming-${process.pid}-${randomBytes(6).toString('hex')}`);
    const fh = await open(temp, 'wx');
    let size: number;
    let sha256: string;
    try {
      ({ bytes: size, sha256 } = await writeHashed(fh, source, {
        maxBytes,
        tooLarge: () => new StagingLimitExceeded(maxBytes),
      }));
      await fh.sync();
    } catch (err) {
      await fh.close().catch(() => undefined);
      await rm(temp, { force: true });
      throw err;
    }
    await fh.close();
    let done = false;
    return {
      path: temp,
      size,
      sha256,
      commit: async (ext: string, owner: string) => {
        if ((!EXT.test(ext) || !isOwner(owner)) && !done) await rm(temp, { force: true });
        checkExt(ext);
        checkOwner(owner);
        const name = `${sha256}.${ext}`;
        if (!done) {
          await mkdir(path.join(this.dir, owner), { recursive: true });
          await rename(temp, path.join(this.dir, owner, name));
        }
        done = true;
        return stagedRef(owner, name);
      },
      discard: async () => {
        if (!done) await rm(temp, { force: true });
        done = true;
      },
    };
  }

  /** The file behind a reference; throws on a malformed one (never a path outside the store). */
  pathOf(ref: string): string {
    if (!ref.startsWith(STAGED_PREFIX)) throw new Error('not a staged reference');
    const parsed = parseStagedRef(ref);
    if (!parsed) throw new Error('malformed staged reference');
    return path.join(this.dir, storeKeyOf(parsed));
  }

  /**
   * The local file holding a staged input, for probing it in place. A shared store (S3) first
   * fetches what another host staged; this one only maps the name (ENOENT surfaces on use).
   */
  async localPath(ref: string): Promise<string> {
    return this.pathOf(ref);
  }

  /** Size in bytes of a staged file (ENOENT when it is gone). */
  async sizeOf(ref: string): Promise<number> {
    return (await stat(this.pathOf(ref))).size;
  }

  async get(ref: string): Promise<Buffer> {
    return readFile(this.pathOf(ref));
  }

  /**
   * Removes staged files (and abandoned temporary files) last written before `now - maxAgeMs`:
   * the owners' folders and the legacy top-level files. A file in use by a workflow that waits
   * longer than that is gone when it submits; the README says so next to VIDU_FLOW_STAGING_TTL_DAYS.
   */
  async sweep(maxAgeMs: number, now = Date.now()): Promise<SweepResult> {
    return sweepDir(this.dir, now - maxAgeMs);
  }
}

/** One level of owner folders below `dir`, plus the files at its top (legacy names, temp files). */
async function sweepDir(dir: string, cutoffMs: number): Promise<SweepResult> {
  const result: SweepResult = { removed: 0, kept: 0 };
  const top = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  const consider = async (file: string) => {
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return;
    if (info.mtimeMs < cutoffMs) {
      await rm(file, { force: true });
      result.removed += 1;
    } else {
      result.kept += 1;
    }
  };
  for (const entry of top) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && isOwner(entry.name)) {
      for (const inner of await readdir(full, { withFileTypes: true }).catch(() => []))
        if (inner.isFile()) await consider(path.join(full, inner.name));
    } else if (entry.isFile()) {
      await consider(full);
    }
  }
  return result;
}

/**
 * The bytes of an open file through one reused buffer: reading a large file this way leaves no
 * garbage chunks behind for the collector (a stream allocates one per read).
 */
export async function* fileChunks(fh: FileHandle, bufferBytes = 256 * 1024): AsyncGenerator<Uint8Array> {
  const buffer = Buffer.alloc(bufferBytes);
  let position = 0;
  for (;;) {
    const { bytesRead } = await fh.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return;
    position += bytesRead;
    yield buffer.subarray(0, bytesRead);
  }
}
