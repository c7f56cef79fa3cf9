import { z } from 'zod';
import { WEB_IMAGES } from '../media/limits';
import type { MediaLimit } from '../media/media-limit';
import { countError, countText, mediaList, requestObject } from './builders';
import { IntLike } from './common';
import { named } from './fields';
import { Int, listOf, StrOrEmpty } from './responses/lenient';

// The subject library (docs/vidu-api-subjects.md §1): create, list, edit. Requests are strict like
// every request schema (Vidu answers an unknown field FieldUnwanted); answers are loose.

/** ≤ 3 images per subject (docs/vidu-api-subjects.md §1.1). */
export const MAX_SUBJECT_IMAGES = 3;
/** One 5 s video per subject (docs/vidu-api-subjects.md §1.1). */
export const MAX_SUBJECT_VIDEOS = 1;
export const SUBJECT_VIDEO_SECONDS = 5;
/** Edit caps (docs/vidu-api-subjects.md §1.3); create's `name` has no documented cap, the edit's is used. */
export const MAX_SUBJECT_NAME = 64;
export const MAX_SUBJECT_STYLE = 100;
export const MAX_SUBJECT_DESCRIPTION = 2000;
/** `count` of the list call: default 20, at most 100 (docs/vidu-api-subjects.md §1.2). */
export const MAX_SUBJECT_PAGE = 100;

/** A subject id (`server_id` in reference2video): an opaque string, digits in the examples. */
export const SubjectId = z.string(named).min(1).max(128);

export const SubjectName = z.string(named).trim().min(1, 'name is required').max(MAX_SUBJECT_NAME);

const subjectImages = mediaList(1, MAX_SUBJECT_IMAGES);
const subjectVideos = mediaList(1, MAX_SUBJECT_VIDEOS, 'video');

/** POST /ent/v2/subjects (docs/vidu-api-subjects.md §1.1): a name and 1–3 images, optionally one video. */
export const SubjectCreateRequest = requestObject('subjects (create)', {
  name: SubjectName,
  images: subjectImages.optional(),
  videos: subjectVideos.optional(),
  voice_id: z.string(named).min(1).optional(),
}).superRefine((req, ctx) => {
  // The table says optional, the text "至少上传 1 张" (at least one image).
  if (req.images === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['images'],
      message: `images is required (${countText(1, MAX_SUBJECT_IMAGES, 'image')})`,
      input: undefined,
    });
  }
});
export type SubjectCreateRequest = z.output<typeof SubjectCreateRequest>;
export type SubjectCreateRequestInput = z.input<typeof SubjectCreateRequest>;

/** PUT /ent/v2/subjects/{id} (docs/vidu-api-subjects.md §1.3): `id` repeats the path id; the rest replaces. */
export const SubjectUpdateRequest = requestObject('subjects (edit)', {
  id: SubjectId,
  name: SubjectName.optional(),
  images: subjectImages.optional(),
  videos: subjectVideos.optional(),
  style: z.string(named).max(MAX_SUBJECT_STYLE).optional(),
  description: z.string(named).max(MAX_SUBJECT_DESCRIPTION).optional(),
  voice_id: z.string(named).optional(),
});
export type SubjectUpdateRequest = z.output<typeof SubjectUpdateRequest>;

/** GET /ent/v2/subjects (docs/vidu-api-subjects.md §1.2), sent as a query string. */
export const SubjectListQuery = z.strictObject({
  ownership: z.enum(['private', 'system']).optional(),
  subject_ids: z
    .array(SubjectId, { error: countError(countText(1, MAX_SUBJECT_PAGE, 'id')) })
    .min(1)
    .max(MAX_SUBJECT_PAGE)
    .optional(),
  count: IntLike.pipe(z.number().int().min(1).max(MAX_SUBJECT_PAGE)).optional(),
  next_page_token: z.string(named).min(1).optional(),
});
export type SubjectListQuery = z.output<typeof SubjectListQuery>;

/** One subject as Vidu answers it (create, list). Loose: Vidu adds fields over time. */
export const ViduSubject = z.looseObject({
  id: z.union([z.string(named), z.number()]).transform(String),
  name: StrOrEmpty,
  images: listOf(z.string(named)),
  videos: listOf(z.string(named)),
  voice_id: StrOrEmpty,
  style: StrOrEmpty,
  description: StrOrEmpty,
});
export type ViduSubject = z.output<typeof ViduSubject>;

/** The create answer: the subject plus its price (`credits`, docs/vidu-api-subjects.md §1.1). */
export const SubjectCreateResponse = ViduSubject.extend({ credits: Int.optional() });
export type SubjectCreateResponse = z.output<typeof SubjectCreateResponse>;

export const SubjectListResponse = z.looseObject({
  subjects: listOf(ViduSubject),
  next_page_token: StrOrEmpty,
  count: Int.optional(),
});
export type SubjectListResponse = z.output<typeof SubjectListResponse>;

/** The edit answer: `id, name, style, description, voice_id` (docs/vidu-api-subjects.md §1.3). */
export const SubjectUpdateResponse = z.looseObject({
  id: z.union([z.string(named), z.number()]).transform(String),
  name: StrOrEmpty,
  style: StrOrEmpty,
  description: StrOrEmpty,
  voice_id: StrOrEmpty,
});
export type SubjectUpdateResponse = z.output<typeof SubjectUpdateResponse>;

/** A subject's images (docs/vidu-api-subjects.md §1.1): png/jpeg/webp, 1:4–4:1, < 20 MB. */
export const SUBJECT_IMAGE_LIMIT: MediaLimit = {
  endpoint: 'subjects',
  kind: 'image',
  formats: WEB_IMAGES,
  maxMegabytes: 20,
  maxAspectRatio: 4,
  source: 'DOCc',
};
/** A subject's one video (docs/vidu-api-subjects.md §1.1): mp4/avi/mov, 5 s, ≥ 128 px, 1:4–4:1, < 20 MB. */
export const SUBJECT_VIDEO_LIMIT: MediaLimit = {
  endpoint: 'subjects',
  kind: 'video',
  formats: ['mp4', 'avi', 'mov'],
  maxMegabytes: 20,
  minSidePx: 128,
  maxAspectRatio: 4,
  maxDurationSeconds: SUBJECT_VIDEO_SECONDS,
  source: 'DOCc',
};
