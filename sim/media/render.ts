import { createHash } from 'node:crypto';
import { encodeSolidH264, type YCbCr } from './h264';
import { muxMp4, type Mp4Layout } from './mp4-mux';
import { encodeRowRepeatedPng, type Rgb } from './png';

export type { Mp4Layout } from './mp4-mux';

export interface RenderSize {
  width: number;
  height: number;
}

export interface Mp4Spec extends RenderSize {
  durationSeconds: number;
  /** Whole frames per second; defaults to 24. */
  fps?: number;
}

const DEFAULT_FPS = 24;
/** Guards the simulator against absurd requests allocating gigabytes; far above any Vidu output. */
const MAX_SIDE_PX = 16384;

const digest = (seed: string): Buffer => createHash('sha256').update(seed, 'utf8').digest();

function seedColours(seed: string): { from: Rgb; to: Rgb; hex: string } {
  const d = digest(seed);
  const at = (i: number): number => d[i] ?? 0;
  return { from: [at(0), at(1), at(2)], to: [at(3), at(4), at(5)], hex: d.toString('hex') };
}

function checkSize(what: string, { width, height }: RenderSize): void {
  for (const [name, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > MAX_SIDE_PX) {
      throw new RangeError(`${what} ${name} must be an integer in 1..${MAX_SIDE_PX}, got ${value}`);
    }
  }
}

/**
 * A PNG cover/result image: a horizontal gradient between two colours taken
 * from sha256(seed). Same seed, same bytes; the seed hash is also stored in a
 * tEXt chunk so a served file can be traced back to its task.
 */
export function renderPng(seed: string, size: RenderSize): Buffer {
  checkSize('renderPng', size);
  const { width, height } = size;
  const { from, to, hex } = seedColours(seed);
  const row = new Uint8Array(width * 3);
  for (let x = 0; x < width; x++) {
    const t = width === 1 ? 0 : x / (width - 1);
    for (let c = 0; c < 3; c++) row[x * 3 + c] = Math.round((from[c] ?? 0) + ((to[c] ?? 0) - (from[c] ?? 0)) * t);
  }
  return encodeRowRepeatedPng(width, height, row, { Software: 'vidu-flow simulator', Comment: `seed-sha256 ${hex}` });
}

/** BT.601 limited range; clamped away from 0, which early H.264 revisions forbid in PCM samples. */
function toYCbCr([r, g, b]: Rgb): YCbCr {
  const clamp = (v: number, max: number): number => Math.min(max, Math.max(16, Math.round(v)));
  return {
    y: clamp(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255, 235),
    cb: clamp(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255, 240),
    cr: clamp(128 + (112 * r - 93.786 * g - 18.214 * b) / 255, 240),
  };
}

/**
 * A playable H.264 MP4 of one flat colour from sha256(seed), with exactly the
 * requested size and duration (the last frame is shortened to land on it).
 * A few KB even at 1080p. Width and height must be even (4:2:0 chroma).
 */
export function renderMp4(seed: string, spec: Mp4Spec, layout?: Mp4Layout): Buffer {
  checkSize('renderMp4', spec);
  const fps = spec.fps ?? DEFAULT_FPS;
  if (!Number.isInteger(fps) || fps < 1 || fps > 240)
    throw new RangeError(`renderMp4 fps must be an integer in 1..240, got ${fps}`);
  const { durationSeconds } = spec;
  // 512 ticks per frame is what ffmpeg uses for integer rates; it keeps fractional durations exact enough.
  const ticksPerFrame = 512;
  const timescale = fps * ticksPerFrame;
  const totalTicks = Math.round(durationSeconds * timescale);
  if (!Number.isFinite(durationSeconds) || totalTicks < 1) {
    throw new RangeError(`renderMp4 durationSeconds must be positive, got ${durationSeconds}`);
  }
  const frameCount = Math.ceil(totalTicks / ticksPerFrame);
  const sampleDurations = Array.from({ length: frameCount }, (_, i) =>
    i < frameCount - 1 ? ticksPerFrame : totalTicks - ticksPerFrame * (frameCount - 1),
  );

  const { from, hex } = seedColours(seed);
  const stream = encodeSolidH264(spec.width, spec.height, frameCount, fps, toYCbCr(from));
  const tag = Buffer.from(`vidu-flow simulator seed-sha256 ${hex}`, 'latin1');
  return muxMp4({ width: spec.width, height: spec.height, stream, timescale, sampleDurations, tag }, layout);
}
