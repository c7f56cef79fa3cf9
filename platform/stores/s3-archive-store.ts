import type { S3Client } from '@aws-sdk/client-s3';
import { s3Sdk } from './aws-sdk';
import type { ArchiveStore, StoredDigest } from './archive-store';
import { hashObject, isNotFound, openObject, putStream, storedDigest } from './s3-objects';
import { objectKey, s3Url, type S3Location } from './s3-location';

/**
 * The archive in an S3 bucket (ARCHIVE_URL=s3://bucket/prefix). Objects appear whole or not at
 * all (S3 publishes a PUT or a completed multipart upload atomically) and are durable once the
 * call returns. What S3 verifies is described in ./s3-objects.ts.
 */
export class S3ArchiveStore implements ArchiveStore {
  readonly root: string;

  constructor(
    private readonly s3: S3Client,
    private readonly loc: S3Location,
  ) {
    this.root = s3Url(loc);
  }

  locate(key: string): string {
    return s3Url(this.loc, key === '' ? '' : objectKey({ bucket: this.loc.bucket, prefix: '' }, key));
  }

  async exists(key: string): Promise<boolean> {
    return (await storedDigest(this.s3, this.loc.bucket, objectKey(this.loc, key))) !== undefined;
  }

  async write(key: string, body: AsyncIterable<Uint8Array>, contentType: string): Promise<StoredDigest> {
    const { sha256, bytes } = await putStream(this.s3, this.loc.bucket, objectKey(this.loc, key), body, contentType);
    return { sha256, bytes };
  }

  /**
   * Size and sha256 of what is stored now. S3's own full-object SHA256 (verified on upload) or the
   * sha256 metadata of a multipart object (whose parts S3 verified) answers without reading the
   * bytes; an object with neither (written by something else) is read back and hashed.
   */
  async digest(key: string, onProgress?: (bytes: number) => void): Promise<StoredDigest | undefined> {
    const k = objectKey(this.loc, key);
    const stored = await storedDigest(this.s3, this.loc.bucket, k);
    if (!stored) return undefined;
    if (stored.sha256) return { sha256: stored.sha256, bytes: stored.bytes };
    return hashObject(this.s3, this.loc.bucket, k, onProgress);
  }

  async readJson<T>(key: string): Promise<T | undefined> {
    const body = await openObject(this.s3, this.loc.bucket, objectKey(this.loc, key));
    if (!body) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk));
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
  }

  async writeJson(key: string, value: unknown): Promise<void> {
    await this.write(key, once(Buffer.from(JSON.stringify(value, null, 2) + '\n')), 'application/json');
  }

  /** Deletes the object `key` and every object under `key/`. */
  async remove(key: string): Promise<void> {
    const k = objectKey(this.loc, key);
    await this.s3.send(new s3Sdk.DeleteObjectCommand({ Bucket: this.loc.bucket, Key: k })).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new s3Sdk.ListObjectsV2Command({ Bucket: this.loc.bucket, Prefix: `${k}/`, ContinuationToken: token }),
      );
      for (const obj of page.Contents ?? []) {
        if (obj.Key) await this.s3.send(new s3Sdk.DeleteObjectCommand({ Bucket: this.loc.bucket, Key: obj.Key }));
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

async function* once(chunk: Uint8Array): AsyncIterable<Uint8Array> {
  yield chunk;
}
