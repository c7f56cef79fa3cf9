import type { z } from 'zod';
import { CallbackUrl, ClientRequestId, intLikeIn, Prompt } from '../common';
import { mediaList, requestObject } from '../builders';
import { AdAspectRatio, AdLanguage } from '../options';

/**
 * POST /ent/v2/ad-one-click (docs/vidu-api.md §5.1). The page documents no `payload`
 * for this endpoint (edit and compose have one), so it is refused here the
 * way the real API refuses unknown fields.
 */
export const AdOneClickRequest = requestObject('ad-one-click', {
  images: mediaList(1, 7),
  prompt: Prompt.optional(),
  duration: intLikeIn(10, 60, ' seconds').default(15),
  aspect_ratio: AdAspectRatio.default('16:9'),
  language: AdLanguage.default('zh'),
  callback_url: CallbackUrl.optional(),
  client_request_id: ClientRequestId.optional(),
});

export type AdOneClickRequest = z.output<typeof AdOneClickRequest>;
export type AdOneClickRequestInput = z.input<typeof AdOneClickRequest>;
