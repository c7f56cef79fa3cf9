import { z } from 'zod';
import { CallbackUrl, Payload } from '../common';
import { countError, requestObject, TaskId } from '../builders';

/**
 * POST /ent/v2/ad-one-click/compose (docs/vidu-api.md §5.4). That video_task_ids has
 * one id per storyboard of the main task can only be checked against the
 * task, not here. docs/vidu-api.md §12 item 14: the table labels the narration id
 * `bgm_task_id`; the example's `narration_task_id` is what is meant.
 */
export const AdComposeRequest = requestObject('ad-one-click/compose', {
  ad_one_click_task_id: TaskId,
  video_task_ids: z.array(TaskId, { error: countError('at least 1 task id') }).min(1),
  bgm_task_id: TaskId,
  narration_task_id: TaskId,
  callback_url: CallbackUrl.optional(),
  payload: Payload.optional(),
});

export type AdComposeRequest = z.output<typeof AdComposeRequest>;
export type AdComposeRequestInput = z.input<typeof AdComposeRequest>;
