import { z } from 'zod';
import {
  BoolLike,
  CallbackUrl,
  ClientRequestId,
  IntLike,
  MediaRef,
  Payload,
  RequiredPrompt,
  textUpTo,
} from '../common';
import { countError, mediaList, requestObject, TaskId } from '../builders';
import { named } from '../fields';

/**
 * POST /ent/v2/one-click/mv (docs/vidu-api-more-endpoints.md §10.1): 1–7 images and a song make a
 * music video. `resolution` is documented without its values; 540p/720p/1080p, the values every
 * other current endpoint takes, are assumed [INF] so that nothing unchecked reaches Vidu. Like the
 * AD film's create call, no `payload` is documented, so it is refused.
 */
export const MusicVideoRequest = requestObject('one-click/mv', {
  images: mediaList(1, 7),
  audio_url: MediaRef,
  // +4 credits a second of audio (docs/vidu-api-more-endpoints.md §10.1).
  lip_sync: BoolLike.default(false),
  prompt: textUpTo('prompt', 3000).optional(),
  aspect_ratio: z.enum(['16:9', '9:16', '1:1', '4:3', '3:4'], named).default('16:9'),
  resolution: z.enum(['540p', '720p', '1080p'], named).optional(),
  callback_url: CallbackUrl.optional(),
  client_request_id: ClientRequestId.optional(),
});
export type MusicVideoRequest = z.output<typeof MusicVideoRequest>;
export type MusicVideoRequestInput = z.input<typeof MusicVideoRequest>;

// The sub-operations below are known from one reseller only [3P] ("GET /{id}, /{id}/edit,
// /{id}/compose on the AD-film pattern", docs/vidu-api-more-endpoints.md §10.1); their bodies are
// not documented anywhere. They are read as the AD film's (docs/vidu-api.md §5.3–§5.4) with the
// main-task field named after the path, as `ad_one_click_task_id` is after `ad-one-click`
// [INF], and without BGM or narration: the music is the caller's own audio [INF].

/** POST /ent/v2/one-click/mv/edit [3P/INF]: regenerate one storyboard's footage. */
export const MusicVideoEditRequest = requestObject('one-click/mv/edit', {
  one_click_mv_task_id: TaskId,
  type: z.literal('generate_video', named),
  storyboard_video_index: IntLike.pipe(z.number(named).int().min(0)),
  prompt: RequiredPrompt,
  callback_url: CallbackUrl.optional(),
  payload: Payload.optional(),
});
export type MusicVideoEditRequest = z.output<typeof MusicVideoEditRequest>;

/** POST /ent/v2/one-click/mv/compose [3P/INF]: cut the video from one footage sub-task per storyboard. */
export const MusicVideoComposeRequest = requestObject('one-click/mv/compose', {
  one_click_mv_task_id: TaskId,
  video_task_ids: z.array(TaskId, { error: countError('at least 1 task id') }).min(1),
  callback_url: CallbackUrl.optional(),
  payload: Payload.optional(),
});
export type MusicVideoComposeRequest = z.output<typeof MusicVideoComposeRequest>;
