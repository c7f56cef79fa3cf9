import type { z } from 'zod';
import type { ModelTable } from '../model-matrix';
import { ModelName, requestObject } from '../schemas/builders';
import { numberLikeIn, textUpTo } from '../schemas/common';
import { TASK_FIELDS } from '../schemas/field-groups';
import { matrixCheck } from '../schemas/matrix-check';
import { Seed } from '../schemas/options';
import { defineEndpoint } from './spec';

export const TEXT2AUDIO_MODELS: ModelTable = { type: 'names', models: { 'audio1.0': { source: 'DOC' } } };
export const TEXT2AUDIO_DEFAULT_SECONDS = 10;

/**
 * POST /ent/v2/text2audio (docs/vidu-api-more-endpoints.md §9.1): sound effects or music from a prompt.
 * payload is not on the page but every other create endpoint takes it; accepted [INF].
 */
export const Text2AudioRequest = requestObject('text2audio', {
  model: ModelName,
  prompt: textUpTo('prompt', 1500, true),
  // A float: 2–10 s, default 10.
  duration: numberLikeIn(2, 10, ' s').optional(),
  seed: Seed.optional(),
  ...TASK_FIELDS,
}).superRefine(matrixCheck('text2audio', TEXT2AUDIO_MODELS));

export type Text2AudioRequest = z.output<typeof Text2AudioRequest>;

export const text2audio = defineEndpoint({
  kind: 'text2audio',
  path: '/ent/v2/text2audio',
  summary: 'generate sound effects or music from --prompt (--model audio1.0, --duration 2–10 s)',
  request: Text2AudioRequest,
  models: TEXT2AUDIO_MODELS,
  media: {},
  result: {
    media: 'audio',
    taskType: 'text2audio',
    durationOf: (r) => (typeof r.duration === 'number' ? r.duration : TEXT2AUDIO_DEFAULT_SECONDS),
  },
});
