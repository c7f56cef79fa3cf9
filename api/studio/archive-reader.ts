import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { s3ClientFromEnv } from '../../platform/stores/s3-client';
import { parseS3Url, s3Url, splitS3Location } from '../../platform/stores/s3-location';

// Reads an archived file for the studio's media route, one byte range at a time (a <video> seeks
// with Range requests). The location comes from the workflow's own result (written by the
// worker), and is still only read when it lies inside the archive this API is configured with
// (ARCHIVE_URL=s3://… or ARCHIVE_DIR, default ./data/archive, as the worker): a result can never
// make the API read another file of its disk or another bucket.

/** The archive the studio plays results from: the worker's own settings (the same folder or bucket). */
export const STUDIO_ENV_VARS = ['ARCHIVE_DIR', 'ARCHIVE_URL'] as const;

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

export interface OpenedMedia {
  size: number;
  range?: ByteRange;
  body: Readable | AsyncIterable<Uint8Array>;
}

export interface ArchiveReader {
  /** undefined: not in this archive, or gone. */
  open(
    location: string,
    range: ((size: number) => ByteRange | undefined | 'unsatisfiable') | undefined,
  ): Promise<OpenedMedia | 'unsatisfiable' | undefined>;
}

/** A single `bytes=a-b`, `bytes=a-` or `bytes=-n` range of a `size`-byte file; multiple ranges are served whole. */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined | 'unsatisfiable' {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

export function archiveReader(env: NodeJS.ProcessEnv = process.env): ArchiveReader {
  const url = env.ARCHIVE_URL || undefined;
  if (url?.startsWith('s3://')) {
    // Checked at start-up like the worker's (a bad value stops the API with a message naming it).
    const root = s3Url(parseS3Url(url, 'ARCHIVE_URL')) + '/';
    let s3: S3Client | undefined;
    return {
      open: async (location, rangeOf) => {
        if (!location.startsWith(root) || location.includes('/../')) return undefined;
        const where = splitS3Location(location);
        if (!where) return undefined;
        s3 ??= s3ClientFromEnv(env);
        // One HEAD-free request: a ranged GET answers the whole size in Content-Range.
        const head = await s3
          .send(new GetObjectCommand({ Bucket: where.bucket, Key: where.key, Range: 'bytes=0-0' }))
          .catch(() => undefined);
        const size = head
          ? Number(/\/(\d+)$/.exec(head.ContentRange ?? '')?.[1] ?? head.ContentLength ?? 0)
          : undefined;
        (head?.Body as Readable | undefined)?.destroy?.();
        if (size === undefined) return undefined;
        const range = rangeOf?.(size);
        if (range === 'unsatisfiable') return 'unsatisfiable';
        const res = await s3.send(
          new GetObjectCommand({
            Bucket: where.bucket,
            Key: where.key,
            ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
          }),
        );
        return { size, ...(range ? { range } : {}), body: res.Body as AsyncIterable<Uint8Array> };
      },
    };
  }
  const root = path.resolve(env.ARCHIVE_DIR || './data/archive');
  return {
    open: async (location, rangeOf) => {
      const full = path.resolve(location);
      if (!full.startsWith(root + path.sep) || full.includes('\0')) return undefined;
      const st = await stat(full).catch(() => undefined);
      if (!st?.isFile()) return undefined;
      const range = rangeOf?.(st.size);
      if (range === 'unsatisfiable') return 'unsatisfiable';
      return {
        size: st.size,
        ...(range ? { range } : {}),
        body: createReadStream(full, range ? { start: range.start, end: range.end } : {}),
      };
    },
  };
}
