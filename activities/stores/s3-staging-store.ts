import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { openObject, putStream, storedDigest } from './s3-objects';
import { objectKey, s3Url, type S3Location } from './s3-location';
import { STAGED_PREFIX, StagingStore, type IncomingFile } from './staging-store';

const EXT = /^[a-z0-9]+$/;

/**
 * The staging store in a bucket (STAGING_URL=s3://bucket/prefix), shared by the client and every
 * worker: a staged file is the object `<prefix>/<sha256>.<ext>`, so the same bytes are stored once
 * whoever stages them. Bytes still arrive in a local folder first (hashed on the way, probed
 * there), and go to the bucket on `commit`; the local folder doubles as a read cache, filled on
 * demand (`fetchLocal`) when another host staged the file. The references are unchanged
 * (`staged:<sha256>.<ext>`), so workflows do not know which store is used.
 */
export class S3StagingStore extends StagingStore {
  readonly root: string;

  /**
   * `cacheDir`: the local folder (the worker's STAGING_DIR). `keepLocal: false` (the client)
   * removes the local copy once it is in the bucket.
   */
  constructor(
    private readonly s3: S3Client,
    private readonly loc: S3Location,
    cacheDir: string,
    private readonly opts: { keepLocal: boolean } = { keepLocal: true },
  ) {
    super(cacheDir);
    this.root = s3Url(loc);
  }

  override async receive(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, maxBytes?: number): Promise<IncomingFile> {
    const incoming = await super.receive(source, maxBytes);
    return {
      path: incoming.path,
      size: incoming.size,
      sha256: incoming.sha256,
      commit: async (ext: string) => {
        if (!EXT.test(ext)) return incoming.commit(ext); // refuses it, and removes the file
        const name = `${incoming.sha256}.${ext}`;
        // Content-addressed: when the object is already there with this size and sha256, nothing is sent.
        await putStream(this.s3, this.loc.bucket, objectKey(this.loc, name), createReadStream(incoming.path), 'application/octet-stream');
        if (this.opts.keepLocal) return incoming.commit(ext);
        await incoming.discard();
        return `${STAGED_PREFIX}${name}`;
      },
      discard: () => incoming.discard(),
    };
  }

  /** Where the file behind `ref` is on this host, downloading it from the bucket when needed. */
  override async localPath(ref: string): Promise<string> {
    return this.fetchLocal(ref);
  }

  async fetchLocal(ref: string): Promise<string> {
    const file = this.pathOf(ref); // throws on a malformed reference
    if (await isFile(file)) return file;
    const name = ref.slice(STAGED_PREFIX.length);
    const body = await openObject(this.s3, this.loc.bucket, objectKey(this.loc, name));
    if (!body) throw Object.assign(new Error(`staged input ${ref} is not in ${this.root}`), { code: 'ENOENT' });
    const incoming = await super.receive(body);
    const [sha256, ext] = name.split('.') as [string, string];
    if (incoming.sha256 !== sha256) {
      await incoming.discard();
      throw new Error(`staged object ${s3Url(this.loc, name)} does not hash to its name (got sha256 ${incoming.sha256})`);
    }
    await incoming.commit(ext);
    return file;
  }

  override async sizeOf(ref: string): Promise<number> {
    const file = this.pathOf(ref);
    if (await isFile(file)) return (await stat(file)).size;
    const stored = await storedDigest(this.s3, this.loc.bucket, objectKey(this.loc, ref.slice(STAGED_PREFIX.length)));
    if (!stored) throw Object.assign(new Error(`staged input ${ref} is not in ${this.root}`), { code: 'ENOENT' });
    return stored.bytes;
  }

  override async get(ref: string): Promise<Buffer> {
    await this.fetchLocal(ref);
    return super.get(ref);
  }
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}
