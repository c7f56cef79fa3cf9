import { ByteReader } from './bytes';
import type { ImageFormat, ImageGeometry } from './formats';

/**
 * Reads pixel dimensions from image headers and walks the container far
 * enough to notice truncation. Written by hand rather than with image-size,
 * whose readers build DataViews over the whole underlying ArrayBuffer and so
 * read neighbouring pool memory when a Buffer slice is cut short.
 */
export function probeImage(bytes: Uint8Array, format: ImageFormat): ImageGeometry {
  const r = new ByteReader(bytes, format);
  const geometry = READERS[format](r);
  if (!(geometry.width > 0 && geometry.height > 0)) {
    throw r.malformed(`header declares ${geometry.width}×${geometry.height} px`);
  }
  return geometry;
}

const READERS: Record<ImageFormat, (r: ByteReader) => ImageGeometry> = {
  png: readPng,
  jpeg: readJpeg,
  gif: readGif,
  bmp: readBmp,
  webp: readWebp,
};

function readPng(r: ByteReader): ImageGeometry {
  let offset = 8;
  let geometry: ImageGeometry | undefined;
  for (let index = 0; ; index++) {
    const length = r.u32be(offset, 'PNG chunk length');
    const type = r.ascii(offset + 4, 4, 'PNG chunk type');
    if (length > 0x7fffffff) throw r.malformed(`chunk ${type} length ${length} exceeds 2^31-1`);
    r.need(offset, length + 12, `PNG chunk ${type}`);
    // Apple's "CgBI" PNGs put their own chunk before IHDR.
    if (type === 'IHDR') {
      if (length !== 13) throw r.malformed(`IHDR is ${length} bytes, not 13`);
      geometry = { width: r.u32be(offset + 8), height: r.u32be(offset + 12) };
    } else if (!geometry && !(index === 0 && type === 'CgBI')) throw r.malformed(`first chunk is ${type}, not IHDR`);
    if (type === 'IEND') return geometry ?? fail(r, 'no IHDR chunk');
    offset += length + 12;
    if (offset >= r.length) throw r.truncated('no IEND chunk');
  }
}

/** SOF0–SOF15 minus DHT (C4), JPG (C8) and DAC (CC), which share the range. */
const isStartOfFrame = (marker: number): boolean =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function readJpeg(r: ByteReader): ImageGeometry {
  let offset = 2;
  let geometry: ImageGeometry | undefined;
  for (;;) {
    if (r.u8(offset, 'JPEG marker') !== 0xff) throw r.malformed(`expected a marker at ${offset}`);
    let marker = r.u8(offset + 1, 'JPEG marker');
    while (marker === 0xff) marker = r.u8(++offset + 1, 'JPEG marker'); // fill bytes
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    if (marker === 0xd9) throw r.malformed('end of image before any scan');
    const length = r.u16be(offset + 2, 'JPEG segment length');
    if (length < 2) throw r.malformed(`segment 0x${marker.toString(16)} has length ${length}`);
    r.need(offset + 2, length, `JPEG segment 0x${marker.toString(16)}`);
    if (isStartOfFrame(marker)) {
      // A zero height is legal (set later by a DNL marker) but nobody writes it; treat as unreadable.
      geometry = { height: r.u16be(offset + 5), width: r.u16be(offset + 7) };
    }
    if (marker === 0xda) {
      if (!geometry) throw r.malformed('scan before frame header');
      if (!hasEndOfImage(r.bytes, offset + 2 + length)) throw r.truncated('no end-of-image marker after the scan data');
      return geometry;
    }
    offset += 2 + length;
  }
}

/** Entropy-coded data byte-stuffs 0xFF, so FF D9 only ever means EOI. Trailing junk after EOI is common and harmless. */
function hasEndOfImage(bytes: Uint8Array, from: number): boolean {
  for (let i = bytes.byteLength - 2; i >= from; i--) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  }
  return false;
}

