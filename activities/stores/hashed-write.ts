import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

// Streams bytes into an open file while hashing them, at close to the speed of a plain stream
// copy, for the archive and the staging store. Measured by `npm run bench -- --only archive`:
// writing each network chunk (~64 KiB) and awaiting it before pulling the next left the process
// idle most of the time, and one fsync of the whole file at the end added a long tail. So:
//  - chunks are copied and gathered into batches of 256 KiB, written with one writev while the
//    next batch fills (at most two batches, 512 KiB, per transfer whatever the file size; a small
//    file costs only its size), so reading, hashing and writing overlap, and a source may still
//    reuse its buffer once the next chunk is pulled;
//  - every 32 MiB a data sync is started in the background, so the disk flushes while bytes still
//    arrive and the caller's final fsync only has the tail left. Durability is unchanged: the
//    caller still fsyncs the whole file before it renames it.

const BATCH_BYTES = Number(process.env.S14_BATCH ?? 256 * 1024); // S14-TEMP
/** Few enough buffers for one writev call (IOV_MAX is 1024 on Linux). */
const BATCH_CHUNKS = 256;
const BACKGROUND_SYNC_BYTES = 32 * 1024 * 1024;

export interface HashedWriteOptions {
  /** Once the bytes pass this, the chunk that passed it is not written and `tooLarge` is thrown. */
  maxBytes?: number;
  tooLarge?: (bytes: number) => Error;
}

export interface HashedWriteResult {
  sha256: string;
  bytes: number;
}

/**
 * Writes every chunk of `source` to `fh` from position 0 and returns the sha256 (hex) and size.
 * Nothing is written in the background once it settles (resolved or rejected); the caller closes
 * the handle and fsyncs (or removes) the file.
 */
export async function writeHashed(
  fh: FileHandle,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  opts: HashedWriteOptions = {},
): Promise<HashedWriteResult> {
  const maxBytes = opts.maxBytes ?? Number.POSITIVE_INFINITY;
  const hash = createHash('sha256');
  let bytes = 0;
  let batch: Buffer[] = [];
  let batchBytes = 0;
  let position = 0;
  let writing: Promise<void> | undefined;
  let syncing: Promise<void> | undefined;
  let sinceSync = 0;

  // Hands the batch to the file; waits only for the previous batch, so reading goes on meanwhile.
  const flush = async (): Promise<void> => {
    await writing;
    const data = batch;
    const at = position;
    position += batchBytes;
    sinceSync += batchBytes;
    batch = [];
    batchBytes = 0;
    writing = writeAll(fh, data, at).then(() => {
      if (sinceSync >= BACKGROUND_SYNC_BYTES && !syncing) {
        sinceSync = 0;
        // A failed background sync is not a failed write: the caller's final fsync reports for real.
        syncing = fh.datasync().catch(() => undefined).finally(() => (syncing = undefined));
      }
    });
    writing.catch(() => undefined); // awaited (and thrown) by the next flush or at the end
  };

  try {
    for await (const chunk of source) {
      bytes += chunk.byteLength;
      if (bytes > maxBytes) throw opts.tooLarge ? opts.tooLarge(bytes) : new Error(`more than ${maxBytes} bytes`);
      if (chunk.byteLength === 0) continue;
      hash.update(chunk);
      // A copy: the source may reuse its buffer for the next chunk, and small files cost only their size.
      batch.push(Buffer.from(chunk));
      batchBytes += chunk.byteLength;
      if (batchBytes >= BATCH_BYTES || batch.length >= BATCH_CHUNKS) await flush();
    }
    if (batchBytes > 0) await flush();
    await writing;
  } finally {
    // On failure too: the caller may close and remove the file at once.
    await writing?.catch(() => undefined);
    await syncing;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** One writev; a short write (possible in principle, rare for a regular file) is finished byte-exactly. */
async function writeAll(fh: FileHandle, data: Buffer[], position: number): Promise<void> {
  const total = data.reduce((n, b) => n + b.byteLength, 0);
  const { bytesWritten } = data.length === 1 ? await fh.write(data[0]!, 0, total, position) : await fh.writev(data, position);
  if (bytesWritten === total) return;
  const rest = Buffer.concat(data, total);
  for (let done = bytesWritten; done < total; ) {
    const { bytesWritten: n } = await fh.write(rest, done, total - done, position + done);
    if (n <= 0) throw new Error('the file accepted no bytes');
    done += n;
  }
}
