import { z } from 'zod';
import { TaskState } from '../common';
import { named } from '../fields';
import { Bool, Int, Str } from './lenient';

/**
 * The task object returned by img2video, reference2video, reference2image
 * and image2dance creation (docs/vidu-api.md §1–§4). Only task_id, state and credits
 * are common to every endpoint and page version; the rest is typed when present.
 */
export const TaskCreatedResponse = z.looseObject({
  task_id: Str,
  // Any string: the task exists and is paid for; a state Vidu adds later must not fail this
  // answer (the workflow reads an unknown state as not finished).
  state: z.union([TaskState, Str]),
  credits: Int,
  // docs/vidu-api.md §12 item 17: reference2video tasks have been seen typed
  // "img2video" and "character2video"; any string is accepted.
  type: Str.optional(),
  model: Str.optional(),
  style: Str.optional(),
  prompt: Str.optional(),
  images: z.array(Str, named).optional(),
  image_url: Str.optional(),
  video_url: Str.optional(),
  duration: Int.optional(),
  seed: Int.optional(),
  aspect_ratio: Str.optional(),
  resolution: Str.optional(),
  movement_amplitude: Str.optional(),
  created_at: Str.optional(),
  payload: Str.optional(),
  callback_url: Str.optional(),
  cus_priority: Int.optional(),
  off_peak: Bool.optional(),
  watermark: Bool.optional(),
  is_rec: Bool.optional(),
  bgm: Bool.optional(),
  audio: Bool.optional(),
  // docs/vidu-api.md §12 item 6: requests send 1..4, responses echo "unspecified".
  wm_position: z.union([Str, z.number(named)]).optional(),
  wm_url: Str.optional(),
  meta_data: Str.optional(),
  client_request_id: Str.optional(),
});

export type TaskCreatedResponse = z.output<typeof TaskCreatedResponse>;
export type TaskCreatedResponseInput = z.input<typeof TaskCreatedResponse>;
