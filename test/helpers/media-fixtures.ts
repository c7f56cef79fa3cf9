/**
 * Small, valid media files built in memory, for tests anywhere in the
 * project. Everything except makeWebm decodes in real decoders (checked with
 * ffmpeg while writing them); makeWebm has valid headers but no frames, which
 * is all a prober needs. makeWebpVp8x is likewise a header only.
 */
import { encodeSolidH264 } from '../../sim/media/h264';
import { renderMp4, renderPng, type Mp4Layout } from '../../sim/media/render';

export type { Mp4Layout } from '../../sim/media/render';

export function toDataUri(bytes: Uint8Array, mime: string): string {
  return `data:${mime};base64,${Buffer.from(bytes).toString('base64')}`;
}

/** Seed-derived gradient, same as the simulator serves. */
export function makePng(width: number, height: number, seed = 'fixture'): Buffer {
  return renderPng(seed, { width, height });
}

export interface Mp4Fixture {
  durationSeconds: number;
  width: number;
  height: number;
  fps?: number;
  seed?: string;
  /** Container variants (mov brand, v1 headers, 64-bit / to-end mdat). */
  layout?: Mp4Layout;
}

export function makeMp4({ durationSeconds, width, height, fps, seed = 'fixture', layout }: Mp4Fixture): Buffer {
  return renderMp4(
    seed,
    fps === undefined ? { durationSeconds, width, height } : { durationSeconds, width, height, fps },
    layout,
  );
}

/** QuickTime flavour of makeMp4 (major brand 'qt  '). */
export function makeMov(spec: Omit<Mp4Fixture, 'layout'>): Buffer {
  return makeMp4({ ...spec, layout: { majorBrand: 'qt  ' } });
}

/**
 * A complete baseline JPEG, not just a header: one grey channel, every 8×8
 * block coded as "DC unchanged, end of block" with one-symbol Huffman tables,
 * so it stays tiny at any size and decodes to flat mid-grey.
 */
export function makeJpeg(width: number, height: number): Buffer {
  const segment = (marker: number, body: number[]): number[] => [
    0xff,
    marker,
    (body.length + 2) >> 8,
    (body.length + 2) & 0xff,
    ...body,
  ];
  const oneSymbolTable = (tableClass: number): number[] => [tableClass << 4, 1, ...new Array<number>(15).fill(0), 0x00];
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  // Two bits ('0' DC category 0, '0' EOB) per block; pad the last byte with ones as the spec requires.
  const scanBits = blocks * 2;
  const scan = new Array<number>(Math.ceil(scanBits / 8)).fill(0);
  const spare = scan.length * 8 - scanBits;
  if (spare > 0) scan[scan.length - 1] = (1 << spare) - 1;
  return Buffer.from([
    0xff,
    0xd8,
    ...segment(0xe0, [...Buffer.from('JFIF\0', 'latin1'), 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]),
    ...segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]),
    ...segment(0xc4, oneSymbolTable(0)),
    ...segment(0xc4, oneSymbolTable(1)),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    ...scan,
    0xff,
    0xd9,
  ]);
}

class LsbBits {
  readonly bytes: number[] = [];
  private bitCount = 0;
  write(value: number, count: number): this {
    for (let i = 0; i < count; i++) {
      if (this.bitCount % 8 === 0) this.bytes.push(0);
      const last = this.bytes.length - 1;
      this.bytes[last] = (this.bytes[last] ?? 0) | (((value >> i) & 1) << (this.bitCount % 8));
      this.bitCount++;
    }
    return this;
  }
}

function riff(form: string, chunks: Buffer[]): Buffer {
  const body = Buffer.concat([Buffer.from(form, 'latin1'), ...chunks]);
  const head = Buffer.alloc(8);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.byteLength, 4);
  return Buffer.concat([head, body]);
}

function riffChunk(id: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.write(id, 0, 'latin1');
  head.writeUInt32LE(data.byteLength, 4);
  return Buffer.concat([head, data, Buffer.alloc(data.byteLength % 2)]);
}

/**
 * Lossless WebP (VP8L) of one colour: each of the five prefix codes has a
 * single symbol, so pixels take zero bits and the file is ~30 bytes at any size.
 */
export function makeWebp(
  width: number,
  height: number,
  rgba: readonly [number, number, number, number] = [200, 80, 40, 255],
): Buffer {
  const [r, g, b, a] = rgba;
  const bits = new LsbBits()
    .write(0x2f, 8)
    .write(width - 1, 14)
    .write(height - 1, 14)
    .write(0, 1)
    .write(0, 3);
  bits.write(0, 1); // no transforms
  bits.write(0, 1); // no colour cache
  bits.write(0, 1); // no meta prefix codes
  for (const symbol of [g, r, b, a]) bits.write(1, 1).write(0, 1).write(1, 1).write(symbol, 8); // simple, 1 symbol, 8-bit
  bits.write(1, 1).write(0, 1).write(0, 1).write(0, 1); // distance code: simple, 1 symbol, 1-bit, symbol 0
  return riff('WEBP', [riffChunk('VP8L', Uint8Array.from(bits.bytes))]);
}

