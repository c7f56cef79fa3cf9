import { z } from 'zod';
import { WEB_IMAGES } from '../media/limits';
import { Q1, Q2, Q2_PRO_FAST, Q3, VIDU_1X, type ModelTable } from '../model-matrix';
import { mediaList, ModelName, requestObject } from '../schemas/builders';
import { BoolLike, IntLike, Prompt } from '../schemas/common';
import { TASK_FIELDS, WATERMARK_FIELDS } from '../schemas/field-groups';
import { named } from '../schemas/fields';
import { matrixCheck } from '../schemas/matrix-check';
import { MovementAmplitude, Seed } from '../schemas/options';
import { defineEndpoint } from './spec';

/** img2video's models (docs/vidu-api.md §1). */
export const IMG2VIDEO_MODELS: ModelTable = {
  type: 'video',
  models: {
    'viduq3-pro': { ...Q3, source: 'DOC' },
    'viduq3-turbo': { ...Q3, source: 'DOC' },
    viduq2: { ...Q2, source: 'DOC' },
    'viduq2-pro': { ...Q2, source: '3P' },
    'viduq2-turbo': { ...Q2, source: '3P' },
    // Listed by mirrors for img2video; its matrix is only given for reference2video.
    'viduq2-pro-fast': { ...Q2_PRO_FAST, source: 'INF' },
    viduq1: { ...Q1, source: 'DOC' },
    'viduq1-classic': { ...Q1, source: '3P' },
    'vidu2.0': { ...VIDU_1X, source: 'DOC' },
    'vidu1.5': { ...VIDU_1X, source: 'DOC' },
  },
};

/** POST /ent/v2/img2video (docs/vidu-api.md §1). */
export const Img2VideoRequest = requestObject('img2video', {
  model: ModelName,
  // Exactly one start frame.
  images: mediaList(1, 1),
  // Required by the CN page, optional on the old EN page (docs/vidu-api.md §1), and
  // ignored when is_rec=true: accepted as optional.
  prompt: Prompt.optional(),
  // Range depends on the model: checked against the model table below.
  duration: IntLike.optional(),
  seed: Seed.optional(),
  resolution: z.string(named).optional(),
  movement_amplitude: MovementAmplitude.default('auto'),
  audio: BoolLike.optional(),
  voice_id: z.string(named).optional(),
  is_rec: BoolLike.optional(),
  // docs/vidu-api.md §11 reports contradicting rules for off_peak with audio=true, so
  // that combination is left for the server to judge.
  off_peak: BoolLike.default(false),
  // docs/vidu-api.md §12 item 7: the seed example sends aspect_ratio, bgm and
  // client_request_id although its own schema omits them, and the response
  // echoes aspect_ratio ("") and client_request_id. aspect_ratio has no
  // effect on img2video (the frame decides), so any string passes.
  aspect_ratio: z.string(named).optional(),
  bgm: BoolLike.optional(),
  ...WATERMARK_FIELDS,
  ...TASK_FIELDS,
}).superRefine(matrixCheck('img2video', IMG2VIDEO_MODELS));

export type Img2VideoRequest = z.output<typeof Img2VideoRequest>;
export type Img2VideoRequestInput = z.input<typeof Img2VideoRequest>;

export const img2video = defineEndpoint({
  kind: 'img2video',
  path: '/ent/v2/img2video',
  summary: 'start an image-to-video generation (one --image: the start frame)',
  request: Img2VideoRequest,
  models: IMG2VIDEO_MODELS,
  media: {
    // No minimum pixel size is stated for this endpoint, unlike the reference ones.
    images: {
      endpoint: 'img2video',
      kind: 'image',
      formats: WEB_IMAGES,
      maxMegabytes: 50,
      maxAspectRatio: 4,
      source: 'DOC',
    },
  },
  result: { media: 'video', taskType: 'img2video', upscalable: true },
});
