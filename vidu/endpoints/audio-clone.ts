import { z } from 'zod';
import { requestObject } from '../schemas/builders';
import { ClientRequestId, MediaRef, Payload, textUpTo } from '../schemas/common';
import { named } from '../schemas/fields';
import { speechSeconds } from './audio-tts';
import { defineEndpoint } from './spec';

/**
 * Vidu's rule for a cloned voice's id (docs/vidu-api-more-endpoints.md §9.4): 8–256 characters, a
 * letter first, letters, digits, `-` and `_`, not ending in `-` or `_`.
 */
export const VIDU_VOICE_ID = /^[A-Za-z][A-Za-z0-9_-]*[A-Za-z0-9]$/;
export const VIDU_VOICE_ID_MAX = 256;
export const VOICE_ID_MIN = 8;
/**
 * vidu-flow sends a cloned voice as `vf-<12 hex>-<name>` (contract/voice-ids.ts: each owner's
 * voices in a namespace of their own), 16 characters more than the name; so a name may be 240 long.
 */
export const VOICE_NAME_MAX = VIDU_VOICE_ID_MAX - 16;

/** The problem with a voice name under Vidu's rule, or undefined when it is a valid one. */
export function voiceNameProblem(name: string): string | undefined {
  if (name.length < VOICE_ID_MIN || name.length > VOICE_NAME_MAX)
    return `must be ${VOICE_ID_MIN}–${VOICE_NAME_MAX} characters (got ${name.length})`;
  if (!VIDU_VOICE_ID.test(name))
    return 'must start with a letter, hold only letters, digits, - and _, and not end in - or _';
  return undefined;
}

const VoiceName = z.string(named).superRefine((s, ctx) => {
  const problem = voiceNameProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: `voice_id ${problem} (got ${JSON.stringify(s)})`, input: s });
});

/**
 * POST /ent/v2/audio-clone (docs/vidu-api-more-endpoints.md §9.4): clones a voice from a 10 s–5 min
 * recording under the caller's `voice_id`, and speaks the preview `text` in it (billed as TTS).
 * The page lists `payload` and no `callback_url`, so vidu-flow polls it (noCallbacks), as audio-tts.
 * `prompt_audio_url` is a short sample (< 8 s) given with `prompt_text`, its words ending in
 * punctuation: one without the other is refused [INF: "with"].
 */
export const AudioCloneRequest = requestObject('audio-clone', {
  audio_url: MediaRef,
  voice_id: VoiceName,
  prompt_audio_url: MediaRef.optional(),
  prompt_text: textUpTo('prompt_text', 1000).optional(),
  text: textUpTo('text', 1000, true),
  payload: Payload.optional(),
  client_request_id: ClientRequestId.optional(),
}).superRefine((r, ctx) => {
  if (r.prompt_audio_url !== undefined && (r.prompt_text === undefined || r.prompt_text === ''))
    ctx.addIssue({
      code: 'custom',
      path: ['prompt_text'],
      message: 'prompt_text is required with prompt_audio_url (the words the sample says)',
      input: r.prompt_text,
    });
  if (r.prompt_text !== undefined && r.prompt_audio_url === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['prompt_audio_url'],
      message: 'prompt_text applies only with prompt_audio_url (the sample it transcribes)',
      input: undefined,
    });
  if (r.prompt_text !== undefined && r.prompt_text !== '' && !/\p{P}$/u.test(r.prompt_text))
    ctx.addIssue({
      code: 'custom',
      path: ['prompt_text'],
      message: 'prompt_text must end with punctuation (e.g. "." or "。")',
      input: r.prompt_text,
    });
});

export type AudioCloneRequest = z.output<typeof AudioCloneRequest>;

/** mp3, m4a, wav, ≤ 20 MB (§9.4). */
const CLONE_AUDIO = ['mp3', 'm4a', 'wav'] as const;

export const audioClone = defineEndpoint({
  kind: 'audioClone',
  path: '/ent/v2/audio-clone',
  summary: 'clone a voice from --audio-url as --voice-id, previewed by speaking --text (use it as clone:<voice-id>)',
  request: AudioCloneRequest,
  media: {
    audio_url: {
      endpoint: 'audio-clone',
      kind: 'audio',
      formats: CLONE_AUDIO,
      maxMegabytes: 20,
      maxAspectRatio: 1,
      minDurationSeconds: 10,
      maxDurationSeconds: 300,
      source: 'DOC',
    },
    // "under 8 s, ≤ 20 MB"; its formats are not listed: those of audio_url [INF].
    prompt_audio_url: {
      endpoint: 'audio-clone',
      kind: 'audio',
      formats: CLONE_AUDIO,
      maxMegabytes: 20,
      maxAspectRatio: 1,
      maxDurationSeconds: 7.999,
      source: 'DOC',
    },
  },
  noCallbacks: true,
  // The result is the voice; its one creation is the preview (the text spoken in it). The task
  // type is undocumented: the endpoint's name [INF].
  result: {
    media: 'audio',
    taskType: 'audio_clone',
    durationOf: (r) => (typeof r.text === 'string' ? speechSeconds(r.text) : undefined),
  },
  cli: {
    flags: [
      {
        flag: 'audio-url',
        field: 'audio_url',
        value: 'media',
        placeholder: '<ref>',
        help: 'the voice to clone: 10 s–5 min of mp3, m4a or wav (URL, data URI or local path)',
      },
      {
        flag: 'voice-id',
        field: 'voice_id',
        value: 'string',
        placeholder: '<name>',
        help: 'the name of the new voice (8–240 characters: letters, digits, - and _); use it as clone:<name>',
      },
      { flag: 'text', field: 'text', value: 'string', placeholder: '<text>', help: 'preview text (≤1000 characters)' },
    ],
  },
});
