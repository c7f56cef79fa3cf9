// The endpoints added from docs/vidu-api-more-endpoints.md, through the registry: each request schema with
// its per-model matrix, a bad-input table per endpoint (the message names the field and the
// rule), the contract's extra rules (options.upscale, vidu-flow: result references), the
// start/end frame rule, and the CLI flags the registry declares.
import { describe, expect, it } from 'vitest';
import { buildStartPlan, prepareStart, requestFlagsFor } from '../../cli/args';
import { checkGenerationInput } from '../../contract/generation-input';
import { parseResultRef } from '../../contract/result-ref';
import { ENDPOINTS, GENERATION_KINDS, type GenerationKind } from '../../vidu/endpoints';
import { applyModelDefaults, modelsFor } from '../../vidu/models';
import { renderWav } from '../../sim/media/wav';
import { checkMedia } from '../../vidu/media/limits';
import { probeMedia } from '../../vidu/media/probe';
import { NEW_ENDPOINT_EXAMPLES } from '../helpers/endpoint-examples';
import { makePng } from '../helpers/media-fixtures';

type NewKind = keyof typeof NEW_ENDPOINT_EXAMPLES;
const NEW_KINDS = Object.keys(NEW_ENDPOINT_EXAMPLES) as NewKind[];
const IMG = 'https://cdn.example.com/a.png';
const VIDEO = 'https://cdn.example.com/clip.mp4';

function issues(kind: GenerationKind, request: Record<string, unknown>): string[] {
  // The messages themselves (describeZodError prefixes each with its field path, where missing).
  const r = ENDPOINTS[kind].request.safeParse(request);
  return r.success ? [] : r.error.issues.map((i) => i.message);
}

const withOut = (kind: NewKind, ...fields: string[]): Record<string, unknown> =>
  Object.fromEntries(Object.entries(NEW_ENDPOINT_EXAMPLES[kind]).filter(([k]) => !fields.includes(k)));
const withField = (kind: NewKind, patch: Record<string, unknown>): Record<string, unknown> => ({
  ...NEW_ENDPOINT_EXAMPLES[kind],
  ...patch,
});

describe('the endpoint registry', () => {
  it('declares every kind once, camelCase of its path, with media fields its request has', () => {
    for (const kind of GENERATION_KINDS) {
      const spec = ENDPOINTS[kind];
      expect(spec.kind).toBe(kind);
      expect(spec.path).toMatch(/^\/ent\/v2\/[a-z0-9-]+$/);
      for (const field of Object.keys(spec.media))
        expect(Object.keys(spec.request.shape), `${kind} ${field}`).toContain(field.split('.')[0]);
    }
    // Named after the endpoint in camelCase, except upscale (upscale-new: "new" is Vidu's version label) and audioTts.
    expect(ENDPOINTS.startEnd2video.path).toBe('/ent/v2/start-end2video');
    expect(ENDPOINTS.upscale.path).toBe('/ent/v2/upscale-new');
    expect(ENDPOINTS.audioTts.path).toBe('/ent/v2/audio-tts');
    expect(ENDPOINTS.lipSync.path).toBe('/ent/v2/lip-sync');
  });

  it.each(NEW_KINDS)('%s: the example request is valid, for the schema and the workflow contract', (kind) => {
    expect(issues(kind, NEW_ENDPOINT_EXAMPLES[kind])).toEqual([]);
    expect(checkGenerationInput(kind, { request: NEW_ENDPOINT_EXAMPLES[kind] })).toEqual([]);
  });
});

