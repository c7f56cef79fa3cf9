import { z } from 'zod';
import { WEB_IMAGES } from '../media/limits';
import { Q1, Q2, Q2_PRO_FAST, Q3, VIDU_1X, type ModelTable } from '../model-matrix';
import { countError, countText, mediaList, ModelName, requestObject } from '../schemas/builders';
import { BoolLike, IntLike, RequiredPrompt } from '../schemas/common';
import { TASK_FIELDS, WATERMARK_FIELDS } from '../schemas/field-groups';
import { named } from '../schemas/fields';
import { matrixCheck } from '../schemas/matrix-check';
import { SubjectId } from '../schemas/subjects';
import { MovementAmplitude, Seed } from '../schemas/options';
import { defineEndpoint } from './spec';

const REF_BASE_RATIOS = ['16:9', '9:16', '1:1'] as const;
// docs/vidu-api.md §2: q2 adds 4:3 and 3:4 [3P]; q3 is given the same set [INF], erring
// on the side of accepting.
const REF_WIDE_RATIOS = [...REF_BASE_RATIOS, '4:3', '3:4'] as const;

/** reference2video's models (docs/vidu-api.md §2). */
export const REFERENCE2VIDEO_MODELS: ModelTable = {
  type: 'video',
  models: {
    // docs/vidu-api.md §12 item 2: no official copy lists q3 models for reference2video,
    // but CN mirrors list viduq3/viduq3-mix and another viduq3-pro; their
    // durations/resolutions are taken from img2video's q3 row [INF].
    'viduq3-pro': { ...Q3, aspectRatios: REF_WIDE_RATIOS, source: 'INF' },
    viduq3: { ...Q3, aspectRatios: REF_WIDE_RATIOS, source: 'INF' },
    'viduq3-mix': { ...Q3, aspectRatios: REF_WIDE_RATIOS, source: 'INF' },
    viduq2: { ...Q2, aspectRatios: REF_WIDE_RATIOS, source: '3P' },
    'viduq2-pro': { ...Q2, aspectRatios: REF_WIDE_RATIOS, source: '3P' },
    'viduq2-turbo': { ...Q2, aspectRatios: REF_WIDE_RATIOS, source: '3P' },
    'viduq2-pro-fast': { ...Q2_PRO_FAST, aspectRatios: REF_WIDE_RATIOS, source: '3P' },
    viduq1: { ...Q1, aspectRatios: REF_BASE_RATIOS, source: 'DOC' },
    'viduq1-classic': { ...Q1, aspectRatios: REF_BASE_RATIOS, source: '3P' },
    'vidu2.0': {
      durations: [4],
      defaultDuration: 4,
      resolutionRules: [{ durations: [4], resolutions: ['360p', '720p'], defaultResolution: '360p' }],
      aspectRatios: REF_BASE_RATIOS,
      defaultAudio: false,
      source: 'DOC',
    },
    'vidu1.5': { ...VIDU_1X, aspectRatios: REF_BASE_RATIOS, source: 'DOC' },
  },
};

const MAX_IMAGES = 7;
const MAX_IMAGES_WITH_VIDEOS = 4;
const MAX_VIDEOS = 2;
const MAX_SUBJECTS = 7;
const MAX_IMAGES_PER_SUBJECT = 3;
/**
 * The models every copy agrees take subjects (docs/vidu-api-subjects.md §1.5 [INF]): a
 * `server_id` with any other model is refused before a credit is spent.
 */
export const SERVER_ID_MODELS: readonly string[] = ['viduq2', 'viduq1', 'vidu2.0'];

// Subject mode is documented only by mirrors of platform.vidu.cn (docs/vidu-api.md §2 (b)),
// some of which name subjects by `name` and others by `id`: either is
// accepted, at least one is required.
export const Reference2VideoSubject = requestObject('a reference2video subject', {
  name: z.string(named).min(1).optional(),
  id: z.string(named).min(1).optional(),
  images: mediaList(0, MAX_IMAGES_PER_SUBJECT).optional(),
  videos: mediaList(1, MAX_VIDEOS, 'video').optional(),
  voice_id: z.string(named).optional(),
  // A stored subject of the library (docs/vidu-api-subjects.md §1.5): `name` is then only the
  // prompt's handle and the images come from the library.
  server_id: SubjectId.optional(),
});
export type Reference2VideoSubject = z.output<typeof Reference2VideoSubject>;

