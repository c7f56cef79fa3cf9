import type { MediaFormat } from './formats';

export type MediaProbeErrorCode =
  /** No known magic bytes: not one of the formats Vidu takes. */
  | 'unrecognized'
  /** A header or box/chunk points past the end of the bytes. */
  | 'truncated'
  /** The structure is inconsistent in a way truncation does not explain. */
  | 'malformed'
  /** Valid container we cannot read dimensions from (e.g. compressed QuickTime header). */
  | 'unsupported';

/**
 * Thrown instead of returning partial dimensions: a limit check on guessed
 * numbers would be worse than a clear refusal. `name` is stable so Temporal
 * turns it into an ApplicationFailure type callers can match.
 */
export class MediaProbeError extends Error {
  override readonly name = 'MediaProbeError';

  constructor(
    readonly code: MediaProbeErrorCode,
    readonly format: MediaFormat | undefined,
    detail: string,
  ) {
    super(`${format ?? 'media'}: ${code}: ${detail}`);
  }
}
