import { z } from 'zod';
import { BoolLike, CallbackUrl, ClientRequestId, IntLike, MediaRef, Payload, Prompt } from '../common';
import { mediaList, ModelName, requestObject } from '../builders';
import { named } from '../fields';
import { matrixCheck } from '../matrix-check';
import { MovementAmplitude, Seed, WmPosition } from '../options';

/** POST /ent/v2/img2video (FACTS §1). */
export const Img2VideoRequest = requestObject('img2video', {
  model: ModelName,
  // Exactly one start frame.
  images: mediaList(1, 1),
  // Required by the CN page, optional on the old EN page (FACTS §1), and
  // ignored when is_rec=true: accepted as optional.
  prompt: Prompt.optional(),
  // Range depends on the model: checked against MODEL_MATRIX below.
  duration: IntLike.optional(),
  seed: Seed.optional(),
  resolution: z.string(named).optional(),
  movement_amplitude: MovementAmplitude.default('auto'),
  audio: BoolLike.optional(),
  voice_id: z.string(named).optional(),
  is_rec: BoolLike.optional(),
  // FACTS §11 reports contradicting rules for off_peak with audio=true, so
  // that combination is left for the server to judge.
  off_peak: BoolLike.default(false),
  watermark: BoolLike.default(false),
  wm_position: WmPosition.optional(),
  wm_url: MediaRef.optional(),
  meta_data: z.string(named).optional(),
  payload: Payload.optional(),
  callback_url: CallbackUrl.optional(),
  // FACTS §12 item 7: the seed example sends aspect_ratio, bgm and
  // client_request_id although its own schema omits them, and the response
  // echoes aspect_ratio ("") and client_request_id. aspect_ratio has no
  // effect on img2video (the frame decides), so any string passes.
  aspect_ratio: z.string(named).optional(),
  bgm: BoolLike.optional(),
  client_request_id: ClientRequestId.optional(),
}).superRefine(matrixCheck('img2video'));

export type Img2VideoRequest = z.output<typeof Img2VideoRequest>;
export type Img2VideoRequestInput = z.input<typeof Img2VideoRequest>;
