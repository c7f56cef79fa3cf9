import { z } from 'zod';
import { WEB_IMAGES } from '../media/limits';
import type { ModelTable } from '../model-matrix';
import { mediaList, ModelName, requestObject } from '../schemas/builders';
import { RequiredPrompt } from '../schemas/common';
import { TASK_FIELDS } from '../schemas/field-groups';
import { named } from '../schemas/fields';
import { matrixCheck } from '../schemas/matrix-check';
import { Seed } from '../schemas/options';
import { defineEndpoint } from './spec';

const IMAGE_BASE_RATIOS = ['16:9', '9:16', '1:1', '3:4', '4:3'] as const;

/** reference2image's models (docs/vidu-api.md §3). */
export const REFERENCE2IMAGE_MODELS: ModelTable = {
  type: 'image',
  models: {
    viduq2: {
      minImages: 0,
      maxImages: 7,
      aspectRatios: [...IMAGE_BASE_RATIOS, '21:9', '2:3', '3:2', 'auto'],
      resolutions: ['1080p', '2K', '4K'],
      defaultResolution: '1080p',
      source: 'DOC',
    },
    viduq1: {
      minImages: 1,
      maxImages: 7,
      aspectRatios: IMAGE_BASE_RATIOS,
      resolutions: ['1080p'],
      defaultResolution: '1080p',
      source: 'DOC',
    },
  },
};

/** POST /ent/v2/reference2image (docs/vidu-api.md §3). */
export const Reference2ImageRequest = requestObject('reference2image', {
  model: ModelName,
  // 0–7 for viduq2 (0 = text-to-image), 1–7 for viduq1: the per-model floor
  // is checked against the model table.
  images: mediaList(0, 7).optional(),
  prompt: RequiredPrompt,
  seed: Seed.optional(),
  aspect_ratio: z.string(named).default('16:9'),
  resolution: z.string(named).optional(),
  ...TASK_FIELDS,
}).superRefine(matrixCheck('reference2image', REFERENCE2IMAGE_MODELS));

export type Reference2ImageRequest = z.output<typeof Reference2ImageRequest>;
export type Reference2ImageRequestInput = z.input<typeof Reference2ImageRequest>;

export const reference2image = defineEndpoint({
  kind: 'reference2image',
  path: '/ent/v2/reference2image',
  summary: 'start a reference-to-image generation (0–7 --image)',
  request: Reference2ImageRequest,
  models: REFERENCE2IMAGE_MODELS,
  media: {
    images: {
      endpoint: 'reference2image',
      kind: 'image',
      formats: WEB_IMAGES,
      maxMegabytes: 50,
      minSidePx: 128,
      maxAspectRatio: 4,
      source: 'DOC',
    },
  },
  result: { media: 'image', taskType: 'reference2image' },
});
