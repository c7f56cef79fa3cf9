import { z } from 'zod';
import { TaskState } from '../common';
import { named } from '../fields';
import { Int, Str } from './lenient';

/** POST /ent/v2/ad-one-click response (docs/vidu-api.md §5.1). */
export const AdOneClickCreateResponse = z.looseObject({
  task_id: Str,
  state: TaskState,
  credits: Int,
  images: z.array(Str, named).optional(),
  prompt: Str.optional(),
  duration: Int.optional(),
  aspect_ratio: Str.optional(),
  language: Str.optional(),
  created_at: Str.optional(),
  client_request_id: Str.optional(),
});
export type AdOneClickCreateResponse = z.output<typeof AdOneClickCreateResponse>;

/**
 * POST /ent/v2/ad-one-click/edit response (docs/vidu-api.md §5.3). The example answers
 * state "success" at creation (docs/vidu-api.md §12 item 14): state is not assumed to
 * be "created".
 */
export const AdEditResponse = z.looseObject({
  ad_one_click_task_id: Str,
  sub_task_id: Str,
  state: TaskState,
  credits: Int,
  err_code: Str.optional(),
});
export type AdEditResponse = z.output<typeof AdEditResponse>;

/** POST /ent/v2/ad-one-click/compose response (docs/vidu-api.md §5.4). */
export const AdComposeResponse = z.looseObject({
  ad_one_click_task_id: Str,
  compose_sub_task_id: Str,
  state: TaskState,
  credits: Int,
  err_code: Str.optional(),
});
export type AdComposeResponse = z.output<typeof AdComposeResponse>;

/** POST /ent/v2/one-click/mv response (docs/vidu-api-more-endpoints.md §10.1): read as a task creation, echoes optional. */
export const MusicVideoCreateResponse = z.looseObject({
  task_id: Str,
  state: TaskState,
  credits: Int,
  created_at: Str.optional(),
  client_request_id: Str.optional(),
});
export type MusicVideoCreateResponse = z.output<typeof MusicVideoCreateResponse>;

/** POST /ent/v2/one-click/mv/edit response [3P/INF]: the AD film's edit answer, the main id optional. */
export const MusicVideoEditResponse = z.looseObject({
  one_click_mv_task_id: Str.optional(),
  sub_task_id: Str,
  state: TaskState,
  credits: Int,
  err_code: Str.optional(),
});
export type MusicVideoEditResponse = z.output<typeof MusicVideoEditResponse>;

/** POST /ent/v2/one-click/mv/compose response [3P/INF]: the AD film's compose answer, the main id optional. */
export const MusicVideoComposeResponse = z.looseObject({
  one_click_mv_task_id: Str.optional(),
  compose_sub_task_id: Str,
  state: TaskState,
  credits: Int,
  err_code: Str.optional(),
});
export type MusicVideoComposeResponse = z.output<typeof MusicVideoComposeResponse>;
