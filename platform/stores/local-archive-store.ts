import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ArchiveStore, StoredDigest } from './archive-store';
import { writeHashed } from './hashed-write';

export class LocalArchiveStore implements ArchiveStore {
  readonly root: string;

  constructor(dir: string) {
    this.root = path.resolve(dir);
  }

  locate(key: string): string {
    // Second line of defence: keys are built from checked workflow ids and escaped creation ids
    // (activities/archive-names.ts); whatever slips through must still stay under the root.
    if (key.includes('\0')) throw new Error(`archive key escapes the archive root (NUL byte): ${JSON.stringify(key)}`);
    const full = path.resolve(this.root, key);
    if (full !== this.root && !full.startsWith(this.root + path.sep))
      throw new Error(`archive key escapes the archive root: ${key}`);
    return full;
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.locate(key))).isFile();
    } catch {
      return false;
    }
  }

  /**
   * Streams to `<target>.partial-<random>`, fsyncs it, renames it over the target and fsyncs the
   * folder, so that after a crash the target is either absent, the old file, or the whole new one.
   * Bytes go through writeHashed (1 MiB batches, at most two at a time), so memory stays flat
   * however large the body.
   */
  async write(key: string, body: AsyncIterable<Uint8Array>, _contentType: string): Promise<StoredDigest> {
    const target = this.locate(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.partial-${randomBytes(4).toString('hex')}`;
    let digest: StoredDigest;
    try {
      const fh = await open(temp, 'w');
      try {
        digest = await writeHashed(fh, body);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    await syncDir(path.dirname(target));
    return digest;
  }

  async digest(key: string, onProgress?: (bytes: number) => void): Promise<StoredDigest | undefined> {
    const file = this.locate(key);
    try {
      if (!(await stat(file)).isFile()) return undefined;
    } catch {
      return undefined;
    }
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
        hash.update(chunk);
        bytes += chunk.byteLength;
        onProgress?.(bytes);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    return { sha256: hash.digest('hex'), bytes };
  }

  async readJson<T>(key: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.locate(key), 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async writeJson(key: string, value: unknown): Promise<void> {
    await this.write(key, once(Buffer.from(JSON.stringify(value, null, 2) + '\n')), 'application/json');
  }

  async remove(key: string): Promise<void> {
    const target = this.locate(key);
    if (target === this.root) throw new Error('refusing to remove the archive root');
    await rm(target, { recursive: true, force: true });
  }
}

async function* once(chunk: Uint8Array): AsyncIterable<Uint8Array> {
  yield chunk;
}

/** Makes a rename durable. Not every platform can open or fsync a directory; there it is skipped. */
async function syncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // EISDIR/EPERM/EINVAL on platforms without directory fsync: the rename is still atomic.
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