/** WebP with only an extended (VP8X) header, for probing canvas sizes beyond VP8L's 16384. */
export function makeWebpVp8x(width: number, height: number): Buffer {
  const data = Buffer.alloc(10);
  data.writeUIntLE(width - 1, 4, 3);
  data.writeUIntLE(height - 1, 7, 3);
  return riff('WEBP', [riffChunk('VP8X', data)]);
}

/** GIF89a, two-colour palette, all pixels colour 0, real LZW data. */
export function makeGif(width: number, height: number): Buffer {
  const minCodeSize = 2; // GIF's minimum, even for a 2-colour palette
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  const bits = new LsbBits();
  let codeSize = minCodeSize + 1;
  let next = end + 1;
  let table = new Map<number, number>();
  bits.write(clear, codeSize);

  const pixels = width * height;
  let prefix = 0;
  for (let i = 1; i < pixels; i++) {
    const key = prefix * 256; // pixel value is always 0
    const known = table.get(key);
    if (known !== undefined) {
      prefix = known;
      continue;
    }
    bits.write(prefix, codeSize);
    if (next < 4096) {
      table.set(key, next++);
      // The decoder lags one code behind, so widen only once `next` passes the current width.
      if (next > 1 << codeSize && codeSize < 12) codeSize++;
    } else {
      bits.write(clear, codeSize);
      table = new Map();
      next = end + 1;
      codeSize = minCodeSize + 1;
    }
    prefix = 0;
  }
  bits.write(prefix, codeSize).write(end, codeSize);

  const data: number[] = [minCodeSize];
  for (let i = 0; i < bits.bytes.length; i += 255) {
    const block = bits.bytes.slice(i, i + 255);
    data.push(block.length, ...block);
  }
  data.push(0);

  const header = Buffer.alloc(13 + 6 + 10);
  header.write('GIF89a', 0, 'latin1');
  header.writeUInt16LE(width, 6);
  header.writeUInt16LE(height, 8);
  header[10] = 0x80; // global colour table of 2 entries
  header.set([0x20, 0x60, 0xa0, 0xff, 0xff, 0xff], 13);
  header[19] = 0x2c;
  header.writeUInt16LE(width, 24);
  header.writeUInt16LE(height, 26);
  return Buffer.concat([header, Buffer.from(data), Buffer.from([0x3b])]);
}

/** 24-bit uncompressed BMP of one colour (3 bytes per pixel: keep it small). */
export function makeBmp(width: number, height: number, bgr: readonly [number, number, number] = [40, 80, 200]): Buffer {
  const stride = Math.ceil((width * 3) / 4) * 4;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels.set(bgr, y * stride + x * 3);
  const head = Buffer.alloc(54);
  head.write('BM', 0, 'latin1');
  head.writeUInt32LE(54 + pixels.byteLength, 2);
  head.writeUInt32LE(54, 10);
  head.writeUInt32LE(40, 14);
  head.writeInt32LE(width, 18);
  head.writeInt32LE(height, 22);
  head.writeUInt16LE(1, 26);
  head.writeUInt16LE(24, 28);
  head.writeUInt32LE(pixels.byteLength, 34);
  head.writeUInt32LE(2835, 38); // 72 dpi
  head.writeUInt32LE(2835, 42);
  return Buffer.concat([head, pixels]);
}

export interface AviFixture {
  durationSeconds: number;
  width: number;
  height: number;
  fps?: number;
}

/**
 * AVI carrying the same flat-colour H.264 as makeMp4 (Annex B, fourcc H264).
 * AVI has no per-frame durations, so the length is round(duration·fps) frames.
 */
