import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { s3Sdk } from './aws-sdk';
import type { StoredDigest } from './archive-store';

// How bytes reach a bucket, and what S3 checks:
// - A body up to PART_BYTES is sent in one PutObject carrying ChecksumSHA256, the sha256 of the
//   whole body computed on the way: S3 recomputes it and refuses the object (BadDigest) if it
//   differs. The same sha256 (hex) is kept as metadata `x-amz-meta-sha256`.
// - A larger body goes up as a multipart upload, each part carrying its own ChecksumSHA256, which
//   S3 verifies per part. S3 has no whole-object SHA256 for multipart objects (only CRC types), so
//   the whole-object sha256 computed on the way is added afterwards as `x-amz-meta-sha256` (an
//   in-place CopyObject, metadata only). Before completing, the object already at the key is
//   compared (size and sha256): identical bytes are kept and the upload aborted, so a retry never
//   writes a second copy.
// Memory: one part being filled plus at most one being uploaded (2 x 8 MiB), whatever the size.

export const PART_BYTES = 8 * 1024 * 1024;
const HEX64 = /^[0-9a-f]{64}$/;

export interface PutResult extends StoredDigest {
  /** The same bytes were already stored at the key: nothing was written. */
  reused: boolean;
}

export async function putStream(
  s3: S3Client,
  bucket: string,
  key: string,
  body: AsyncIterable<Uint8Array>,
  contentType: string,
): Promise<PutResult> {
  const whole = createHash('sha256');
  let bytes = 0;
  const parts = partsOf(body, PART_BYTES)[Symbol.asyncIterator]();
  const first = await parts.next();
  const firstPart = first.done ? Buffer.alloc(0) : first.value;
  const second = first.done ? first : await parts.next();
  if (second.done) {
    const sha256 = whole.update(firstPart).digest('hex');
    bytes = firstPart.byteLength;
    const existing = await storedDigest(s3, bucket, key);
    if (existing?.bytes === bytes && existing.sha256 === sha256) return { sha256, bytes, reused: true };
    await s3.send(
      new s3Sdk.PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: firstPart,
        ContentLength: bytes,
        ContentType: contentType,
        ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
        Metadata: { sha256 },
      }),
    );
    return { sha256, bytes, reused: false };
  }

  const { UploadId } = await s3.send(
    new s3Sdk.CreateMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      ContentType: contentType,
      ChecksumAlgorithm: 'SHA256',
    }),
  );
  if (!UploadId) throw new Error(`S3 gave no upload id for ${key}`);
  const abort = () =>
    s3.send(new s3Sdk.AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })).catch(() => undefined);
  const done: { PartNumber: number; ETag: string | undefined; ChecksumSHA256: string }[] = [];
  let pending: Promise<void> | undefined;
  // The next part is read while the previous one uploads: at most two parts in memory.
  async function* all(): AsyncGenerator<Buffer> {
    yield firstPart;
    if (!second.done) yield second.value;
    for (let next = await parts.next(); !next.done; next = await parts.next()) yield next.value;
  }
  try {
    let number = 0;
    for await (const part of all()) {
      number += 1;
      whole.update(part);
      bytes += part.byteLength;
      const checksum = createHash('sha256').update(part).digest('base64');
      const partNumber = number;
      if (pending) await pending;
      pending = s3
        .send(
          new s3Sdk.UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId,
            PartNumber: partNumber,
            Body: part,
            ContentLength: part.byteLength,
            ChecksumSHA256: checksum,
          }),
        )
        .then((r) => void done.push({ PartNumber: partNumber, ETag: r.ETag, ChecksumSHA256: checksum }));
      pending.catch(() => undefined); // awaited below; no unhandled rejection while the next part fills
    }
    await pending;
    const sha256 = whole.digest('hex');
    const existing = await storedDigest(s3, bucket, key);
    if (existing?.bytes === bytes && existing.sha256 === sha256) {
      await abort();
      return { sha256, bytes, reused: true };
    }
    done.sort((a, b) => a.PartNumber - b.PartNumber);
    await s3.send(
      new s3Sdk.CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: done },
      }),
    );
    // Metadata only; should it fail, `storedDigest` finds no sha256 and digest() reads the bytes back.
    await s3
      .send(
        new s3Sdk.CopyObjectCommand({
          Bucket: bucket,
          Key: key,
          CopySource: `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
          MetadataDirective: 'REPLACE',
          ContentType: contentType,
          Metadata: { sha256 },
        }),
      )
      .catch(() => undefined);
    return { sha256, bytes, reused: false };
  } catch (err) {
    await pending?.catch(() => undefined);
    await abort();
    throw err;
  }
}

/** Splits a stream into parts of exactly `size` bytes (the last shorter), copying each byte once. */
async function* partsOf(body: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Buffer> {
  let buf = Buffer.allocUnsafe(size);
  let used = 0;
  for await (const chunk of body) {
    let offset = 0;
    while (offset < chunk.byteLength) {
      const n = Math.min(size - used, chunk.byteLength - offset);
      buf.set(chunk.subarray(offset, offset + n), used);
      used += n;
      offset += n;
      if (used === size) {
        yield buf;
        buf = Buffer.allocUnsafe(size);
        used = 0;
      }
    }
  }
  if (used > 0) yield buf.subarray(0, used);
}

/** Size and sha256 S3 holds for a key without reading it; sha256 undefined when S3 has none. */
export async function storedDigest(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<{ bytes: number; sha256: string | undefined } | undefined> {
  let head;
  try {
    head = await s3.send(new s3Sdk.HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  const bytes = head.ContentLength ?? 0;
  // A full-object SHA256 is S3's own (it verified it on upload); else the sha256 metadata we set.
  const full =
    head.ChecksumSHA256 && !head.ChecksumSHA256.includes('-')
      ? Buffer.from(head.ChecksumSHA256, 'base64').toString('hex')
      : undefined;
  const meta = head.Metadata?.sha256;
  return { bytes, sha256: full && HEX64.test(full) ? full : meta && HEX64.test(meta) ? meta : undefined };
}

/** Reads an object back and hashes it (`onProgress`: bytes so far); undefined when absent. */
export async function hashObject(
  s3: S3Client,
  bucket: string,
  key: string,
  onProgress?: (bytes: number) => void,
): Promise<StoredDigest | undefined> {
  const body = await openObject(s3, bucket, key);
  if (!body) return undefined;
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of body) {
    hash.update(chunk);
    bytes += chunk.byteLength;
    onProgress?.(bytes);
  }
  return { sha256: hash.digest('hex'), bytes };
}

export async function openObject(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<AsyncIterable<Uint8Array> | undefined> {
  try {
    const res = await s3.send(new s3Sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
    return res.Body as AsyncIterable<Uint8Array>;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}
