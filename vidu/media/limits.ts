import type { ImageFormat, MediaKind, VideoFormat } from './formats';

export { BYTES_PER_MEGABYTE, checkMedia } from './check';

export type MediaEndpoint = 'img2video' | 'reference2video' | 'reference2image' | 'image2dance' | 'ad-one-click';

/**
 * One documented input constraint set (FACTS §1–§5). Absent fields mean the
 * docs state no such limit; nothing here is guessed to "look complete".
 */
export interface MediaLimit {
  /** Named in messages so an operator sees whose rule was broken. */
  endpoint: MediaEndpoint;
  kind: MediaKind;
  formats: readonly (ImageFormat | VideoFormat)[];
  /** Vidu writes "MB"; it is read as MiB (2^20 bytes), the more permissive reading. */
  maxMegabytes: number;
  /** Lower bound for each of width and height. */
  minSidePx?: number;
  /** Upper bound for each of width and height. */
  maxSidePx?: number;
  /** N for "1:N–N:1"; the bound itself is allowed ("must be less than 1:4 or 4:1" is read inclusively). */
  maxAspectRatio: number;
  minDurationSeconds?: number;
  maxDurationSeconds?: number;
  /** Where the numbers come from: DOC = Vidu's own page, 3P = mirrors of it. */
  source: 'DOC' | '3P';
}

const WEB_IMAGES = ['png', 'jpeg', 'webp'] as const;

export const MEDIA_LIMITS = {
  img2video: {
    // No minimum pixel size is stated for this endpoint, unlike the reference ones.
    images: { endpoint: 'img2video', kind: 'image', formats: WEB_IMAGES, maxMegabytes: 50, maxAspectRatio: 4, source: 'DOC' },
  },
  reference2video: {
    // FACTS §2 omits the formats; the novita/myrouter/jiekou copies of Vidu's page list PNG, JPEG, JPG, WebP.
    images: {
      endpoint: 'reference2video',
      kind: 'image',
      formats: WEB_IMAGES,
      maxMegabytes: 50,
      minSidePx: 128,
      maxAspectRatio: 4,
      source: 'DOC',
    },
    // viduq2-pro only. "At most 1×8 s or 2×5 s" caps any single video at 8 s;
    // the tighter 5 s-each rule for two videos depends on the count and belongs to request validation.
    videos: {
      endpoint: 'reference2video',
      kind: 'video',
      formats: ['mp4', 'avi', 'mov'],
      maxMegabytes: 100,
      minSidePx: 128,
      maxAspectRatio: 4,
      maxDurationSeconds: 8,
      source: '3P',
    },
  },
  reference2image: {
    images: {
      endpoint: 'reference2image',
      kind: 'image',
      formats: WEB_IMAGES,
      maxMegabytes: 50,
      minSidePx: 128,
      maxAspectRatio: 4,
      source: 'DOC',
    },
  },
  image2dance: {
    image_url: {
      endpoint: 'image2dance',
      kind: 'image',
      formats: ['jpeg', 'png', 'bmp', 'webp'],
      maxMegabytes: 5,
      minSidePx: 200,
      maxSidePx: 4096,
      maxAspectRatio: 3,
      source: 'DOC',
    },
    video_url: {
      endpoint: 'image2dance',
      kind: 'video',
      formats: ['mp4', 'avi', 'mov'],
      maxMegabytes: 200,
      minSidePx: 200,
      maxSidePx: 2048,
      maxAspectRatio: 3,
      minDurationSeconds: 2,
      maxDurationSeconds: 30,
      source: 'DOC',
    },
  },
  'ad-one-click': {
    images: { endpoint: 'ad-one-click', kind: 'image', formats: WEB_IMAGES, maxMegabytes: 50, maxAspectRatio: 4, source: 'DOC' },
  },
} as const satisfies Record<MediaEndpoint, Record<string, MediaLimit>>;