const Subjects = z
  .array(Reference2VideoSubject, { error: countError(countText(1, MAX_SUBJECTS, 'subject')) })
  .min(1)
  .max(MAX_SUBJECTS);

/** POST /ent/v2/reference2video (docs/vidu-api.md §2), both the images mode and the subjects mode. */
export const Reference2VideoRequest = requestObject('reference2video', {
  model: ModelName,
  images: mediaList(1, MAX_IMAGES).optional(),
  subjects: Subjects.optional(),
  // viduq2-pro only, per a third-party page (docs/vidu-api.md §2); not tied to the
  // model here because newer models may take them too.
  videos: mediaList(1, MAX_VIDEOS, 'video').optional(),
  auto_subjects: BoolLike.optional(),
  prompt: RequiredPrompt,
  duration: IntLike.optional(),
  seed: Seed.optional(),
  // Default 16:9 for every model; which ratios a model offers is checked
  // against the model table.
  aspect_ratio: z.string(named).default('16:9'),
  resolution: z.string(named).optional(),
  movement_amplitude: MovementAmplitude.default('auto'),
  audio: BoolLike.optional(),
  voice_id: z.string(named).optional(),
  is_rec: BoolLike.optional(),
  bgm: BoolLike.optional(),
  off_peak: BoolLike.default(false),
  ...WATERMARK_FIELDS,
  ...TASK_FIELDS,
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
      let stored = 0;
      req.subjects.forEach((s, i) => {
        if (s.server_id !== undefined) {
          stored += 1;
          if (!SERVER_ID_MODELS.includes(req.model)) {
            ctx.addIssue({
              code: 'custom',
              path: ['subjects', i, 'server_id'],
              message: `subjects[${i}].server_id: a stored subject is accepted with ${SERVER_ID_MODELS.join(', ')} only (got model ${JSON.stringify(req.model)})`,
              input: s.server_id,
            });
          }
        }
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
      // Stored subjects bring their images from the library: only inline ones must carry some.
      if ((images < 1 && stored === 0) || images > MAX_IMAGES) {
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
  .superRefine(matrixCheck('reference2video', REFERENCE2VIDEO_MODELS));

export type Reference2VideoRequest = z.output<typeof Reference2VideoRequest>;
export type Reference2VideoRequestInput = z.input<typeof Reference2VideoRequest>;

// docs/vidu-api.md §2 omits the formats; the novita/myrouter/jiekou copies of Vidu's page list PNG, JPEG, JPG, WebP.
const IMAGE = {
  endpoint: 'reference2video',
  kind: 'image',
  formats: WEB_IMAGES,
  maxMegabytes: 50,
  minSidePx: 128,
  maxAspectRatio: 4,
  source: 'DOC',
} as const;
// viduq2-pro only. "At most 1×8 s or 2×5 s" caps any single video at 8 s; the tighter 5 s-each
// rule for two videos depends on the count and belongs to request validation.
const VIDEO = {
  endpoint: 'reference2video',
  kind: 'video',
  formats: ['mp4', 'avi', 'mov'],
  maxMegabytes: 100,
  minSidePx: 128,
  maxAspectRatio: 4,
  maxDurationSeconds: 8,
  source: '3P',
} as const;

export const reference2video = defineEndpoint({
  kind: 'reference2video',
  path: '/ent/v2/reference2video',
  summary: 'start a reference-to-video generation (--image up to 7, --video up to 2, subjects via --request)',
  request: Reference2VideoRequest,
  models: REFERENCE2VIDEO_MODELS,
  media: { images: IMAGE, videos: VIDEO, 'subjects.images': IMAGE, 'subjects.videos': VIDEO },
  // [INF] docs/vidu-api.md §12 item 17: reference tasks have been seen typed "img2video" and "character2video"; the sim names its endpoint.
  result: { media: 'video', taskType: 'reference2video', upscalable: true },
});
