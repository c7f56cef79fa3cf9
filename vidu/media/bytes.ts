import { MediaProbeError } from './errors';
import type { MediaFormat } from './formats';

/**
 * Every read is checked against this view's own length. Node Buffers are
 * often slices of a shared pool, so an unchecked DataView over `.buffer`
 * would read a neighbour's bytes instead of failing on truncated input.
 */
export class ByteReader {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly format: MediaFormat,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.byteLength;
  }

  need(offset: number, count: number, what: string): void {
    if (offset < 0 || count < 0 || offset + count > this.bytes.byteLength) {
      throw this.truncated(
        `${what} needs bytes ${offset}..${offset + count} but the input has ${this.bytes.byteLength}`,
      );
    }
  }

  truncated(detail: string): MediaProbeError {
    return new MediaProbeError('truncated', this.format, detail);
  }

  malformed(detail: string): MediaProbeError {
    return new MediaProbeError('malformed', this.format, detail);
  }

  u8(offset: number, what = 'byte'): number {
    this.need(offset, 1, what);
    return this.view.getUint8(offset);
  }

  u16be(offset: number, what = 'u16'): number {
    this.need(offset, 2, what);
    return this.view.getUint16(offset, false);
  }

  u16le(offset: number, what = 'u16'): number {
    this.need(offset, 2, what);
    return this.view.getUint16(offset, true);
  }

  u24le(offset: number, what = 'u24'): number {
    this.need(offset, 3, what);
    return this.view.getUint16(offset, true) | (this.view.getUint8(offset + 2) << 16);
  }

  u32be(offset: number, what = 'u32'): number {
    this.need(offset, 4, what);
    return this.view.getUint32(offset, false);
  }

  u32le(offset: number, what = 'u32'): number {
    this.need(offset, 4, what);
    return this.view.getUint32(offset, true);
  }

  i32le(offset: number, what = 'i32'): number {
    this.need(offset, 4, what);
    return this.view.getInt32(offset, true);
  }

  /** 64-bit values beyond 2^53 cannot be real byte counts or durations in a file we hold in memory. */
  u64be(offset: number, what = 'u64'): number {
    this.need(offset, 8, what);
    const value = this.view.getBigUint64(offset, false);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw this.malformed(`${what} is ${value}, beyond any plausible size`);
    }
    return Number(value);
  }

  /** Raw 64-bit value, for sentinels such as "duration unknown" (all ones). */
  u64beRaw(offset: number, what = 'u64'): bigint {
    this.need(offset, 8, what);
    return this.view.getBigUint64(offset, false);
  }

  f32be(offset: number, what = 'f32'): number {
    this.need(offset, 4, what);
    return this.view.getFloat32(offset, false);
  }

  f64be(offset: number, what = 'f64'): number {
    this.need(offset, 8, what);
    return this.view.getFloat64(offset, false);
  }

  ascii(offset: number, count: number, what = 'tag'): string {
    this.need(offset, count, what);
    return asciiAt(this.bytes, offset, count);
  }
}

/** Non-throwing peek for magic-byte sniffing, where short input just means "no match". */
export function asciiAt(bytes: Uint8Array, offset: number, count: number): string {
  if (offset + count > bytes.byteLength) return '';
  let text = '';
  for (let i = offset; i < offset + count; i++) text += String.fromCharCode(bytes[i] ?? 0);
  return text;
}
