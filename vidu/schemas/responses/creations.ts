import { z } from 'zod';
import { TaskState } from '../common';
import { named } from '../fields';
import { Bool, Int, listOf, Str, StrOrEmpty } from './lenient';

/** Media facts attached to a creation in list and proxy examples (docs/vidu-api.md §6). */
export const CreationVideo = z.looseObject({
  duration: z.number(named).optional(),
  fps: z.number(named).optional(),
  resolution: z.looseObject({ width: z.number(named), height: z.number(named) }).optional(),
});

/**
 * One generated output (docs/vidu-api.md §6). url/cover_url expire (24 h on the newer
 * page, 1 h on older ones: docs/vidu-api.md §12 item 8), so they are fetched promptly.
 */
export const Creation = z.looseObject({
  id: Str,
  url: Str,
  cover_url: StrOrEmpty,
  watermarked_url: Str.optional(),
  video: CreationVideo.optional(),
  moderation_url: z.array(Str, named).optional(),
});
export type Creation = z.output<typeof Creation>;

const creationsShape = {
  id: Str.optional(),
  err_code: StrOrEmpty,
  credits: Int,
  payload: Str.optional(),
  // Integer in examples, a float in ComfyUI's model (docs/vidu-api.md §6).
  progress: z.number(named).optional(),
  bgm: Bool.optional(),
  off_peak: Bool.optional(),
  creations: listOf(Creation),
};

/**
 * GET /ent/v2/tasks/{id}/creations (docs/vidu-api.md §6, §5.5). `state` takes any string: a state Vidu adds
 * later must not fail the answer; the workflow reads it as not finished and shows it in status.
 */
export const CreationsResponse = z.looseObject({ ...creationsShape, state: z.union([TaskState, Str]) });
export type CreationsResponse = z.output<typeof CreationsResponse>;
export type CreationsResponseInput = z.input<typeof CreationsResponse>;

/**
 * The body Vidu POSTs to callback_url: the Get Generation shape (docs/vidu-api.md §10).
 * docs/vidu-api.md §12 item 11: the docs call the field "status" while the shape they
 * point to says `state`; `status` is read when `state` is absent, and the
 * output always has `state`.
 */
export const CallbackBody = z
  .looseObject({ ...creationsShape, state: TaskState.optional(), status: TaskState.optional() })
  .superRefine((body, ctx) => {
    if (body.state === undefined && body.status === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['state'],
        message: 'state is required (status is accepted in its place)',
        input: undefined,
      });
    }
  })
  .transform(({ status, ...rest }) => ({ ...rest, state: (rest.state ?? status) as TaskState }));
export type CallbackBody = z.output<typeof CallbackBody>;
export type CallbackBodyInput = z.input<typeof CallbackBody>;
