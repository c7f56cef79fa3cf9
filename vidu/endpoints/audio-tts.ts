import { z } from 'zod';
import { requestObject } from '../schemas/builders';
import { ClientRequestId, intLikeIn, numberLikeIn, Payload, textUpTo } from '../schemas/common';
import { named } from '../schemas/fields';
import { defineEndpoint } from './spec';

/** "<10 000 characters" (docs/vidu-api-more-endpoints.md §9.3). */
export const TTS_TEXT_MAX = 9999;

/**
 * POST /ent/v2/audio-tts (docs/vidu-api-more-endpoints.md §9.3): speech from text. No model. The page lists
 * no callback_url, so vidu-flow sends none and polls (noCallbacks below); one reseller calls the
 * endpoint synchronous, but its answer starts with task_id and state like every other create
 * call, so it is run as a task.
 */
export const AudioTtsRequest = requestObject('audio-tts', {
  // Newlines are paragraphs, <#x#> a pause of x seconds (as lip-sync's text).
  text: textUpTo('text', TTS_TEXT_MAX, true),
  voice_setting_voice_id: z.string(named).min(1),
  voice_setting_speed: numberLikeIn(0.5, 2).optional(),
  voice_setting_volume: intLikeIn(0, 10).optional(),
  // −12..12: negative values are not digit strings, so only numbers are accepted here.
  voice_setting_pitch: z.number(named).int().min(-12).max(12).optional(),
  voice_setting_emotion: z
    .enum(['happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised', 'calm'], named)
    .optional(),
  // Overrides such as "word/(pin1)(yin1)" [3P fast-token].
  pronunciation_dict_tone: z.array(z.string(named), named).optional(),
  payload: Payload.optional(),
  client_request_id: ClientRequestId.optional(),
});

export type AudioTtsRequest = z.output<typeof AudioTtsRequest>;

/** [INF] about 15 characters a second of speech, for the simulator's result length. */
export function speechSeconds(text: string): number {
  return Math.min(600, Math.max(1, Math.round(text.length / 15)));
}

export const audioTts = defineEndpoint({
  kind: 'audioTts',
  path: '/ent/v2/audio-tts',
  summary: 'speak --text with --voice-id (text to speech)',
  request: AudioTtsRequest,
  media: {},
  noCallbacks: true,
  result: {
    media: 'audio',
    taskType: 'tts',
    durationOf: (r) => (typeof r.text === 'string' ? speechSeconds(r.text) : undefined),
  },
  cli: {
    flags: [
      { flag: 'text', field: 'text', value: 'string', placeholder: '<text>', help: 'the text to speak' },
      {
        flag: 'voice-id',
        field: 'voice_setting_voice_id',
        value: 'string',
        placeholder: '<id>',
        help: 'the voice (a Vidu voice id or a cloned one)',
      },
      { flag: 'speed', field: 'voice_setting_speed', value: 'number', placeholder: '<x>', help: '0.5–2 (default 1)' },
    ],
  },
});
