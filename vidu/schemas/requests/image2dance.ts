import type { z } from 'zod';
import { CallbackUrl, ClientRequestId, MediaRef, Payload } from '../common';
import { requestObject } from '../builders';

/**
 * POST /ent/v2/image2dance (FACTS §4). No model field. Pixel size, duration
 * and "one person facing the camera" rules need the media itself and are
 * vidu/media's job.
 */
export const Image2DanceRequest = requestObject('image2dance', {
  image_url: MediaRef,
  video_url: MediaRef,
  payload: Payload.optional(),
  callback_url: CallbackUrl.optional(),
  client_request_id: ClientRequestId.optional(),
});

export type Image2DanceRequest = z.output<typeof Image2DanceRequest>;
export type Image2DanceRequestInput = z.input<typeof Image2DanceRequest>;
