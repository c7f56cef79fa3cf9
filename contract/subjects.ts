import { z } from 'zod';
import {
  MAX_SUBJECT_DESCRIPTION,
  MAX_SUBJECT_IMAGES,
  MAX_SUBJECT_PAGE,
  MAX_SUBJECT_STYLE,
  MAX_SUBJECT_VIDEOS,
  SubjectId,
} from '../vidu/schemas';

// The subject library's inputs at vidu-flow's edges (HTTP API, CLI, typed client), checked before
// anything is sent to Vidu (docs/vidu-api-subjects.md §1 for the limits, §2 for what vidu-flow adds).

/**
 * vidu-flow sends the name with a marker (` ~vf` and 10 hex, docs/vidu-api-subjects.md §2.2) so a
 * retried create finds the subject it made: 14 of Vidu's 64 characters are kept for it.
 */
export const SUBJECT_MARKER_CHARS = 14;
export const MAX_CALLER_SUBJECT_NAME = 64 - SUBJECT_MARKER_CHARS;
const MARKER = / ~vf[0-9a-f]{10}$/;

/** Ids vidu-flow records: digits in every example; letters, `_` and `-` allowed, nothing that could leave a store folder. */
export const RecordedSubjectId = SubjectId.regex(/^[A-Za-z0-9_-]+$/, 'a subject id is letters, digits, _ and -');

const Name = z
  .string()
  .trim()
  .min(1, 'name is required')
  .max(MAX_CALLER_SUBJECT_NAME)
  // vidu-flow's own marker (below) is not a caller's to write: a name never looks like another create's.
  .refine((n) => !MARKER.test(n), {
    message: 'a name may not end in " ~vf" and 10 hex characters (vidu-flow’s marker)',
  });
const Media = z.string().min(1);
const images = z
  .array(Media)
  .min(1, `images must contain 1–${MAX_SUBJECT_IMAGES} images`)
  .max(MAX_SUBJECT_IMAGES, `images must contain 1–${MAX_SUBJECT_IMAGES} images`);
const videos = z.array(Media).min(1).max(MAX_SUBJECT_VIDEOS, `videos must contain exactly ${MAX_SUBJECT_VIDEOS} video`);

/** A new subject: a name and 1–3 images, optionally one 5 s video and a voice. */
export const SubjectCreateBody = z.strictObject({
  name: Name,
  images,
  videos: videos.optional(),
  voice_id: z.string().min(1).optional(),
});
export type SubjectCreateBody = z.output<typeof SubjectCreateBody>;

/** An edit: every field optional, at least one; what is sent replaces (docs/vidu-api-subjects.md §1.3). */
export const SubjectEditBody = z
  .strictObject({
    name: Name.optional(),
    images: images.optional(),
    videos: videos.optional(),
    style: z.string().max(MAX_SUBJECT_STYLE).optional(),
    description: z.string().max(MAX_SUBJECT_DESCRIPTION).optional(),
    voice_id: z.string().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'an edit changes at least one field' });
export type SubjectEditBody = z.output<typeof SubjectEditBody>;

export const SubjectListParams = z.strictObject({
  count: z.coerce.number().int().min(1).max(MAX_SUBJECT_PAGE).optional(),
  pageToken: z.string().min(1).max(2000).optional(),
});
export type SubjectListParams = z.output<typeof SubjectListParams>;

/** The marker a create's workflow id gives the name it sends (docs/vidu-api-subjects.md §2.2). */
export function subjectMarker(hashHex: string): string {
  return ` ~vf${hashHex.slice(0, 10)}`;
}

/** The name as the caller gave it: a trailing marker removed. */
export function withoutMarker(name: string): string {
  return name.replace(MARKER, '');
}
