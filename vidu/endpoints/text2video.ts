import { z } from 'zod';
import { durationRange, Q1, Q2, Q3, VIDU_1X, type ModelTable } from '../model-matrix';
import { ModelName, requestObject } from '../schemas/builders';
import { BoolLike, IntLike, textUpTo } from '../schemas/common';
import { TASK_FIELDS, WATERMARK_FIELDS } from '../schemas/field-groups';
import { named } from '../schemas/fields';
import { matrixCheck } from '../schemas/matrix-check';
import { MovementAmplitude, Seed } from '../schemas/options';
import { defineEndpoint } from './spec';

const BASE_RATIOS = ['16:9', '9:16', '1:1'] as const;
// 3:4 and 4:3 only on q2/q3 (docs/vidu-api-more-endpoints.md §1).
const WIDE_RATIOS = [...BASE_RATIOS, '3:4', '4:3'] as const;

/** text2video's models (docs/vidu-api-more-endpoints.md §1): the union of the old, newer EN and CN pages. */
export const TEXT2VIDEO_MODELS: ModelTable = {
  type: 'video',
  models: {
    'viduq3-pro': { ...Q3, aspectRatios: WIDE_RATIOS, source: 'DOCc' },
    'viduq3-turbo': { ...Q3, aspectRatios: WIDE_RATIOS, source: 'DOCc' },
    viduq2: { ...Q2, aspectRatios: WIDE_RATIOS, source: 'DOCc' },
    // Offered for t2v only by a reseller (vtrix: 1–8 s, 720p/1080p).
    'viduq2-pro-fast': { ...durationRange(1, 8, ['720p', '1080p'], '720p'), aspectRatios: WIDE_RATIOS, source: '3P' },
    viduq1: { ...Q1, aspectRatios: BASE_RATIOS, source: 'DOC' },
    // Old pages and the official MCP's docstring.
    'vidu1.5': { ...VIDU_1X, aspectRatios: BASE_RATIOS, source: 'DOC' },
  },
};

// docs/vidu-api-more-endpoints.md §12 item 1: 5000 (newer EN page) / 2000 (CN copies, ComfyUI) / 1500 (old
// pages, MCP). The newest official page's 5000 is accepted: a longer limit only lets through what
// the real service takes.
export const TEXT2VIDEO_PROMPT_MAX = 5000;

/** POST /ent/v2/text2video (docs/vidu-api-more-endpoints.md §1). No images, so the prompt is required. */
export const Text2VideoRequest = requestObject('text2video', {
  model: ModelName,
  prompt: textUpTo('prompt', TEXT2VIDEO_PROMPT_MAX, true),
  // Only q1 and older honour it; harmless elsewhere.
  style: z.enum(['general', 'anime'], named).optional(),
  duration: IntLike.optional(),
  // The official MCP always sends every field, seed 0 included (0 = random).
  seed: Seed.optional(),
  aspect_ratio: z.string(named).default('16:9'),
  resolution: z.string(named).optional(),
  movement_amplitude: MovementAmplitude.default('auto'),
  bgm: BoolLike.optional(),
  // q3 only; its default there is true (DOCc; ComfyUI's widget says false, the server decides).
  audio: BoolLike.optional(),
  off_peak: BoolLike.default(false),
  ...WATERMARK_FIELDS,
  ...TASK_FIELDS,
}).superRefine(matrixCheck('text2video', TEXT2VIDEO_MODELS));

export type Text2VideoRequest = z.output<typeof Text2VideoRequest>;

export const text2video = defineEndpoint({
  kind: 'text2video',
  path: '/ent/v2/text2video',
  summary: 'start a text-to-video generation (--prompt, no images)',
  request: Text2VideoRequest,
  models: TEXT2VIDEO_MODELS,
  media: {},
  // A reseller example shows type "text2video" [3P]; Vidu's consumer API uses the same name.
  result: { media: 'video', taskType: 'text2video', upscalable: true },
  cli: {
    flags: [
      {
        flag: 'style',
        field: 'style',
        value: 'string',
        placeholder: '<style>',
        help: 'general or anime (q1 and older only)',
      },
    ],
  },
});
