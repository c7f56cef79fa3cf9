import { z } from 'zod';
import { GENERATION_KINDS, mediaLimitsOf, type MediaEndpoint } from '../../vidu/endpoints';
import { BYTES_PER_MEGABYTE, checkMedia, type MediaLimit } from '../../vidu/media/limits';
import { MIME_TYPES, type MediaFormat } from '../../vidu/media/formats';
import type { MediaProbe } from '../../vidu/media/probe';

// What POST /v1/uploads accepts (issue 22 item 2): bytes some media field of some endpoint takes,
// judged with the same limits the worker's stage step uses (vidu/endpoints/<kind>.ts `media`,
// checked by vidu/media/check.ts checkMedia, as activities/stage.ts does). Nothing here is a copy
// of those rules: the candidates are read from the endpoint registry, so an endpoint added later
// widens what can be uploaded.

const ENDPOINT_NAMES = [...GENERATION_KINDS, 'ad-one-click', 'one-click-mv'] as const;

/** `?kind=img2video&field=images` narrows the checks to one field's limit; both optional. */
export const UploadQuery = z
  .object({
    kind: z.enum(ENDPOINT_NAMES as unknown as [string, ...string[]]).optional(),
    field: z.string().min(1).max(64).optional(),
  })
  .strict()
  .refine((q) => q.field === undefined || q.kind !== undefined, {
    message: 'field needs kind (e.g. ?kind=img2video&field=images)',
    path: ['field'],
  })
  .refine((q) => q.field === undefined || mediaLimitsOf(q.kind as MediaEndpoint)[q.field] !== undefined, {
    message: 'that kind has no such media field',
    path: ['field'],
  });
export type UploadQuery = z.infer<typeof UploadQuery>;

/** Content types an upload may declare, each for one format; aliases curl and browsers send. */
const ALIASES: Readonly<Record<string, MediaFormat>> = {
  'image/jpg': 'jpeg',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/mp3': 'mp3',
  'video/vnd.avi': 'avi',
  'audio/x-m4a': 'm4a',
};

/** Every (endpoint, field) limit, or only those of the query. */
export function candidateLimits(query: UploadQuery): Array<{ where: string; limit: MediaLimit }> {
  const endpoints = query.kind ? [query.kind as MediaEndpoint] : (ENDPOINT_NAMES as readonly MediaEndpoint[]);
  return endpoints.flatMap((endpoint) =>
    Object.entries(mediaLimitsOf(endpoint))
      .filter(([field]) => query.field === undefined || field === query.field)
      .map(([field, limit]) => ({ where: `${endpoint}.${field}`, limit })),
  );
}

/** The format a declared content type names (parameters and case ignored), if it names one. */
export function formatOfContentType(header: string | undefined): MediaFormat | undefined {
  const type = (header ?? '').split(';')[0]!.trim().toLowerCase();
  const direct = (Object.entries(MIME_TYPES) as Array<[MediaFormat, string]>).find(([, mime]) => mime === type)?.[0];
  return direct ?? ALIASES[type];
}

/** The content types at least one candidate field takes, for the 415 answer and the docs. */
export function acceptedContentTypes(query: UploadQuery = {}): string[] {
  const formats = new Set(candidateLimits(query).flatMap((c) => c.limit.formats));
  return [...formats].map((f) => MIME_TYPES[f]);
}

/** The largest upload of `format` any candidate takes (its documented size limit), in bytes. */
export function maxBytesFor(format: MediaFormat, query: UploadQuery): number {
  const sizes = candidateLimits(query)
    .filter((c) => (c.limit.formats as readonly string[]).includes(format))
    .map((c) => c.limit.maxMegabytes * BYTES_PER_MEGABYTE);
  return sizes.length === 0 ? 0 : Math.max(...sizes);
}

/**
 * The rules the probed bytes break for every candidate that takes their format, or [] when one
 * candidate takes them. With several candidates the problems of the first are returned (with
 * `?kind=&field=` a caller gets exactly its field's).
 */
export function mediaProblems(probe: MediaProbe, bytes: number, query: UploadQuery): string[] {
  const fitting = candidateLimits(query).filter((c) => (c.limit.formats as readonly string[]).includes(probe.format));
  if (fitting.length === 0)
    return [`(body): no media field${query.kind ? ` of ${query.kind}` : ''} takes ${probe.format}`];
  let first: string[] | undefined;
  for (const c of fitting) {
    const broken = checkMedia(probe, bytes, c.limit, '(body)');
    if (broken.length === 0) return [];
    first ??= broken.map((line) => `${line} (${c.where})`);
  }
  return first!;
}
