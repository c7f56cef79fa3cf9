/**
 * What a finished task produced: creation records and their bytes. Bytes are
 * rendered on demand from the creation id (same id, same bytes, so tests can
 * compare sha256 across fetches and restarts) and cached.
 */
import { createHash } from 'node:crypto';
import { renderMp4, renderPng } from './media/render';
import { renderWav } from './media/wav';
import type { MediaFile } from './media-urls';
import type { OutputSpec, SimCreation } from './task';

export const OUTPUT_FPS = 24;

/**
 * Served files are 1/8 of the nominal output size (1080p 16:9 → 240×136),
 * rounded to even numbers (H.264 4:2:0 needs them), at least 16 px a side:
 * big enough to be a real, playable file, small enough that benchmarks
 * archiving thousands of them stay fast.
 */
export const SCALE_DOWN = 8;

export function servedSize(width: number, height: number): { width: number; height: number } {
  const side = (v: number) => Math.max(16, 2 * Math.round(v / SCALE_DOWN / 2));
  return { width: side(width), height: side(height) };
}

/** Short side in pixels for each resolution label ([INF] for 2K/4K: 1440/2160). */
const SHORT_SIDE: Readonly<Record<string, number>> = {
  '360p': 360,
  '540p': 540,
  '720p': 720,
  '1080p': 1080,
  '2K': 1440,
  '4K': 2160,
};

/** Nominal output size for a resolution label and an aspect ratio given as "w:h" or as a width/height pair. */
export function nominalSize(
  resolution: string,
  aspect: string | { width: number; height: number },
): { width: number; height: number } {
  const short = SHORT_SIDE[resolution] ?? 720;
  let rw = 16;
  let rh = 9;
  if (typeof aspect === 'string') {
    const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(aspect);
    if (m) {
      rw = Number(m[1]);
      rh = Number(m[2]);
    }
  } else if (aspect.width > 0 && aspect.height > 0) {
    rw = aspect.width;
    rh = aspect.height;
  }
  return rw >= rh
    ? { width: Math.round((short * rw) / rh), height: short }
    : { width: short, height: Math.round((short * rh) / rw) };
}

export function makeCreation(id: string, taskId: string, spec: OutputSpec): SimCreation {
  const size = servedSize(spec.width, spec.height);
  return {
    id,
    taskId,
    media: spec.media,
    width: size.width,
    height: size.height,
    durationSeconds: spec.media === 'image' ? 0 : spec.durationSeconds,
    fps: spec.media === 'video' ? OUTPUT_FPS : 0,
    watermark: spec.watermark,
  };
}

const EXT = { video: 'mp4', image: 'png', audio: 'wav' } as const;

/**
 * The files a creation is served as: the result, its cover, and a watermarked copy when asked for.
 * Audio has no cover ([INF]: Vidu's audio pages show none); its cover_url is "".
 */
export function filesOf(c: SimCreation): { main: MediaFile; cover: MediaFile | undefined; wm: MediaFile | undefined } {
  const ext = EXT[c.media];
  return {
    main: { creationId: c.id, variant: 'main', ext },
    cover: c.media === 'audio' ? undefined : { creationId: c.id, variant: 'cover', ext: 'png' },
    wm: c.watermark ? { creationId: c.id, variant: 'wm', ext } : undefined,
  };
}

export interface RenderedFile {
  bytes: Buffer;
  contentType: string;
  sha256: string;
}

const CACHE_LIMIT = 256;

export class CreationFiles {
  private cache = new Map<string, RenderedFile>();

  clear(): void {
    this.cache.clear();
  }

  /** Undefined when the file does not belong to the creation (e.g. .wm of an unwatermarked one, wrong extension). */
  render(c: SimCreation, file: MediaFile): RenderedFile | undefined {
    const files = filesOf(c);
    const wanted = files[file.variant];
    if (!wanted || wanted.ext !== file.ext) return undefined;
    const key = `${c.id}.${file.variant}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    // The seed is the creation id plus the variant, so cover and watermarked copy differ from the result.
    const seed = file.variant === 'main' ? c.id : `${c.id}.${file.variant}`;
    const size = { width: c.width, height: c.height };
    const bytes =
      file.ext === 'mp4'
        ? renderMp4(seed, { ...size, durationSeconds: c.durationSeconds, fps: c.fps })
        : file.ext === 'wav'
          ? renderWav(seed, c.durationSeconds)
          : renderPng(seed, size);
    const rendered: RenderedFile = {
      bytes,
      contentType: file.ext === 'mp4' ? 'video/mp4' : file.ext === 'wav' ? 'audio/wav' : 'image/png',
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
    if (this.cache.size >= CACHE_LIMIT) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, rendered);
    return rendered;
  }
}
