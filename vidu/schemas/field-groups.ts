import { z } from 'zod';
import { BoolLike, CallbackUrl, ClientRequestId, MediaRef, Payload } from './common';
import { named } from './fields';
import { WmPosition } from './options';

/** Fields every create endpoint takes: the pass-through payload, the callback and vidu-flow's idempotency key (docs/vidu-api.md §0, §10, §11). */
export const TASK_FIELDS = {
  payload: Payload.optional(),
  callback_url: CallbackUrl.optional(),
  client_request_id: ClientRequestId.optional(),
};

/** The watermark and metadata options of the video endpoints (docs/vidu-api.md §1). */
export const WATERMARK_FIELDS = {
  watermark: BoolLike.default(false),
  wm_position: WmPosition.optional(),
  wm_url: MediaRef.optional(),
  meta_data: z.string(named).optional(),
};
