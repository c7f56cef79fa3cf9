import { z } from 'zod';
import type { ModelTable } from '../model-matrix';
import { countError, ModelName, requestObject } from '../schemas/builders';
import { numberLikeIn, textUpTo } from '../schemas/common';
import { TASK_FIELDS } from '../schemas/field-groups';
import { named } from '../schemas/fields';
import { matrixCheck } from '../schemas/matrix-check';
import { Seed } from '../schemas/options';
import { defineEndpoint } from './spec';
import { TEXT2AUDIO_DEFAULT_SECONDS } from './text2audio';

export const TIMING2AUDIO_MODELS: ModelTable = { type: 'names', models: { 'audio1.0': { source: 'DOC' } } };

/** One timed sound event: `prompt` sounds from `from` to `to` seconds (events may overlap). */
const TimingPrompt = z.strictObject(
  {
    from: numberLikeIn(0, 10, ' s'),
    to: numberLikeIn(0, 10, ' s'),
    prompt: textUpTo('prompt', 1500, true),
  },
  named,
);

/**
 * POST /ent/v2/timing2audio (docs/vidu-api-more-endpoints.md §9.2): timed sound effects (no
 * music). Each event lies inside the sound: 0 ≤ from < to ≤ duration (the bounds are from a
 * third party [3P]; they are the only reading under which an event can sound at all). The model
 * is listed as audio1.0 only; it is required here as on text2audio (§9.1), so the recorded
 * request names what ran. payload is not listed; accepted as on every other create endpoint [INF].
 */
export const Timing2AudioRequest = requestObject('timing2audio', {
  model: ModelName,
  // A float: 2–10 s, default 10.
  duration: numberLikeIn(2, 10, ' s').optional(),
  timing_prompts: z.array(TimingPrompt, { error: countError('at least 1 timing prompt') }).min(1),
  seed: Seed.optional(),
  ...TASK_FIELDS,
})
  .superRefine(matrixCheck('timing2audio', TIMING2AUDIO_MODELS))
  .superRefine((r, ctx) => {
    const duration = typeof r.duration === 'number' ? r.duration : TEXT2AUDIO_DEFAULT_SECONDS;
    r.timing_prompts.forEach((t, i) => {
      if (t.from >= t.to)
        ctx.addIssue({
          code: 'custom',
          path: ['timing_prompts', i, 'from'],
          message: `timing_prompts[${i}]: from must be before to (got from ${t.from}, to ${t.to})`,
          input: t.from,
        });
      if (t.to > duration)
        ctx.addIssue({
          code: 'custom',
          path: ['timing_prompts', i, 'to'],
          message: `timing_prompts[${i}].to must be at most the duration, ${duration} s (got ${t.to})`,
          input: t.to,
        });
    });
  });

export type Timing2AudioRequest = z.output<typeof Timing2AudioRequest>;

export const timing2audio = defineEndpoint({
  kind: 'timing2audio',
  path: '/ent/v2/timing2audio',
  summary: 'generate timed sound effects (--model audio1.0, timing_prompts [{from, to, prompt}], --duration 2–10 s)',
  request: Timing2AudioRequest,
  models: TIMING2AUDIO_MODELS,
  media: {},
  result: {
    media: 'audio',
    // Undocumented; the endpoint's own name [INF].
    taskType: 'timing2audio',
    durationOf: (r) => (typeof r.duration === 'number' ? r.duration : TEXT2AUDIO_DEFAULT_SECONDS),
  },
});
