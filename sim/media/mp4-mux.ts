import type { H264Stream } from './h264';

/**
 * Container variations other muxers produce; the simulator always uses the
 * defaults, tests use the rest to exercise the probe.
 */
export interface Mp4Layout {
  /** 'qt  ' makes it a QuickTime .mov. */
  majorBrand?: 'isom' | 'qt  ';
  /** Version 1 headers carry 64-bit times/durations (what muxers write for very long media). */
  headerVersion?: 0 | 1;
  /** '64' writes mdat with a 64-bit largesize; 'to-end' writes size 0 ("extends to end of file"). */
  mdatSize?: '32' | '64' | 'to-end';
}

export interface Mp4Video {
  width: number;
  height: number;
  stream: H264Stream;
  /** Media clock ticks per second. */
  timescale: number;
  /** Ticks per sample; the sum is the exact track duration. */
  sampleDurations: number[];
  /** Opaque bytes placed in a top-level `free` box (ignored by players). */
  tag: Uint8Array;
}

const MOVIE_TIMESCALE = 1000;
const UNITY_MATRIX = [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000];

class Bytes {
  private readonly parts: Buffer[] = [];
  u8(v: number): this {
    return this.push(1, (b) => b.writeUInt8(v));
  }
  u16(v: number): this {
    return this.push(2, (b) => b.writeUInt16BE(v));
  }
  i16(v: number): this {
    return this.push(2, (b) => b.writeInt16BE(v));
  }
  u24(v: number): this {
    return this.push(3, (b) => b.writeUIntBE(v, 0, 3));
  }
  u32(v: number): this {
    return this.push(4, (b) => b.writeUInt32BE(v));
  }
  u64(v: number): this {
    return this.push(8, (b) => b.writeBigUInt64BE(BigInt(v)));
  }
  /** Version-dependent field: 32 bits in v0 boxes, 64 in v1. */
  uv(v: number, version: 0 | 1): this {
    return version === 1 ? this.u64(v) : this.u32(v);
  }
  ascii(s: string): this {
    this.parts.push(Buffer.from(s, 'latin1'));
    return this;
  }
  raw(...data: Uint8Array[]): this {
    for (const d of data) this.parts.push(Buffer.from(d));
    return this;
  }
  zeros(n: number): this {
    this.parts.push(Buffer.alloc(n));
    return this;
  }
  matrix(): this {
    for (const v of UNITY_MATRIX) this.u32(v);
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
  private push(n: number, write: (b: Buffer) => void): this {
    const b = Buffer.alloc(n);
    write(b);
    this.parts.push(b);
    return this;
  }
}

function box(type: string, ...body: Uint8Array[]): Buffer {
  const payload = Buffer.concat(body);
  return new Bytes()
    .u32(8 + payload.byteLength)
    .ascii(type)
    .raw(payload)
    .done();
}

function fullBox(type: string, version: number, flags: number, body: Bytes): Buffer {
  return box(type, new Bytes().u8(version).u24(flags).done(), body.done());
}

function avcC(s: H264Stream): Buffer {
  return box(
    'avcC',
    new Bytes()
      .u8(1) // configurationVersion
      .u8(s.profileIdc)
      .u8(s.constraintFlags)
      .u8(s.levelIdc)
      .u8(0xff) // 6 reserved bits + lengthSizeMinusOne = 3: 4-byte NAL length prefixes
      .u8(0xe1) // 3 reserved bits + one SPS
      .u16(s.sps.byteLength)
      .raw(s.sps)
      .u8(1)
      .u16(s.pps.byteLength)
      .raw(s.pps)
      .done(),
  );
}

function stbl(v: Mp4Video, samples: Buffer[], chunkOffset: number): Buffer {
  const entry = new Bytes()
    .zeros(6)
    .u16(1) // data_reference_index
    .zeros(16) // pre_defined/reserved
    .u16(v.width)
    .u16(v.height)
    .u32(0x00480000) // 72 dpi
    .u32(0x00480000)
    .u32(0)
    .u16(1) // frame_count per sample
    .zeros(32) // compressorname (Pascal string, empty)
    .u16(0x0018) // depth: colour, no alpha
    .i16(-1)
    .raw(avcC(v.stream))
    .done();

  // Run-length encode sample durations (stts): usually one run plus a shorter last frame.
  const runs: [number, number][] = [];
  for (const d of v.sampleDurations) {
    const last = runs[runs.length - 1];
    if (last && last[1] === d) last[0]++;
    else runs.push([1, d]);
  }
  const stts = new Bytes().u32(runs.length);
  for (const [count, delta] of runs) stts.u32(count).u32(delta);
  const stsz = new Bytes().u32(0).u32(samples.length);
  for (const s of samples) stsz.u32(s.byteLength);

  return box(
    'stbl',
    fullBox('stsd', 0, 0, new Bytes().u32(1).raw(box('avc1', entry))),
    fullBox('stts', 0, 0, stts),
    fullBox('stss', 0, 0, new Bytes().u32(1).u32(1)), // only the first frame is a sync sample
    fullBox('stsc', 0, 0, new Bytes().u32(1).u32(1).u32(samples.length).u32(1)), // one chunk holds everything
    fullBox('stsz', 0, 0, stsz),
    fullBox('stco', 0, 0, new Bytes().u32(1).u32(chunkOffset)),
  );
}

function moov(v: Mp4Video, samples: Buffer[], chunkOffset: number, version: 0 | 1): Buffer {
  const mediaDuration = v.sampleDurations.reduce((a, b) => a + b, 0);
  const movieDuration = Math.round((mediaDuration * MOVIE_TIMESCALE) / v.timescale);
  // Creation/modification times stay 0 so the same input always gives the same bytes.
  const mvhd = new Bytes()
    .uv(0, version)
    .uv(0, version)
    .u32(MOVIE_TIMESCALE)
    .uv(movieDuration, version)
    .u32(0x00010000)
    .u16(0x0100)
    .zeros(10)
    .matrix()
    .zeros(24)
    .u32(2);
  const tkhd = new Bytes()
    .uv(0, version)
    .uv(0, version)
    .u32(1)
    .u32(0)
    .uv(movieDuration, version)
    .zeros(8)
    .u16(0)
    .u16(0)
    .u16(0)
    .u16(0)
    .matrix()
    .u32(v.width * 65536)
    .u32(v.height * 65536);
  const mdhd = new Bytes()
    .uv(0, version)
    .uv(0, version)
    .u32(v.timescale)
    .uv(mediaDuration, version)
    .u16(0x55c4) // ISO-639-2 "und", packed 5 bits per letter
    .u16(0);
  const hdlr = new Bytes().u32(0).ascii('vide').zeros(12).ascii('VideoHandler\0');
  const dinf = box('dinf', fullBox('dref', 0, 0, new Bytes().u32(1).raw(fullBox('url ', 0, 1, new Bytes()))));
  const minf = box('minf', fullBox('vmhd', 0, 1, new Bytes().zeros(8)), dinf, stbl(v, samples, chunkOffset));
  const mdia = box('mdia', fullBox('mdhd', version, 0, mdhd), fullBox('hdlr', 0, 0, hdlr), minf);
  // Flags 3: track enabled and used in the presentation.
  const trak = box('trak', fullBox('tkhd', version, 3, tkhd), mdia);
  return box('moov', fullBox('mvhd', version, 0, mvhd), trak);
}

/** Progressive-download layout: ftyp, free(tag), moov, mdat — moov first so players start without seeking. */
export function muxMp4(v: Mp4Video, layout: Mp4Layout = {}): Buffer {
  const brand = layout.majorBrand ?? 'isom';
  const version = layout.headerVersion ?? 0;
  const compatible = brand === 'qt  ' ? ['qt  '] : ['isom', 'iso2', 'avc1', 'mp41'];
  const ftyp = box(
    'ftyp',
    new Bytes()
      .ascii(brand)
      .u32(brand === 'qt  ' ? 0 : 0x200)
      .ascii(compatible.join(''))
      .done(),
  );
  const free = box('free', v.tag);

  const samples = v.stream.frames.map((nal) => new Bytes().u32(nal.byteLength).raw(nal).done());
  const payload = Buffer.concat(samples);
  const mdatHeader =
    layout.mdatSize === '64'
      ? new Bytes()
          .u32(1)
          .ascii('mdat')
          .u64(16 + payload.byteLength)
          .done()
      : new Bytes()
          .u32(layout.mdatSize === 'to-end' ? 0 : 8 + payload.byteLength)
          .ascii('mdat')
          .done();

  // stco needs the absolute offset of the samples, which depends on moov's own size; that size
  // does not depend on the offset's value, so build once to measure, then for real.
  const moovSize = moov(v, samples, 0, version).byteLength;
  const chunkOffset = ftyp.byteLength + free.byteLength + moovSize + mdatHeader.byteLength;
  return Buffer.concat([ftyp, free, moov(v, samples, chunkOffset, version), mdatHeader, payload]);
}
