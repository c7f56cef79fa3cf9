import { z } from 'zod';
import { WEB_IMAGES } from '../media/limits';
import type { ModelTable } from '../model-matrix';
import { mediaList, ModelName, requestObject } from '../schemas/builders';
import { BoolLike, intLikeIn, MediaRef, Prompt } from '../schemas/common';
import { TASK_FIELDS } from '../schemas/field-groups';
import { named } from '../schemas/fields';
import { matrixCheck } from '../schemas/matrix-check';
import { defineEndpoint } from './spec';

export const EXTEND_MODELS: ModelTable = {
  type: 'names',
  models: { 'viduq2-pro': { source: 'DOC' }, 'viduq2-turbo': { source: 'DOC' } },
};
export const EXTEND_DEFAULT_SECONDS = 5;

/**
 * POST /ent/v2/extend (docs/vidu-api-more-endpoints.md §4). The page says each of video_creation_id and
 * video_url is "required with" the other: read as one of the two [INF, as vtrix reads it].
 * `video_url` may also name an archived vidu-flow result, `vidu-flow:<workflowId>/<creationId>`,
 * which the stage activity turns into video_creation_id.
 */
export const ExtendRequest = requestObject('extend', {
  model: ModelName,
  video_creation_id: z.string(named).min(1).optional(),
  video_url: MediaRef.optional(),
  // At most one image: the end frame.
  images: mediaList(1, 1).optional(),
  prompt: Prompt.optional(),
  // Added length: 1–7 s, default 5 (ComfyUI's default 4 is its own).
  duration: intLikeIn(1, 7, ' s').optional(),
  resolution: z.enum(['540p', '720p', '1080p'], named).default('720p'),
  watermark: BoolLike.optional(),
  // A string enum per the only source (vtrix); the integers of other endpoints are accepted too.
  wm_position: z
    .union([
      z.enum(['top_left', 'top_right', 'bottom_right', 'bottom_left'], named),
      z.number(named).int().min(1).max(4),
    ])
    .optional(),
  wm_url: MediaRef.optional(),
  meta_data: z.string(named).optional(),
  ...TASK_FIELDS,
})
  .superRefine((r, ctx) => {
    if (r.video_url === undefined && r.video_creation_id === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['video_url'],
        message: 'video_url is required unless video_creation_id is sent (one of the two)',
        input: undefined,
      });
    }
  })
  .superRefine(matrixCheck('extend', EXTEND_MODELS));

export type ExtendRequest = z.output<typeof ExtendRequest>;

export const extend = defineEndpoint({
  kind: 'extend',
  path: '/ent/v2/extend',
  summary:
    'extend a video (--video-url, a vidu-flow:<workflowId>/<creationId> result, or --video-creation-id) by --duration 1–7 s',
  request: ExtendRequest,
  models: EXTEND_MODELS,
  media: {
    // "any video, 4 s – 1 min" (ComfyUI checks 4–55 s); formats and size are undocumented: those
    // vidu-flow can read, and the archive's 2 GiB cap [INF].
    video_url: {
      endpoint: 'extend',
      kind: 'video',
      formats: ['mp4', 'mov', 'avi', 'webm'],
      maxMegabytes: 2048,
      maxAspectRatio: 100,
      minDurationSeconds: 4,
      maxDurationSeconds: 60,
      source: 'DOC',
    },
    images: {
      endpoint: 'extend',
      kind: 'image',
      formats: WEB_IMAGES,
      maxMegabytes: 50,
      maxAspectRatio: 4,
      source: 'DOC',
    },
  },
  // The result is the extended video: the source's length plus `duration` (the simulator adds them).
  result: { media: 'video', taskType: 'extend', upscalable: true },
  cli: {
    flags: [
      {
        flag: 'video-creation-id',
        field: 'video_creation_id',
        value: 'string',
        placeholder: '<id>',
        help: 'a Vidu creation id to use as the input video',
      },
    ],
  },
});
