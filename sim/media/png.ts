import { deflateSync } from 'node:zlib';
import { crc32 } from './crc32';

export type Rgb = readonly [number, number, number];

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const FILTER_NONE = 0;
const FILTER_UP = 2;

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.byteLength, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(head.subarray(4), data), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * 8-bit RGB PNG whose every row is `row` (width×3 bytes). Rows after the
 * first use the Up filter, so they are all-zero and deflate to almost
 * nothing: a 4K cover stays a few KB.
 */
export function encodeRowRepeatedPng(
  width: number,
  height: number,
  row: Uint8Array,
  text?: Record<string, string>,
): Buffer {
  const stride = 1 + width * 3;
  const raw = Buffer.alloc(stride * height); // zero-filled: Up-filtered rows need no writes
  raw[0] = FILTER_NONE;
  raw.set(row, 1);
  for (let y = 1; y < height; y++) raw[y * stride] = FILTER_UP;

  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, adaptive filtering, no interlace

  const textChunks = Object.entries(text ?? {}).map(([key, value]) =>
    chunk('tEXt', Buffer.from(`${key}\0${value}`, 'latin1')),
  );
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    ...textChunks,
    // Fixed level so the output bytes only depend on the input (and the bundled zlib).
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
