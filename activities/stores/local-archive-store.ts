import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ArchiveStore } from './archive-store';

export class LocalArchiveStore implements ArchiveStore {
  readonly root: string;

  constructor(dir: string) {
    this.root = path.resolve(dir);
  }

  locate(key: string): string {
    const full = path.resolve(this.root, key);
    // Keys come from workflow ids and Vidu creation ids; refuse anything that escapes the root.
    if (full !== this.root && !full.startsWith(this.root + path.sep)) throw new Error(`archive key escapes the archive root: ${key}`);
    return full;
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.locate(key))).isFile();
    } catch {
      return false;
    }
  }

  async write(key: string, body: AsyncIterable<Uint8Array>, _contentType: string): Promise<{ sha256: string; bytes: number }> {
    const target = this.locate(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.partial-${randomBytes(4).toString('hex')}`;
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      await pipeline(
        body,
        async function* (source: AsyncIterable<Uint8Array>) {
          for await (const chunk of source) {
            hash.update(chunk);
            bytes += chunk.byteLength;
            yield chunk;
          }
        },
        createWriteStream(temp),
      );
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
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
    const target = this.locate(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.partial-${randomBytes(4).toString('hex')}`;
    await writeFile(temp, JSON.stringify(value, null, 2) + '\n');
    await rename(temp, target);
  }

  async remove(key: string): Promise<void> {
    const target = this.locate(key);
    if (target === this.root) throw new Error('refusing to remove the archive root');
    await rm(target, { recursive: true, force: true });
  }
}
