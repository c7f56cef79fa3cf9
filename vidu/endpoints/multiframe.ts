import { z } from 'zod';
import { WEB_IMAGES } from '../media/limits';
import type { ModelTable } from '../model-matrix';
import { countError, countText, ModelName, requestObject } from '../schemas/builders';
import { BoolLike, intLikeIn, MediaRef, Prompt } from '../schemas/common';
import { TASK_FIELDS } from '../schemas/field-groups';
import { fieldLabel, named, show } from '../schemas/fields';
import { matrixCheck } from '../schemas/matrix-check';
import { defineEndpoint } from './spec';

export const MULTIFRAME_MODELS: ModelTable = {
  type: 'names',
  models: { 'viduq2-pro': { source: 'DOC' }, 'viduq2-turbo': { source: 'DOC' } },
};

export const SEGMENT_DEFAULT_SECONDS = 5;
const MIN_KEYS = 2;
const MAX_KEYS = 9;

/** One segment: its end frame, and the transition into it. */
export const MultiframeSetting = requestObject('a multiframe image_settings entry', {
  key_image: MediaRef,
  // ComfyUI caps it at 2000, as the other prompts.
  prompt: Prompt.optional(),
  duration: intLikeIn(2, 7, ' s').optional(),
});

// docs/vidu-api-more-endpoints.md §12 item 8: wm_position is a string enum here per resellers, an integer
// 1–4 on every other endpoint. Both spellings are accepted and passed on as sent.
const WM_NAMES = ['top_left', 'top_right', 'bottom_right', 'bottom_left'] as const;
const MultiframeWmPosition = z.custom<(typeof WM_NAMES)[number] | 1 | 2 | 3 | 4 | '1' | '2' | '3' | '4'>(
  (v) => (WM_NAMES as readonly unknown[]).includes(v) || [1, 2, 3, 4, '1', '2', '3', '4'].includes(v as never),
  { error: (iss) => `${fieldLabel(iss.path)} must be one of ${WM_NAMES.join(', ')} (or 1–4; got ${show(iss.input)})` },
);

/**
 * POST /ent/v2/multiframe (docs/vidu-api-more-endpoints.md §3): a start image and 2–9 key frames in timeline
 * order. The official text and ComfyUI allow 2–9 entries plus the start image; one reseller's
 * "9 in total" is not followed.
 */
export const MultiframeRequest = requestObject('multiframe', {
  model: ModelName,
  start_image: MediaRef,
  image_settings: z
    .array(MultiframeSetting, { error: countError(countText(MIN_KEYS, MAX_KEYS, 'key frame')) })
    .min(MIN_KEYS)
    .max(MAX_KEYS),
  resolution: z.enum(['540p', '720p', '1080p'], named).default('720p'),
  watermark: BoolLike.default(false),
  wm_position: MultiframeWmPosition.optional(),
  wm_url: MediaRef.optional(),
  meta_data: z.string(named).optional(),
  ...TASK_FIELDS,
}).superRefine(matrixCheck('multiframe', MULTIFRAME_MODELS));

export type MultiframeRequest = z.output<typeof MultiframeRequest>;

const IMAGE = {
  endpoint: 'multiframe',
  kind: 'image',
  formats: WEB_IMAGES,
  maxMegabytes: 50,
  maxAspectRatio: 4,
  source: 'DOC',
} as const;

export const multiframe = defineEndpoint({
  kind: 'multiframe',
  path: '/ent/v2/multiframe',
  summary: 'start a multi-frame video (--start-image, then 2–9 key frames via --request image_settings)',
  request: MultiframeRequest,
  models: MULTIFRAME_MODELS,
  media: { start_image: IMAGE, 'image_settings.key_image': IMAGE },
  result: {
    media: 'video',
    taskType: 'multiframe',
    upscalable: true,
    // One segment per key frame, 5 s unless set.
    durationOf: (r) =>
      Array.isArray(r.image_settings)
        ? r.image_settings.reduce(
            (sum: number, s: { duration?: unknown }) =>
              sum + (typeof s?.duration === 'number' ? s.duration : SEGMENT_DEFAULT_SECONDS),
            0,
          )
        : undefined,
  },
  cli: {
    flags: [
      {
        flag: 'start-image',
        field: 'start_image',
        value: 'media',
        placeholder: '<ref>',
        help: 'the first frame: URL, data URI, or local path',
      },
      {
        flag: 'key-image',
        field: 'image_settings',
        value: 'media-list',
        placeholder: '<ref>',
        help: 'a key frame, repeatable in timeline order (2–9; 5 s each, no prompt): URL, data URI, or local path',
        wrap: 'key_image',
      },
    ],
  },
});