export function makeAvi({ durationSeconds, width, height, fps = 24 }: AviFixture): Buffer {
  const frameCount = Math.max(1, Math.round(durationSeconds * fps));
  const stream = encodeSolidH264(width, height, frameCount, fps, { y: 120, cb: 90, cr: 160 });
  const startCode = Buffer.from([0, 0, 0, 1]);
  const frames = stream.frames.map((nal, i) =>
    Buffer.concat(i === 0 ? [startCode, stream.sps, startCode, stream.pps, startCode, nal] : [startCode, nal]),
  );
  const largest = Math.max(...frames.map((f) => f.byteLength));

  const avih = Buffer.alloc(56);
  avih.writeUInt32LE(Math.round(1e6 / fps), 0);
  avih.writeUInt32LE(0x10, 12); // AVIF_HASINDEX
  avih.writeUInt32LE(frameCount, 16);
  avih.writeUInt32LE(1, 24);
  avih.writeUInt32LE(largest, 28);
  avih.writeUInt32LE(width, 32);
  avih.writeUInt32LE(height, 36);

  const strh = Buffer.alloc(56);
  strh.write('vidsH264', 0, 'latin1');
  strh.writeUInt32LE(1, 20); // scale
  strh.writeUInt32LE(fps, 24); // rate
  strh.writeUInt32LE(frameCount, 32);
  strh.writeUInt32LE(largest, 36);
  strh.writeInt32LE(-1, 40); // quality: default
  strh.writeInt16LE(width, 52);
  strh.writeInt16LE(height, 54);

  const strf = Buffer.alloc(40);
  strf.writeUInt32LE(40, 0);
  strf.writeInt32LE(width, 4);
  strf.writeInt32LE(height, 8);
  strf.writeUInt16LE(1, 12);
  strf.writeUInt16LE(24, 14);
  strf.write('H264', 16, 'latin1');
  strf.writeUInt32LE(width * height * 3, 20);

  const list = (type: string, chunks: Buffer[]): Buffer =>
    riffChunk('LIST', Buffer.concat([Buffer.from(type, 'latin1'), ...chunks]));
  const movieChunks = frames.map((f) => riffChunk('00dc', f));
  const index = Buffer.alloc(16 * frames.length);
  let offset = 4; // idx1 offsets count from the 'movi' list type
  movieChunks.forEach((chunk, i) => {
    index.write('00dc', i * 16, 'latin1');
    index.writeUInt32LE(i === 0 ? 0x10 : 0, i * 16 + 4); // AVIIF_KEYFRAME
    index.writeUInt32LE(offset, i * 16 + 8);
    index.writeUInt32LE(frames[i]?.byteLength ?? 0, i * 16 + 12);
    offset += chunk.byteLength;
  });

  return riff('AVI ', [
    list('hdrl', [riffChunk('avih', avih), list('strl', [riffChunk('strh', strh), riffChunk('strf', strf)])]),
    list('movi', movieChunks),
    riffChunk('idx1', index),
  ]);
}

function ebml(id: number, payload: Uint8Array): Buffer {
  const idBytes: number[] = [];
  for (let v = id; v > 0; v = Math.floor(v / 256)) idBytes.unshift(v % 256);
  const size = Buffer.alloc(8);
  size.writeBigUInt64BE(BigInt(payload.byteLength) | (1n << 56n)); // 8-byte size vint: marker bit 0x01
  return Buffer.concat([Buffer.from(idBytes), size, payload]);
}

const ebmlUint = (id: number, value: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value);
  return ebml(id, b);
};

export interface WebmFixture {
  width: number;
  height: number;
  /** Omitted ⇒ no Duration element, as live-recorded WebM files have. */
  durationSeconds?: number;
}

/** WebM headers (EBML header, Info, Tracks) and no frames: ffprobe reads it, nothing can play it. */
export function makeWebm({ width, height, durationSeconds }: WebmFixture): Buffer {
  const info: Buffer[] = [ebmlUint(0x2ad7b1, 1_000_000)];
  if (durationSeconds !== undefined) {
    const d = Buffer.alloc(8);
    d.writeDoubleBE(durationSeconds * 1000); // in TimestampScale units (ms)
    info.push(ebml(0x4489, d));
  }
  const video = ebml(0xe0, Buffer.concat([ebmlUint(0xb0, width), ebmlUint(0xba, height)]));
  const track = ebml(
    0xae,
    Buffer.concat([ebmlUint(0xd7, 1), ebmlUint(0x73c5, 1), ebmlUint(0x83, 1), ebml(0x86, Buffer.from('V_VP8')), video]),
  );
  return Buffer.concat([
    ebml(
      0x1a45dfa3,
      Buffer.concat([
        ebmlUint(0x4286, 1),
        ebmlUint(0x42f7, 1),
        ebmlUint(0x42f2, 4),
        ebmlUint(0x42f3, 8),
        ebml(0x4282, Buffer.from('webm')),
        ebmlUint(0x4287, 2),
        ebmlUint(0x4285, 2),
      ]),
    ),
    // An empty cluster: without any, ffmpeg's demuxer reports EOF instead of reading the headers.
    ebml(
      0x18538067,
      Buffer.concat([
        ebml(0x1549a966, Buffer.concat(info)),
        ebml(0x1654ae6b, track),
        ebml(0x1f43b675, ebmlUint(0xe7, 0)),
      ]),
    ),
  ]);
}