// [kind, request, the issue expected (exactly, one line per problem)]
const BAD_INPUTS: Array<[NewKind, Record<string, unknown>, string[]]> = [
  // text2video
  ['text2video', withOut('text2video', 'prompt'), ['prompt is required']],
  ['text2video', withField('text2video', { prompt: '' }), ['prompt is required and must not be empty']],
  [
    'text2video',
    withField('text2video', { prompt: 'x'.repeat(5001) }),
    ['prompt must be at most 5000 characters (got 5001)'],
  ],
  ['text2video', withField('text2video', { images: [IMG] }), ['unknown field "images" is not accepted by text2video']],
  [
    'text2video',
    withField('text2video', { model: 'viduq1', duration: 8 }),
    ['duration: viduq1 offers 5 s only (got 8)'],
  ],
  [
    'text2video',
    withField('text2video', { model: 'viduq1', aspect_ratio: '4:3' }),
    ['aspect_ratio: viduq1 offers 16:9, 9:16, 1:1 (got 4:3)'],
  ],
  [
    'text2video',
    withField('text2video', { model: 'viduq3-pro', duration: 17 }),
    ['duration: viduq3-pro offers 1–16 s (got 17)'],
  ],
  ['text2video', withField('text2video', { style: 'noir' }), ['style must be one of general, anime (got "noir")']],
  // startEnd2video
  ['startEnd2video', withField('startEnd2video', { images: [IMG] }), ['images must contain exactly 2 images (got 1)']],
  [
    'startEnd2video',
    withField('startEnd2video', { images: [IMG, IMG, IMG] }),
    ['images must contain exactly 2 images (got 3)'],
  ],
  ['startEnd2video', withField('startEnd2video', { duration: 9 }), ['duration: viduq2-turbo offers 1–8 s (got 9)']],
  [
    'startEnd2video',
    withField('startEnd2video', { model: 'viduq2-pro-fast', resolution: '540p' }),
    ['resolution: viduq2-pro-fast at 4 s offers 720p, 1080p (got 540p)'],
  ],
  [
    'startEnd2video',
    withField('startEnd2video', { aspect_ratio: '16:9' }),
    ['unknown field "aspect_ratio" is not accepted by start-end2video'],
  ],
  // multiframe
  [
    'multiframe',
    withField('multiframe', { image_settings: [{ key_image: IMG }] }),
    ['image_settings must contain 2–9 key frames (got 1)'],
  ],
  [
    'multiframe',
    withField('multiframe', { image_settings: Array.from({ length: 10 }, () => ({ key_image: IMG })) }),
    ['image_settings must contain 2–9 key frames (got 10)'],
  ],
  [
    'multiframe',
    withField('multiframe', { image_settings: [{ key_image: IMG, duration: 8 }, { key_image: IMG }] }),
    ['image_settings[0].duration must be between 2 and 7 s (got 8)'],
  ],
  ['multiframe', withOut('multiframe', 'start_image'), ['start_image is required']],
  [
    'multiframe',
    withField('multiframe', { model: 'viduq1' }),
    ['model: unknown model "viduq1" for multiframe; expected one of viduq2-pro, viduq2-turbo'],
  ],
  [
    'multiframe',
    withField('multiframe', { resolution: '4K' }),
    ['resolution must be one of 540p, 720p, 1080p (got "4K")'],
  ],
  // upscale
  [
    'upscale',
    withOut('upscale', 'video_url'),
    ['video_url is required unless video_creation_id is sent (one of the two)'],
  ],
  [
    'upscale',
    withField('upscale', { upscale_resolution: '720p' }),
    ['upscale_resolution must be one of 1080p, 2K, 4K, 8K (got "720p")'],
  ],
  ['upscale', withField('upscale', { model: 'vidu1.0' }), ['unknown field "model" is not accepted by upscale-new']],
  // text2audio
  ['text2audio', withField('text2audio', { duration: 11 }), ['duration must be between 2 and 10 s (got 11)']],
  ['text2audio', withField('text2audio', { duration: 1.5 }), ['duration must be between 2 and 10 s (got 1.5)']],
  [
    'text2audio',
    withField('text2audio', { prompt: 'x'.repeat(1501) }),
    ['prompt must be at most 1500 characters (got 1501)'],
  ],
  [
    'text2audio',
    withField('text2audio', { model: 'audio2.0' }),
    ['model: unknown model "audio2.0" for text2audio; expected one of audio1.0'],
  ],
  // audioTts
  ['audioTts', withOut('audioTts', 'voice_setting_voice_id'), ['voice_setting_voice_id is required']],
  [
    'audioTts',
    withField('audioTts', { text: 'x'.repeat(10_000) }),
    ['text must be at most 9999 characters (got 10000)'],
  ],
  [
    'audioTts',
    withField('audioTts', { voice_setting_speed: 3 }),
    ['voice_setting_speed must be between 0.5 and 2 (got 3)'],
  ],
  ['audioTts', withField('audioTts', { voice_setting_pitch: 13 }), ['voice_setting_pitch must be at most 12 (got 13)']],
  [
    'audioTts',
    withField('audioTts', { voice_setting_emotion: 'bored' }),
    ['voice_setting_emotion must be one of happy, sad, angry, fearful, disgusted, surprised, calm (got "bored")'],
  ],
  [
    'audioTts',
    withField('audioTts', { callback_url: 'https://example.com/cb' }),
    ['unknown field "callback_url" is not accepted by audio-tts'],
  ],
  // template
  ['template', withOut('template', 'template'), ['template is required']],
  ['template', withField('template', { images: [] }), ['images must contain 1–7 images (got 0)']],
  [
    'template',
    withField('template', { area: 'japan' }),
    ['area applies to template exotic_princess only (got template "hugging")'],
  ],
  [
    'template',
    withField('template', { template: 'beast_companion', beast: 'dragon' }),
    ['beast must be one of auto, bear, tiger, elk, snake, lion, wolf (got "dragon")'],
  ],
  // extend
  [
    'extend',
    withOut('extend', 'video_url'),
    ['video_url is required unless video_creation_id is sent (one of the two)'],
  ],
  ['extend', withField('extend', { duration: 8 }), ['duration must be between 1 and 7 s (got 8)']],
  ['extend', withField('extend', { images: [IMG, IMG] }), ['images must contain exactly 1 image (got 2)']],
  [
    'extend',
    withField('extend', { model: 'viduq2' }),
    ['model: unknown model "viduq2" for extend; expected one of viduq2-pro, viduq2-turbo'],
  ],
  // lipSync
  [
    'lipSync',
    withOut('lipSync', 'audio_url'),
    ['audio_url is required unless text is sent (one of the two: the voice track, or text to speak)'],
  ],
  ['lipSync', withOut('lipSync', 'video_url'), ['video_url is required']],
  ['lipSync', withField('lipSync', { speed: 0.2 }), ['speed must be between 0.5 and 2 (got 0.2)']],
  ['lipSync', withField('lipSync', { text: 'x'.repeat(2001) }), ['text must be at most 2000 characters (got 2001)']],
  ['lipSync', withField('lipSync', { volume: 11 }), ['volume must be between 0 and 10 (got 11)']],
];

