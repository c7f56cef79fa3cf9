import { z } from 'zod';
import { TaskState } from '../common';
import { named } from '../fields';
import { Int, listOf, Str, StrOrEmpty } from './lenient';

/** One sub-task of an AD film (docs/vidu-api.md §5.2 `record`). */
export const AdRecord = z.looseObject({
  id: Str,
  state: TaskState,
  err_code: StrOrEmpty,
  // docs/vidu-api.md §12 item 14: narration and BGM records in the example carry
  // type "generate_video", so type says little; any string is kept.
  type: Str.optional(),
  prompt: Str.optional(),
  creation_url: Str.optional(),
});
export type AdRecord = z.output<typeof AdRecord>;

/**
 * docs/vidu-api.md §5.2 / §12 item 14: the doc and its example spell the key
 * `stroyboard_id`. Both spellings are read; the output always says
 * `storyboard_id`.
 */
export const AdStoryboard = z
  .looseObject({
    storyboard_id: Int.optional(),
    stroyboard_id: Int.optional(),
    records: listOf(AdRecord),
  })
  .superRefine((sb, ctx) => {
    if (sb.storyboard_id === undefined && sb.stroyboard_id === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['storyboard_id'],
        message: 'storyboard_id is required (also read as stroyboard_id, the documented spelling)',
        input: undefined,
      });
    }
  })
  .transform(({ stroyboard_id, storyboard_id, ...rest }) => ({
    ...rest,
    storyboard_id: (storyboard_id ?? stroyboard_id) as number,
  }));
export type AdStoryboard = z.output<typeof AdStoryboard>;

/** A compose run (docs/vidu-api.md §5.2 `composed_task`). */
export const AdComposedTask = z.looseObject({
  id: Str,
  state: TaskState,
  err_code: StrOrEmpty,
  creation_url: Str.optional(),
  params: z
    .looseObject({
      video_task_ids: listOf(Str),
      bgm_task_id: Str.optional(),
      narration_task_id: Str.optional(),
    })
    .optional(),
});
export type AdComposedTask = z.output<typeof AdComposedTask>;

/** GET /ent/v2/ad-one-click/{id} (docs/vidu-api.md §5.2). */
export const AdOneClickDetail = z.looseObject({
  id: Str,
  state: TaskState,
  err_code: StrOrEmpty,
  data_records: z
    .looseObject(
      {
        storyboards: listOf(AdStoryboard),
        narration_records: listOf(AdRecord),
        bgm_records: listOf(AdRecord),
        completed_creation_records: listOf(AdComposedTask),
      },
      named,
    )
    .optional(),
});
export type AdOneClickDetail = z.output<typeof AdOneClickDetail>;
export type AdOneClickDetailInput = z.input<typeof AdOneClickDetail>;
