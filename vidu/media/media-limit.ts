import type { AudioFormat, ImageFormat, MediaKind, VideoFormat } from './formats';

// The shape of one documented limit, apart from limits.ts so that check.ts (which applies it)
// and limits.ts (which re-exports check) do not import each other.

/**
 * One documented input constraint set (docs/vidu-api.md §1–§5). Absent fields mean the
 * docs state no such limit; nothing here is guessed to "look complete".
 */
export interface MediaLimit {
  /** Named in messages so an operator sees whose rule was broken. */
  endpoint: string;
  kind: MediaKind;
  formats: readonly (ImageFormat | VideoFormat | AudioFormat)[];
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
  source: 'DOC' | 'DOCc' | '3P' | 'INF';
}