describe('bad input per new endpoint', () => {
  it.each(
    BAD_INPUTS.map(
      ([kind, request, expected], i) => [`${kind} #${i}: ${expected[0]}`, kind, request, expected] as const,
    ),
  )('%s', (_name, kind, request, expected) => {
    expect(issues(kind, request)).toEqual(expected);
    // The workflow contract refuses it too, before anything is started.
    expect(checkGenerationInput(kind, { request })).not.toEqual([]);
  });
});

describe('model defaults', () => {
  it('fills duration and resolution from the text2video and start-end2video matrices', () => {
    expect(applyModelDefaults('text2video', { model: 'viduq1', prompt: 'p' })).toMatchObject({
      duration: 5,
      resolution: '1080p',
    });
    expect(applyModelDefaults('startEnd2video', { model: 'vidu2.0', images: [IMG, IMG], duration: 8 })).toMatchObject({
      duration: 8,
      resolution: '720p',
    });
    // Name-only tables (multiframe, extend, text2audio) add nothing.
    expect(applyModelDefaults('multiframe', NEW_ENDPOINT_EXAMPLES.multiframe)).toEqual(
      NEW_ENDPOINT_EXAMPLES.multiframe,
    );
    expect(modelsFor('text2audio')).toEqual(['audio1.0']);
    expect(modelsFor('upscale')).toEqual([]);
  });
});

describe('start-end2video frame rule', () => {
  const rule = ENDPOINTS.startEnd2video.mediaRule;
  it('accepts frames whose aspect ratios are within 0.8–1.25 of each other, refuses others', () => {
    const sizes = (a: [number, number], b: [number, number]) =>
      new Map([
        ['images[0]', { width: a[0], height: a[1] }],
        ['images[1]', { width: b[0], height: b[1] }],
      ]);
    expect(rule(sizes([1280, 720], [1280, 720]))).toEqual([]);
    expect(rule(sizes([1000, 1000], [1250, 1000]))).toEqual([]);
    expect(rule(sizes([1280, 720], [720, 1280]))).toEqual([
      'images: the start frame (1280×720) and the end frame (720×1280) must have close aspect ratios (their quotient 3.16 is outside 0.8–1.25)',
    ]);
  });
});

