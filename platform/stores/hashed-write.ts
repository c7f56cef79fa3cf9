import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

// Streams bytes into an open file while hashing them, at close to the speed of a plain stream
// copy, for the archive and the staging store. Measured by `npm run bench -- --only archive`:
// writing each network chunk (~64 KiB) and awaiting it before pulling the next left the process
// idle most of the time, and one fsync of the whole file at the end added a long tail. So:
//  - chunks are copied into batches of 1 MiB, each written with one call while the next one fills
//    (at most two batches, 2 MiB, per transfer whatever the file size; a file smaller than one
//    batch costs only its size), so reading, hashing and writing overlap, and a source may still
//    reuse its buffer once the next chunk is pulled;
//  - every 32 MiB a data sync is started in the background, so the disk flushes while bytes still
//    arrive and the caller's final fsync only has the tail left. Durability is unchanged: the
//    caller still fsyncs the whole file before it renames it.

const BATCH_BYTES = 1024 * 1024;
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
  // Until the first batch is full: copies of the chunks (a small file costs only its size). After
  // it: two batch buffers taking turns, filled by copying (no allocation per chunk).
  let copies: Buffer[] = [];
  let large = false;
  const free: Buffer[] = [];
  let batch: Buffer | undefined;
  let filled = 0;
  let position = 0;
  let writing: Promise<void> | undefined;
  let syncing: Promise<void> | undefined;
  let sinceSync = 0;

  // Hands `data` to the file; waits only for the previous write, so reading goes on meanwhile.
  const flush = async (data: Buffer[], length: number, recycle?: Buffer): Promise<void> => {
    await writing;
    const at = position;
    position += length;
    sinceSync += length;
    writing = writeAll(fh, data, length, at).then(() => {
      if (recycle) free.push(recycle);
      if (sinceSync >= BACKGROUND_SYNC_BYTES && !syncing) {
        sinceSync = 0;
        // A failed background sync is not a failed write: the caller's final fsync reports for real.
        syncing = fh
          .datasync()
          .catch(() => undefined)
          .finally(() => (syncing = undefined));
      }
    });
    writing.catch(() => undefined); // awaited (and thrown) by the next flush or at the end
  };
  const flushCopies = async (): Promise<void> => {
    const data = copies;
    copies = [];
    await flush(data, filled);
    filled = 0;
  };
  const flushBatch = async (): Promise<void> => {
    const full = batch!;
    batch = undefined;
    await flush([full.subarray(0, filled)], filled, full);
    filled = 0;
  };

  try {
    for await (const chunk of source) {
      bytes += chunk.byteLength;
      if (bytes > maxBytes) throw opts.tooLarge ? opts.tooLarge(bytes) : new Error(`more than ${maxBytes} bytes`);
      if (chunk.byteLength === 0) continue;
      hash.update(chunk);
      if (!large) {
        // A copy: the source may reuse its buffer for the next chunk.
        copies.push(Buffer.from(chunk));
        filled += chunk.byteLength;
        if (filled >= BATCH_BYTES || copies.length >= BATCH_CHUNKS) {
          large = true;
          await flushCopies();
        }
        continue;
      }
      for (let offset = 0; offset < chunk.byteLength;) {
        batch ??= free.pop() ?? Buffer.allocUnsafe(BATCH_BYTES);
        const n = Math.min(BATCH_BYTES - filled, chunk.byteLength - offset);
        batch.set(offset === 0 && n === chunk.byteLength ? chunk : chunk.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === BATCH_BYTES) await flushBatch();
      }
    }
    if (!large && filled > 0) await flushCopies();
    if (large && filled > 0) await flushBatch();
    await writing;
  } finally {
    // On failure too: the caller may close and remove the file at once.
    await writing?.catch(() => undefined);
    await syncing;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** One writev; a short write (possible in principle, rare for a regular file) is finished byte-exactly. */
async function writeAll(fh: FileHandle, data: Buffer[], total: number, position: number): Promise<void> {
  const { bytesWritten } =
    data.length === 1 ? await fh.write(data[0]!, 0, total, position) : await fh.writev(data, position);
  if (bytesWritten === total) return;
  const rest = Buffer.concat(data, total);
  for (let done = bytesWritten; done < total;) {
    const { bytesWritten: n } = await fh.write(rest, done, total - done, position + done);
    if (n <= 0) throw new Error('the file accepted no bytes');
    done += n;
  }
}