function readGif(r: ByteReader): ImageGeometry {
  const geometry = { width: r.u16le(6, 'GIF screen width'), height: r.u16le(8, 'GIF screen height') };
  const flags = r.u8(10, 'GIF screen flags');
  let offset = 13 + (flags & 0x80 ? 3 << ((flags & 7) + 1) : 0);
  for (;;) {
    const block = r.u8(offset, 'GIF block');
    if (block === 0x3b) return geometry;
    if (block === 0x21) {
      offset = skipSubBlocks(r, offset + 2);
    } else if (block === 0x2c) {
      const local = r.u8(offset + 9, 'GIF image descriptor');
      offset += 10 + (local & 0x80 ? 3 << ((local & 7) + 1) : 0);
      r.u8(offset, 'GIF LZW code size');
      offset = skipSubBlocks(r, offset + 1);
    } else {
      throw r.malformed(`unknown block 0x${block.toString(16)} at ${offset}`);
    }
  }
}

function skipSubBlocks(r: ByteReader, offset: number): number {
  for (;;) {
    const size = r.u8(offset, 'GIF data sub-block');
    offset += 1 + size;
    if (size === 0) return offset;
  }
}

const BMP_BI_RGB = 0;
const BMP_BI_BITFIELDS = 3;
const BMP_BI_ALPHABITFIELDS = 6;

function readBmp(r: ByteReader): ImageGeometry {
  const pixelOffset = r.u32le(10, 'BMP pixel offset');
  const dibSize = r.u32le(14, 'BMP DIB header size');
  r.need(14, dibSize, 'BMP DIB header');
  const core = dibSize === 12; // OS/2 1.x header: 16-bit dimensions, never compressed
  const width = core ? r.u16le(18) : r.i32le(18);
  const signedHeight = core ? r.u16le(20) : r.i32le(22); // negative = top-down rows
  const bitsPerPixel = core ? r.u16le(24) : r.u16le(28);
  const compression = core ? BMP_BI_RGB : r.u32le(30);
  const height = Math.abs(signedHeight);
  if (![1, 2, 4, 8, 16, 24, 32].includes(bitsPerPixel)) throw r.malformed(`${bitsPerPixel} bits per pixel`);

  const uncompressed =
    compression === BMP_BI_RGB || compression === BMP_BI_BITFIELDS || compression === BMP_BI_ALPHABITFIELDS;
  if (uncompressed && width > 0) {
    const rowBytes = Math.floor((width * bitsPerPixel + 31) / 32) * 4;
    r.need(pixelOffset, rowBytes * height, 'BMP pixel rows');
  } else {
    const imageSize = core ? 0 : r.u32le(34);
    r.need(pixelOffset, imageSize, 'BMP compressed pixel data');
  }
  return { width, height };
}

function readWebp(r: ByteReader): ImageGeometry {
  const riffEnd = 8 + r.u32le(4, 'RIFF size');
  if (riffEnd > r.length) throw r.truncated(`RIFF declares ${riffEnd} bytes, input has ${r.length}`);
  const chunk = r.ascii(12, 4, 'WebP chunk type');
  const chunkSize = r.u32le(16, 'WebP chunk size');
  const data = 20;
  if (data + chunkSize > riffEnd) throw r.truncated(`${chunk.trim()} chunk runs past the RIFF end`);

  switch (chunk) {
    case 'VP8 ': {
      if (r.u8(data + 3) !== 0x9d || r.u8(data + 4) !== 0x01 || r.u8(data + 5) !== 0x2a) {
        throw r.malformed('VP8 key frame start code missing');
      }
      return { width: r.u16le(data + 6) & 0x3fff, height: r.u16le(data + 8) & 0x3fff };
    }
    case 'VP8L': {
      if (r.u8(data) !== 0x2f) throw r.malformed('VP8L signature missing');
      const bits = r.u32le(data + 1);
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    case 'VP8X':
      return { width: r.u24le(data + 4) + 1, height: r.u24le(data + 7) + 1 };
    default:
      throw r.malformed(`first chunk is ${JSON.stringify(chunk)}, not VP8/VP8L/VP8X`);
  }
}

function fail(r: ByteReader, detail: string): never {
  throw r.malformed(detail);
}