describe('options.upscale and vidu-flow: result references', () => {
  it('lets a video generation ask for an upscale of its result, and refuses it elsewhere', () => {
    expect(
      checkGenerationInput('text2video', {
        request: NEW_ENDPOINT_EXAMPLES.text2video,
        options: { upscale: { resolution: '4K' } },
      }),
    ).toEqual([]);
    expect(
      checkGenerationInput('text2video', {
        request: NEW_ENDPOINT_EXAMPLES.text2video,
        options: { upscale: { resolution: '720p' } },
      }),
    ).toEqual(['options.upscale.resolution: Invalid option: expected one of "1080p"|"2K"|"4K"|"8K"']);
    expect(
      checkGenerationInput('text2audio', { request: NEW_ENDPOINT_EXAMPLES.text2audio, options: { upscale: {} } }),
    ).toEqual([
      'options.upscale: text2audio results cannot be upscaled (only video results of a generation; upscale is for those)',
    ]);
    expect(
      checkGenerationInput('upscale', { request: NEW_ENDPOINT_EXAMPLES.upscale, options: { upscale: {} } }),
    ).toHaveLength(1);
  });

  it('accepts vidu-flow:<workflowId>/<creationId> as the video of extend and upscale only', () => {
    const ref = 'vidu-flow:text2video-key-order-7/912345678901234567';
    expect(parseResultRef('video_url', ref)).toEqual({
      workflowId: 'text2video-key-order-7',
      creationId: '912345678901234567',
    });
    expect(checkGenerationInput('extend', { request: { model: 'viduq2-pro', video_url: ref } })).toEqual([]);
    expect(checkGenerationInput('upscale', { request: { video_url: ref } })).toEqual([]);
    expect(checkGenerationInput('upscale', { request: { video_url: ref, video_creation_id: '1' } })).toEqual([
      'video_url: send either a vidu-flow: reference or video_creation_id, not both',
    ]);
    expect(checkGenerationInput('upscale', { request: { video_url: 'vidu-flow:../etc/1' } })[0]).toMatch(
      /^video_url: "vidu-flow:\.\.\/etc\/1" must look like vidu-flow:<workflowId>\/<creationId>/,
    );
    expect(checkGenerationInput('startEnd2video', { request: { model: 'viduq1', images: [ref, IMG] } })).toEqual([
      'images[0]: vidu-flow: result references are accepted only as video_url of extend and upscale',
    ]);
  });
});

describe('CLI flags from the registry', () => {
  const ctx = { cwd: '/home/me', readFile: () => '' };
  it('offers each endpoint its own flags and builds the request from them', () => {
    expect(requestFlagsFor('audioTts').map((f) => f.flag)).toEqual(['payload', 'text', 'voice-id', 'speed']);
    expect(requestFlagsFor('upscale').map((f) => f.flag)).toEqual([
      'video-url',
      'payload',
      'video-creation-id',
      'upscale-resolution',
    ]);
    const tts = prepareStart('audioTts', { text: 'hi there', voiceId: 'female-1', speed: '1.5' }, ctx);
    expect(tts.input.request).toEqual({
      text: 'hi there',
      voice_setting_voice_id: 'female-1',
      voice_setting_speed: 1.5,
    });
    const mf = buildStartPlan(
      'multiframe',
      { model: 'viduq2-pro', startImage: 'a.png', keyImage: ['b.png', VIDEO] },
      ctx,
    );
    expect(mf.input.request).toEqual({
      model: 'viduq2-pro',
      start_image: '/home/me/a.png',
      image_settings: [{ key_image: '/home/me/b.png' }, { key_image: VIDEO }],
    });
    expect(mf.localFiles).toEqual(['/home/me/a.png', '/home/me/b.png']);
    // One flag name, a different field per endpoint.
    expect(buildStartPlan('lipSync', { videoUrl: VIDEO, text: 'hi there', voiceId: 'm-2' }, ctx).input.request).toEqual(
      { video_url: VIDEO, text: 'hi there', voice_id: 'm-2' },
    );
    const t = prepareStart('template', { template: 'hugging', image: [IMG] }, ctx);
    expect(t.input.request).toEqual({ template: 'hugging', images: [IMG] });
  });

  it('names a flag the kind does not take', () => {
    expect(() => buildStartPlan('text2audio', { image: [IMG] }, ctx)).toThrow(
      '--image does not apply to text2audio (its request has no images field)',
    );
  });
});

describe('audio inputs (lip-sync audio_url)', () => {
  const limit = ENDPOINTS.lipSync.media.audio_url;
  it('recognises WAV (with its length), MP3, Ogg and M4A by their bytes, and holds them to the limit', () => {
    const wav = probeMedia(renderWav('voice', 2));
    expect(wav).toMatchObject({ kind: 'audio', format: 'wav', mime: 'audio/wav', durationSeconds: 2 });
    expect(checkMedia(wav, 16_044, limit, 'audio_url')).toEqual([]);
    expect(checkMedia(probeMedia(renderWav('short', 0.5)), 4_044, limit, 'audio_url')).toEqual([
      'audio_url: audio lasts 0.5 s; lip-sync accepts 1–600 s',
    ]);
    expect(probeMedia(Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1'))).toMatchObject({
      kind: 'audio',
      format: 'mp3',
    });
    expect(probeMedia(Buffer.from([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0]))).toMatchObject({
      kind: 'audio',
      format: 'mp3',
    });
    expect(probeMedia(Buffer.from('OggS\x00\x02', 'latin1'))).toMatchObject({ kind: 'audio', format: 'ogg' });
    // An image where audio is expected is named as such.
    const png = probeMedia(makePng(64, 64));
    expect(checkMedia(png, 100, limit, 'audio_url')).toEqual([
      'audio_url: expected an audio file (wav, mp3, m4a, ogg), got a png image',
    ]);
  });
});
