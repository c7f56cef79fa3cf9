import { z } from 'zod';
import { WEB_IMAGES } from '../media/limits';
import { requestObject } from '../schemas/builders';
import { intLikeIn, MediaRef, numberLikeIn, textUpTo } from '../schemas/common';
import { TASK_FIELDS } from '../schemas/field-groups';
import { named } from '../schemas/fields';
import { defineEndpoint } from './spec';

/**
 * POST /ent/v2/lip-sync (docs/vidu-api-more-endpoints.md §8): a speaking face in a video, driven by an audio
 * file or by text read in a voice. No model. audio_url wins over text when both are sent; one of
 * the two is required.
 */
export const LipSyncRequest = requestObject('lip-sync', {
  video_url: MediaRef,
  audio_url: MediaRef.optional(),
  // 4–2000 characters (2–1000 CJK); newline = paragraph, <#x#> = a pause of x s. Vidu counts CJK
  // double, which code points cannot see, so only the plain bounds are held here.
  text: textUpTo('text', 2000).optional(),
  // These apply to text only.
  speed: numberLikeIn(0.5, 2).optional(),
  voice_id: z.string(named).optional(),
  // From resellers' copies of the page [3P]: the face to use when the video shows several, and the volume.
  ref_photo_url: MediaRef.optional(),
  volume: intLikeIn(0, 10).optional(),
  ...TASK_FIELDS,
}).superRefine((r, ctx) => {
  if (r.audio_url === undefined && (r.text === undefined || r.text === '')) {
    ctx.addIssue({
      code: 'custom',
      path: ['audio_url'],
      message: 'audio_url is required unless text is sent (one of the two: the voice track, or text to speak)',
      input: undefined,
    });
  }
});

export type LipSyncRequest = z.output<typeof LipSyncRequest>;

export const lipSync = defineEndpoint({
  kind: 'lipSync',
  path: '/ent/v2/lip-sync',
  summary: 'lip-sync a face video (--video-url) to --audio-url, or to --text spoken with --voice-id',
  request: LipSyncRequest,
  media: {
    // 1–600 s, ≤5 GB, each side 360–4096 px, H.264 (the codec and the face rules are Vidu's to
    // judge). No aspect-ratio rule is documented [INF: none enforced].
    video_url: {
      endpoint: 'lip-sync',
      kind: 'video',
      formats: ['mp4', 'mov', 'avi'],
      maxMegabytes: 5120,
      minSidePx: 360,
      maxSidePx: 4096,
      maxAspectRatio: 100,
      minDurationSeconds: 1,
      maxDurationSeconds: 600,
      source: 'DOC',
    },
    // wav/mp3/wma/m4a/aac/ogg, 1–600 s, ≤100 MB. WMA and raw AAC are not recognised by vidu-flow's
    // probe and are refused before any credit is spent; send them as WAV, MP3, Ogg or M4A.
    audio_url: {
      endpoint: 'lip-sync',
      kind: 'audio',
      formats: ['wav', 'mp3', 'm4a', 'ogg'],
      maxMegabytes: 100,
      maxAspectRatio: 1,
      minDurationSeconds: 1,
      maxDurationSeconds: 600,
      source: 'DOC',
    },
    ref_photo_url: {
      endpoint: 'lip-sync',
      kind: 'image',
      formats: WEB_IMAGES,
      maxMegabytes: 50,
      maxAspectRatio: 4,
      source: '3P',
    },
  },
  // Undocumented; "lip_sync" is the consumer API's name for the task [INF]. The result keeps the video's length.
  result: { media: 'video', taskType: 'lip_sync', upscalable: true },
  cli: {
    flags: [
      {
        flag: 'audio-url',
        field: 'audio_url',
        value: 'media',
        placeholder: '<ref>',
        help: 'the voice track: URL, data URI, or local path (wav, mp3, m4a, ogg)',
      },
      { flag: 'text', field: 'text', value: 'string', placeholder: '<text>', help: 'the text to speak' },
      { flag: 'voice-id', field: 'voice_id', value: 'string', placeholder: '<id>', help: 'the voice for --text' },
    ],
  },
});
