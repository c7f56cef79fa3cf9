import { z } from 'zod';
import { BoolLike, CallbackUrl, ClientRequestId, IntLike, MediaRef, Payload, RequiredPrompt } from '../common';
import { countError, countText, mediaList, ModelName, requestObject } from '../builders';
import { named } from '../fields';
import { matrixCheck } from '../matrix-check';
import { MovementAmplitude, Seed, WmPosition } from '../options';

const MAX_IMAGES = 7;
const MAX_IMAGES_WITH_VIDEOS = 4;
const MAX_VIDEOS = 2;
const MAX_SUBJECTS = 7;
const MAX_IMAGES_PER_SUBJECT = 3;

// Subject mode is documented only by mirrors of platform.vidu.cn (FACTS §2b),
// some of which name subjects by `name` and others by `id`: either is
// accepted, at least one is required.
export const Reference2VideoSubject = requestObject('a reference2video subject', {
  name: z.string(named).min(1).optional(),
  id: z.string(named).min(1).optional(),
  images: mediaList(0, MAX_IMAGES_PER_SUBJECT).optional(),
  videos: mediaList(1, MAX_VIDEOS, 'video').optional(),
  voice_id: z.string(named).optional(),
});
export type Reference2VideoSubject = z.output<typeof Reference2VideoSubject>;

const Subjects = z
  .array(Reference2VideoSubject, { error: countError(countText(1, MAX_SUBJECTS, 'subject')) })
  .min(1)
  .max(MAX_SUBJECTS);

/** POST /ent/v2/reference2video (FACTS §2), both the images mode and the subjects mode. */
export const Reference2VideoRequest = requestObject('reference2video', {
  model: ModelName,
  images: mediaList(1, MAX_IMAGES).optional(),
  subjects: Subjects.optional(),
  // viduq2-pro only, per a third-party page (FACTS §2); not tied to the
  // model here because newer models may take them too.
  videos: mediaList(1, MAX_VIDEOS, 'video').optional(),
  auto_subjects: BoolLike.optional(),
  prompt: RequiredPrompt,
  duration: IntLike.optional(),
  seed: Seed.optional(),
  // Default 16:9 for every model; which ratios a model offers is checked
  // against MODEL_MATRIX.
  aspect_ratio: z.string(named).default('16:9'),
  resolution: z.string(named).optional(),
  movement_amplitude: MovementAmplitude.default('auto'),
  audio: BoolLike.optional(),
  voice_id: z.string(named).optional(),
  is_rec: BoolLike.optional(),
  bgm: BoolLike.optional(),
  off_peak: BoolLike.default(false),
  watermark: BoolLike.default(false),
  wm_position: WmPosition.optional(),
  wm_url: MediaRef.optional(),
  meta_data: z.string(named).optional(),
  payload: Payload.optional(),
  callback_url: CallbackUrl.optional(),
  client_request_id: ClientRequestId.optional(),
})
  .superRefine((req, ctx) => {
    if (req.images !== undefined && req.subjects !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['subjects'],
        message: 'subjects cannot be sent together with images: send exactly one of images or subjects',
        input: req.subjects,
      });
    } else if (req.images === undefined && req.subjects === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['images'],
        message: `images is required (1–${MAX_IMAGES} images), unless subjects is sent instead`,
        input: undefined,
      });
    }
    if (req.videos !== undefined && req.images !== undefined && req.images.length > MAX_IMAGES_WITH_VIDEOS) {
      ctx.addIssue({
        code: 'custom',
        path: ['images'],
        message: `images must contain at most ${MAX_IMAGES_WITH_VIDEOS} images when videos are sent (got ${req.images.length})`,
        input: req.images,
      });
    }
    if (req.subjects !== undefined) {
      let images = 0;
      let videos = 0;
      req.subjects.forEach((s, i) => {
        images += s.images?.length ?? 0;
        videos += s.videos?.length ?? 0;
        if (s.name === undefined && s.id === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['subjects', i],
            message: `subjects[${i}] needs a name (or id) so the prompt can refer to it as @name`,
            input: s,
          });
        }
      });
      if (images < 1 || images > MAX_IMAGES) {
        ctx.addIssue({
          code: 'custom',
          path: ['subjects'],
          message: `subjects must carry 1–${MAX_IMAGES} images in total (got ${images})`,
          input: req.subjects,
        });
      }
      if (videos > MAX_VIDEOS) {
        ctx.addIssue({
          code: 'custom',
          path: ['subjects'],
          message: `subjects must carry at most ${MAX_VIDEOS} videos in total (got ${videos})`,
          input: req.subjects,
        });
      }
    }
  })
  .superRefine(matrixCheck('reference2video'));

export type Reference2VideoRequest = z.output<typeof Reference2VideoRequest>;
export type Reference2VideoRequestInput = z.input<typeof Reference2VideoRequest>;
