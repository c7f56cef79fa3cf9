import { z } from 'zod';
import { WEB_IMAGES } from '../media/limits';
import { durationRange, Q1, Q3, VIDU_1X, type ModelTable } from '../model-matrix';
import { mediaList, ModelName, requestObject } from '../schemas/builders';
import { BoolLike, IntLike, textUpTo } from '../schemas/common';
import { TASK_FIELDS, WATERMARK_FIELDS } from '../schemas/field-groups';
import { named } from '../schemas/fields';
import { matrixCheck } from '../schemas/matrix-check';
import { MovementAmplitude, Seed } from '../schemas/options';
import { defineEndpoint } from './spec';

// docs/vidu-api-more-endpoints.md §12 items 2 and 3: the pages disagree on the q2 family (1–8 s later, 2–8 s
// on the mid CN page and in ComfyUI; 540p only on later pages) and a CN variant adds plain viduq2
// at 1–10 s. The widest reading of each is accepted, since the real service takes it.
const Q2_SE = durationRange(1, 8, ['540p', '720p', '1080p'], '720p');

/** start-end2video's models (docs/vidu-api-more-endpoints.md §2). No aspect ratio: the output follows the frames. */
export const START_END2VIDEO_MODELS: ModelTable = {
  type: 'video',
  models: {
    'viduq3-pro': { ...Q3, source: 'DOC' },
    'viduq3-turbo': { ...Q3, source: 'DOC' },
    'viduq2-pro-fast': { ...durationRange(1, 8, ['720p', '1080p'], '720p'), source: 'DOCc' },
    'viduq2-pro': { ...Q2_SE, source: 'DOCc' },
    'viduq2-turbo': { ...Q2_SE, source: 'DOCc' },
    viduq2: { ...durationRange(1, 10, ['540p', '720p', '1080p'], '720p'), source: '3P' },
    viduq1: { ...Q1, source: 'DOC' },
    'viduq1-classic': { ...Q1, source: 'DOC' },
    'vidu2.0': { ...VIDU_1X, source: 'DOC' },
    'vidu1.5': { ...VIDU_1X, source: 'DOC' },
  },
};

/** docs/vidu-api-more-endpoints.md §12 item 1: 5000 on the newest EN page (2000 CN, 1500 old); the widest is accepted. */
export const START_END_PROMPT_MAX = 5000;

/** The start and end frames' aspect ratios must lie within this factor of each other (0.8–1.25). */
export const FRAME_RATIO_TOLERANCE = 1.25;

/** POST /ent/v2/start-end2video (docs/vidu-api-more-endpoints.md §2): exactly two frames, [start, end], in that order. */
export const StartEnd2VideoRequest = requestObject('start-end2video', {
  model: ModelName,
  images: mediaList(2, 2),
  prompt: textUpTo('prompt', START_END_PROMPT_MAX).optional(),
  is_rec: BoolLike.optional(),
  duration: IntLike.optional(),
  seed: Seed.optional(),
  resolution: z.string(named).optional(),
  movement_amplitude: MovementAmplitude.default('auto'),
  audio: BoolLike.optional(),
  bgm: BoolLike.optional(),
  off_peak: BoolLike.default(false),
  ...WATERMARK_FIELDS,
  ...TASK_FIELDS,
}).superRefine(matrixCheck('startEnd2video', START_END2VIDEO_MODELS));

export type StartEnd2VideoRequest = z.output<typeof StartEnd2VideoRequest>;

const IMAGE = {
  endpoint: 'start-end2video',
  kind: 'image',
  formats: WEB_IMAGES,
  maxMegabytes: 50,
  maxAspectRatio: 4,
  source: 'DOC',
} as const;

export const startEnd2video = defineEndpoint({
  kind: 'startEnd2video',
  path: '/ent/v2/start-end2video',
  summary: 'start a first-and-last-frame video (exactly two --image: the start frame, then the end frame)',
  request: StartEnd2VideoRequest,
  models: START_END2VIDEO_MODELS,
  media: { images: IMAGE },
  // docs/vidu-api-more-endpoints.md §12 item 4: "resolution ratio 0.8–1.25" (CN), "aspect ratios must be
  // close" (EN), aspect-ratio closeness in ComfyUI. Read as aspect ratios [INF].
  mediaRule: (sizes) => {
    const start = sizes.get('images[0]');
    const end = sizes.get('images[1]');
    if (!start || !end) return [];
    const ratio = start.width / start.height / (end.width / end.height);
    if (ratio <= FRAME_RATIO_TOLERANCE + 1e-9 && ratio >= 1 / FRAME_RATIO_TOLERANCE - 1e-9) return [];
    return [
      `images: the start frame (${start.width}×${start.height}) and the end frame (${end.width}×${end.height}) must have close aspect ratios ` +
        `(their quotient ${ratio.toFixed(2)} is outside 0.8–1.25)`,
    ];
  },
  // Undocumented; "headtailimg2video" is Vidu's own name for this task (consumer API, a reseller's
  // example) and is what the simulator answers [3P].
  result: { media: 'video', taskType: 'headtailimg2video', upscalable: true },
});
