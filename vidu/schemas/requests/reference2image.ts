import { z } from 'zod';
import { CallbackUrl, ClientRequestId, Payload, RequiredPrompt } from '../common';
import { mediaList, ModelName, requestObject } from '../builders';
import { named } from '../fields';
import { matrixCheck } from '../matrix-check';
import { Seed } from '../options';

/** POST /ent/v2/reference2image (FACTS §3). */
export const Reference2ImageRequest = requestObject('reference2image', {
  model: ModelName,
  // 0–7 for viduq2 (0 = text-to-image), 1–7 for viduq1: the per-model floor
  // is checked against MODEL_MATRIX.
  images: mediaList(0, 7).optional(),
  prompt: RequiredPrompt,
  seed: Seed.optional(),
  aspect_ratio: z.string(named).default('16:9'),
  resolution: z.string(named).optional(),
  payload: Payload.optional(),
  callback_url: CallbackUrl.optional(),
  client_request_id: ClientRequestId.optional(),
}).superRefine(matrixCheck('reference2image'));

export type Reference2ImageRequest = z.output<typeof Reference2ImageRequest>;
export type Reference2ImageRequestInput = z.input<typeof Reference2ImageRequest>;
