import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { s3Sdk } from './aws-sdk';
import { openObject, putStream, storedDigest } from './s3-objects';
import { objectKey, s3Url, type S3Location } from './s3-location';
import { StagingStore, type IncomingFile, type SweepResult } from './staging-store';
import { isOwner, parseStagedRef, stagedRef, storeKeyOf } from '../../contract/staged-ref';

const EXT = /^[a-z0-9]+$/;
/** DeleteObjects takes at most 1000 keys per call (S3 API reference, DeleteObjects). */
const DELETE_BATCH = 1000;

/**
 * The staging store in a bucket (STAGING_URL=s3://bucket/prefix), shared by the client, the API
 * and every worker: a staged file is the object `<prefix>/<owner>/<sha256>.<ext>` (owners: see
 * contract/staged-ref.ts), so the same bytes are stored once per owner whoever of that owner stages
 * them. Bytes still arrive in a local folder first (hashed on the way, probed there), and go to
 * the bucket on `commit`; the local folder doubles as a read cache, filled on demand
 * (`fetchLocal`) when another host staged the file. The references are the same as the local
 * store's (`staged:<owner>/<sha256>.<ext>`), so workflows do not know which store is used.
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

  override async receive(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    maxBytes?: number,
  ): Promise<IncomingFile> {
    const incoming = await super.receive(source, maxBytes);
    return {
      path: incoming.path,
      size: incoming.size,
      sha256: incoming.sha256,
      commit: async (ext: string, owner: string) => {
        if (!EXT.test(ext) || !isOwner(owner)) return incoming.commit(ext, owner); // refuses it, and removes the file
        const name = `${incoming.sha256}.${ext}`;
        const key = objectKey(this.loc, `${owner}/${name}`);
        // Content-addressed: when the object is already there with this size and sha256, nothing is sent.
        const put = await putStream(
          this.s3,
          this.loc.bucket,
          key,
          createReadStream(incoming.path),
          'application/octet-stream',
        );
        // Staging again counts as use: a copy onto itself renews LastModified, which the sweep
        // (and an S3 lifecycle rule) go by, so a re-staged input does not expire under its user.
        if (put.reused) await this.renew(key, incoming.path);
        if (this.opts.keepLocal) return incoming.commit(ext, owner);
        await incoming.discard();
        return stagedRef(owner, name);
      },
      discard: () => incoming.discard(),
    };
  }

  /**
   * Renews the object's LastModified: a copy onto itself (S3 makes it a new object), checked with
   * a HEAD; a store that keeps the old date on such a copy (versitygw's posix backend does) gets
   * the bytes again. Only on a repeat staging of the same bytes by the same owner.
   */
  private async renew(key: string, file: string): Promise<void> {
    const before = await this.lastModified(key);
    await this.s3
      .send(
        new s3Sdk.CopyObjectCommand({
          Bucket: this.loc.bucket,
          Key: key,
          CopySource: `${this.loc.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
          MetadataDirective: 'REPLACE',
          ContentType: 'application/octet-stream',
          Metadata: { sha256: key.split('/').pop()!.split('.')[0]! },
        }),
      )
      .catch(() => undefined);
    const after = await this.lastModified(key);
    if (before !== undefined && after !== undefined && after > before) return;
    // Streamed (ContentLength from the file): memory stays flat whatever the size.
    const size = (await stat(file)).size;
    await this.s3.send(
      new s3Sdk.PutObjectCommand({
        Bucket: this.loc.bucket,
        Key: key,
        Body: createReadStream(file),
        ContentLength: size,
        ContentType: 'application/octet-stream',
        Metadata: { sha256: key.split('/').pop()!.split('.')[0]! },
      }),
    );
  }

  private async lastModified(key: string): Promise<number | undefined> {
    const head = await this.s3
      .send(new s3Sdk.HeadObjectCommand({ Bucket: this.loc.bucket, Key: key }))
      .catch(() => undefined);
    return head?.LastModified?.getTime();
  }

  /** Where the file behind `ref` is on this host, downloading it from the bucket when needed. */
  override async localPath(ref: string): Promise<string> {
    return this.fetchLocal(ref);
  }

  async fetchLocal(ref: string): Promise<string> {
    const file = this.pathOf(ref); // throws on a malformed reference
    if (await isFile(file)) return file;
    const parsed = parseStagedRef(ref)!;
    const body = await openObject(this.s3, this.loc.bucket, objectKey(this.loc, storeKeyOf(parsed)));
    if (!body) throw Object.assign(new Error('staged input is not in the staging bucket'), { code: 'ENOENT' });
    const incoming = await super.receive(body);
    const [sha256, ext] = parsed.name.split('.') as [string, string];
    if (incoming.sha256 !== sha256) {
      await incoming.discard();
      throw new Error(
        `staged object ${s3Url(this.loc, storeKeyOf(parsed))} does not hash to its name (got sha256 ${incoming.sha256})`,
      );
    }
    // A legacy reference (no owner) is cached under the operator's folder.
    return this.pathOf(await incoming.commit(ext, parsed.owner));
  }

  override async sizeOf(ref: string): Promise<number> {
    const file = this.pathOf(ref);
    if (await isFile(file)) return (await stat(file)).size;
    const stored = await storedDigest(this.s3, this.loc.bucket, objectKey(this.loc, storeKeyOf(parseStagedRef(ref)!)));
    if (!stored) throw Object.assign(new Error('staged input is not in the staging bucket'), { code: 'ENOENT' });
    return stored.bytes;
  }

  override async get(ref: string): Promise<Buffer> {
    return readFile(await this.fetchLocal(ref));
  }

  /**
   * The bucket's objects under the prefix last written before `now - maxAgeMs` (ListObjectsV2's
   * LastModified), removed with DeleteObjects, then the local cache by mtime. An S3 lifecycle
   * rule on the prefix does the same without the worker (README, "Staged inputs expire").
   */
  override async sweep(maxAgeMs: number, now = Date.now()): Promise<SweepResult> {
    const cutoff = now - maxAgeMs;
    const result: SweepResult = { removed: 0, kept: 0 };
    const prefix = this.loc.prefix ? `${this.loc.prefix}/` : '';
    let old: string[] = [];
    const flush = async () => {
      if (old.length === 0) return;
      const batch = old;
      old = [];
      const res = await this.s3.send(
        new s3Sdk.DeleteObjectsCommand({
          Bucket: this.loc.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      result.removed += batch.length - (res.Errors?.length ?? 0);
    };
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new s3Sdk.ListObjectsV2Command({
          Bucket: this.loc.bucket,
          Prefix: prefix,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        if (object.LastModified && object.LastModified.getTime() < cutoff) old.push(object.Key);
        else result.kept += 1;
        if (old.length >= DELETE_BATCH) await flush();
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    await flush();
    await super.sweep(maxAgeMs, now); // the local cache: copies only, not counted
    return result;
  }
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}
