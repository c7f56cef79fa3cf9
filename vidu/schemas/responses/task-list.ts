import { z } from 'zod';
import { TaskState } from '../common';
import { named } from '../fields';
import { Creation } from './creations';
import { Int, listOf, Str } from './lenient';

/**
 * One task in GET /ent/v2/tasks (docs/vidu-api.md §7). state, credits, created_at,
 * payload and client_request_id are not in the stored doc copy, but the
 * simulator returns them and vidu-flow finds its own tasks by
 * client_request_id, so they are typed when present.
 * docs/vidu-api.md §12 item 13: `creations` is typed "object" in the table and an array
 * elsewhere; a single object is read as a one-element array.
 */
export const TaskListItem = z.looseObject({
  id: Str,
  key_id: Str.optional(),
  type: Str.optional(),
  template: Str.optional(),
  model: Str.optional(),
  prompt: Str.optional(),
  images: z.array(Str, named).optional(),
  duration: Int.optional(),
  resolution: Str.optional(),
  aspect_ratio: Str.optional(),
  // Any string, as in Get Generation: an unknown state must not fail the lookup that prevents paying twice.
  state: z.union([TaskState, Str]).optional(),
  err_code: Str.optional(),
  credits: Int.optional(),
  created_at: Str.optional(),
  payload: Str.optional(),
  client_request_id: Str.optional(),
  creations: z
    .union([Creation, z.array(Creation)], named)
    .nullish()
    .transform((v): Creation[] => (v == null ? [] : Array.isArray(v) ? v : [v])),
});
export type TaskListItem = z.output<typeof TaskListItem>;

export const TaskListResponse = z.looseObject({
  next_page_token: Str.nullish().transform((v) => v ?? ''),
  tasks: listOf(TaskListItem),
});
export type TaskListResponse = z.output<typeof TaskListResponse>;
export type TaskListResponseInput = z.input<typeof TaskListResponse>;
