import { DEFAULT_JSON_MAX_DEPTH } from './json-body';

// The HTTP API's limits and their defaults, in one place (issue 16 items 1 and 5). Each has an
// environment variable (api/config.ts) and a line in the README's configuration table.

/** Defaults of the limits (documented in the README's configuration table and api/config.ts). */
export const API_LIMIT_DEFAULTS = {
  /** data: URIs of images fit. */
  bodyLimit: 10 * 1024 * 1024,
  /** POST /v1/batches: up to 10,000 lines of a few KiB each (api/routes/batches.ts). */
  batchBodyLimit: 32 * 1024 * 1024,
  /**
   * POST /v1/uploads: streamed into the staging store, never held in memory (api/routes/uploads.ts).
   * 200 MiB: every image (50 MiB) and audio (100 MiB) input Vidu documents, and video up to
   * image2dance's 200 MiB; extend/upscale (2 GiB) and lip-sync (5 GiB) videos need a larger
   * value, or an http(s) URL, or (S3 staging) a presigned upload.
   */
  uploadBodyLimit: 200 * 1024 * 1024,
  /**
   * Every route that takes no media. The largest legitimate body without data: URIs is a
   * multiframe start with 9 key frames, each a 2,000-character prompt of 4-byte characters and a
   * 2,048-character URL, plus options and notify: about 92 KiB (test/api/front-door.test.ts
   * builds it); AD-film edits are at most a few prompts of 2,000 characters. 256 KiB leaves room.
   */
  jsonBodyLimit: 256 * 1024,
  jsonMaxDepth: DEFAULT_JSON_MAX_DEPTH,
  rateLimitPerKey: 600,
  rateLimitPerAddress: 60,
  maxStreamsPerKey: 32,
  maxStreams: 1000,
  eventsPollMs: 1000,
} as const;

/**
 * Routes whose body may be larger than the JSON limit, by `METHOD url` (api/front-door.ts sets
 * each route's bodyLimit from this table): the starts that take media as data: URIs. A route
 * that takes many lines in its body (POST /v1/batches) gets its own entry and limit here, or
 * sets `bodyLimit` in its route options (which the table never overrides).
 */
export function largeBodyRoutes(limits: {
  bodyLimit: number;
  batchBodyLimit: number;
  uploadBodyLimit: number;
}): Record<string, number> {
  return {
    'POST /v1/generations/:kind': limits.bodyLimit,
    'POST /v1/ad-films': limits.bodyLimit,
    'POST /v1/music-videos': limits.bodyLimit,
    'POST /v1/batches': limits.batchBodyLimit,
    // An estimate takes what the matching start takes, a whole batch's lines included (api/routes/estimates.ts).
    'POST /v1/estimates/:kind': limits.batchBodyLimit,
    'POST /v1/uploads': limits.uploadBodyLimit,
    // A subject's images may come as data: URIs, like a start's (api/routes/subjects.ts).
    'POST /v1/subjects': limits.bodyLimit,
    'PATCH /v1/subjects/:id': limits.bodyLimit,
    'PUT /v1/subjects/:id': limits.bodyLimit,
  };
}
