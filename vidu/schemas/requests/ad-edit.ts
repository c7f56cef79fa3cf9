import { z } from 'zod';
import { CallbackUrl, IntLike, Payload, RequiredPrompt } from '../common';
import { requestObject, TaskId } from '../builders';
import { named } from '../fields';
import { AdEditType } from '../options';

/**
 * POST /ent/v2/ad-one-click/edit (docs/vidu-api.md §5.3). storyboard_video_index is
 * required for generate_video; for the other types the page says it is
 * unused, so it is tolerated rather than refused.
 */
export const AdEditRequest = requestObject('ad-one-click/edit', {
  ad_one_click_task_id: TaskId,
  type: AdEditType,
  storyboard_video_index: IntLike.pipe(z.number(named).int().min(0)).optional(),
  // The edit page states no limit; the 2000 of every other Vidu prompt is
  // assumed [INF].
  prompt: RequiredPrompt,
  callback_url: CallbackUrl.optional(),
  payload: Payload.optional(),
}).superRefine((req, ctx) => {
  if (req.type === 'generate_video' && req.storyboard_video_index === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['storyboard_video_index'],
      message: 'storyboard_video_index is required when type is generate_video (0-based storyboard number)',
      input: undefined,
    });
  }
});

export type AdEditRequest = z.output<typeof AdEditRequest>;
export type AdEditRequestInput = z.input<typeof AdEditRequest>;
