import { open, type FileHandle } from 'node:fs/promises';
import { audioDurationOfFile, LIBRARY_AUDIO_FORMATS } from './audio-duration';
import { detectFormat } from './detect';
import { MediaProbeError } from './errors';
import { probeMedia, type MediaProbe } from './probe';

// Probes a file without holding it in memory. The media probe reads container headers only, but
// it wants them in one byte array, and an MP4's moov box may sit after hundreds of megabytes of
// mdat. For large videos this builds a *skeleton*: the same top-level structure with every large
// payload box (mdat, movi, idx1, …) replaced by an empty box of the same type, and the header
// boxes (moov, hdrl) copied whole. The probe then reads the skeleton exactly as it would read the
// file. Truncation, the one thing the skeleton would hide, is judged here against the real size.

/** Files up to this size are simply read and probed whole. */
export const WHOLE_FILE_MAX_BYTES = 8 * 1024 * 1024;
/** Boxes/chunks up to this size are copied into the skeleton as they are. */
const KEEP_BYTES = 64 * 1024;
/** Header boxes (moov, hdrl) larger than this are refused rather than read. */
export const MAX_HEADER_BYTES = 16 * 1024 * 1024;
const SNIFF_BYTES = 64 * 1024;

type Read = (offset: number, length: number) => Promise<Buffer>;

/**
 * Probes `file` (`size` bytes): reads at most about MAX_HEADER_BYTES of a large video. An MP3, M4A
 * or Ogg file's length is then read with music-metadata (audio-duration.ts), so an audio input's
 * documented duration limits apply to every accepted format, not only WAV.
 */
export async function probeFile(file: string, size: number, wholeFileMax = WHOLE_FILE_MAX_BYTES): Promise<MediaProbe> {
  const probe = await probeHeaders(file, size, wholeFileMax);
  if (probe.kind !== 'audio' || probe.durationSeconds !== undefined || !LIBRARY_AUDIO_FORMATS.includes(probe.format))
    return probe;
  const durationSeconds = await audioDurationOfFile(file);
  return durationSeconds === undefined ? probe : { ...probe, durationSeconds };
}

async function probeHeaders(file: string, size: number, wholeFileMax: number): Promise<MediaProbe> {
  const fh = await open(file, 'r');
  try {
    const read = reader(fh);
    if (size <= wholeFileMax) return probeMedia(await read(0, size));
    const head = await read(0, Math.min(size, SNIFF_BYTES));
    const detected = detectFormat(head);
    // Images are bounded by their documented limits (≤ 50 MB) before they get here.
    if (!detected || detected.kind === 'image') return probeMedia(detected ? await read(0, size) : head);
    // Audio headers sit at the start (a WAV's data size is stated before the samples).
    if (detected.kind === 'audio') return probeMedia(head);
    if (detected.format === 'mp4' || detected.format === 'mov')
      return probeMedia(await isoBmffSkeleton(read, size, detected.format));
    if (detected.format === 'avi') return probeMedia(await aviSkeleton(read, size));
    throw new MediaProbeError(
      'unsupported',
      detected.format,
      `files over ${mb(wholeFileMax)} are probed only as MP4, MOV or AVI`,
    );
  } finally {
    await fh.close();
  }
}

function reader(fh: FileHandle): Read {
  return async (offset, length) => {
    const buf = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await fh.read(buf, done, length - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === length ? buf : buf.subarray(0, done);
  };
}

/** MP4/MOV top level: ftyp, moov (copied), mdat and other large boxes (emptied). */
export async function isoBmffSkeleton(read: Read, size: number, format: 'mp4' | 'mov'): Promise<Buffer> {
  const parts: Buffer[] = [];
  let offset = 0;
  let sawMoov = false;
  while (offset < size) {
    const header = await read(offset, Math.min(16, size - offset));
    // Too short for a box header, or a 64-bit size cut off: the probe judges these bytes itself.
    if (header.length < 8 || (header.readUInt32BE(0) === 1 && header.length < 16)) {
      parts.push(await read(offset, size - offset));
      break;
    }
    const size32 = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    let headerSize = 8;
    let boxSize: number;
    if (size32 === 1) {
      const big = header.readBigUInt64BE(8);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
        parts.push(header); // the probe reports the implausible size
        break;
      }
      boxSize = Number(big);
      headerSize = 16;
    } else {
      boxSize = size32 === 0 ? size - offset : size32;
    }
    if (type === 'uuid') headerSize += 16;
    if (boxSize < headerSize) {
      parts.push(header); // the probe reports a box smaller than its header
      break;
    }
    if (offset + boxSize > size) {
      throw new MediaProbeError(
        'truncated',
        format,
        `box '${type}' at ${offset} declares ${boxSize} bytes, only ${size - offset} remain`,
      );
    }
    if ((type === 'moov' && !sawMoov) || boxSize <= KEEP_BYTES) {
      if (boxSize > MAX_HEADER_BYTES)
        throw new MediaProbeError(
          'unsupported',
          format,
          `the moov box is ${mb(boxSize)}; headers over ${mb(MAX_HEADER_BYTES)} are not read`,
        );
      parts.push(await read(offset, boxSize));
    } else if (type === 'uuid') {
      const stub = Buffer.alloc(24);
      stub.writeUInt32BE(24, 0);
      stub.write('uuid', 4, 'latin1');
      (await read(offset + headerSize - 16, 16)).copy(stub, 8);
      parts.push(stub);
    } else {
      parts.push(box8(type));
    }
    if (type === 'moov') sawMoov = true;
    offset += boxSize;
  }
  return Buffer.concat(parts);
}

function box8(type: string): Buffer {
  const stub = Buffer.alloc(8);
  stub.writeUInt32BE(8, 0);
  stub.write(type, 4, 'latin1');
  return stub;
}

interface RiffChunk {
  id: string;
  listType: string | undefined;
  offset: number;
  dataStart: number;
  dataEnd: number;
  /** dataEnd plus the pad byte of an odd-sized chunk. */
  next: number;
}

async function* riffChunks(read: Read, start: number, end: number, fileSize: number): AsyncGenerator<RiffChunk> {
  let offset = start;
  while (offset + 8 <= end) {
    const header = await read(offset, 12);
    const id = header.toString('latin1', 0, 4);
    const size = header.readUInt32LE(4);
    const dataStart = offset + 8;
    const dataEnd = dataStart + size;
    if (dataEnd > fileSize)
      throw new MediaProbeError(
        'truncated',
        'avi',
        `chunk '${id}' at ${offset} declares ${size} bytes, only ${fileSize - dataStart} remain`,
      );
    if (dataEnd > end) throw new MediaProbeError('malformed', 'avi', `chunk '${id}' at ${offset} overruns its list`);
    const listType =
      (id === 'LIST' || id === 'RIFF') && header.length >= 12 ? header.toString('latin1', 8, 12) : undefined;
    yield { id, listType, offset, dataStart, dataEnd, next: dataEnd + (size & 1) };
    offset = dataEnd + (size & 1);
  }
}

/** AVI: RIFF 'AVI ' keeps its hdrl list and small chunks; movi, idx1 and any AVIX parts are emptied. */
export async function aviSkeleton(read: Read, size: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let first = true;
  for await (const chunk of riffChunks(read, 0, size, size)) {
    if (first) {
      first = false;
      if (chunk.id !== 'RIFF' || chunk.listType !== 'AVI ')
        throw new MediaProbeError('malformed', 'avi', "no RIFF 'AVI ' header");
      const inner: Buffer[] = [Buffer.from('AVI ', 'latin1')];
      for await (const item of riffChunks(read, chunk.dataStart + 4, chunk.dataEnd, size)) {
        const length = item.dataEnd - item.offset;
        if (item.listType === 'hdrl' || length <= KEEP_BYTES) {
          if (length > MAX_HEADER_BYTES)
            throw new MediaProbeError(
              'unsupported',
              'avi',
              `the hdrl list is ${mb(length)}; headers over ${mb(MAX_HEADER_BYTES)} are not read`,
            );
          inner.push(await read(item.offset, Math.min(item.next, chunk.dataEnd) - item.offset));
        } else {
          inner.push(emptyChunk(item));
        }
      }
      const body = Buffer.concat(inner);
      const header = Buffer.alloc(8);
      header.write('RIFF', 0, 'latin1');
      header.writeUInt32LE(body.length, 4);
      parts.push(header, body);
    } else {
      parts.push(
        chunk.dataEnd - chunk.offset <= KEEP_BYTES
          ? await read(chunk.offset, Math.min(chunk.next, size) - chunk.offset)
          : emptyChunk(chunk),
      );
    }
  }
  if (first) throw new MediaProbeError('malformed', 'avi', "no RIFF 'AVI ' header");
  return Buffer.concat(parts);
}

/** A chunk of the same id with no data (a list keeps its list type). */
function emptyChunk(chunk: RiffChunk): Buffer {
  const stub = Buffer.alloc(chunk.listType === undefined ? 8 : 12);
  stub.write(chunk.id, 0, 'latin1');
  stub.writeUInt32LE(chunk.listType === undefined ? 0 : 4, 4);
  if (chunk.listType !== undefined) stub.write(chunk.listType, 8, 'latin1');
  return stub;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
