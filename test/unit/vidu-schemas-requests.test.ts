import { NEW_ENDPOINT_EXAMPLES } from '../helpers/endpoint-examples';
import { describe, it, expect } from 'vitest';
import type { z } from 'zod';
import {
  AdComposeRequest,
  AdEditRequest,
  AdOneClickRequest,
  CREATE_ENDPOINTS,
  CreditsQuery,
  describeZodError,
  Image2DanceRequest,
  Img2VideoRequest,
  Reference2ImageRequest,
  Reference2VideoRequest,
  TaskListQuery,
} from '../../vidu/schemas';

const IMG = 'https://prod-ss-images.s3.cn-northwest-1.amazonaws.com.cn/vidu-maas/template/image2video.png';
const DATA_IMG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const VIDEO = 'https://example.com/dance.mp4';
const images = (n: number): string[] => Array.from({ length: n }, (_, i) => `${IMG}?i=${i}`);

// ---------------------------------------------------------------------------
// Seed examples, copied from /work/shared/vidu-api/seeds.

// img2video.zh.txt request example. The seed has two `//` comment lines
// (payload, client_request_id) that make it invalid JSON; they are left out
// here and tested separately, uncommented.
const SEED_IMG2VIDEO = {
  model: 'viduq2-pro',
  images: ['https://imageproxy.zhongzhuan.chat/api/proxy/image/6fb238cc01649cb7580fbb2dd58f3d6d.png'],
  prompt: '镜头缓慢推进,展现画面中的细节,背景逐渐虚化',
  duration: 2,
  resolution: '1080p',
  aspect_ratio: '16:9',
  seed: 12345,
  movement_amplitude: 'standard',
  bgm: false,
  audio: false,
  off_peak: false,
  watermark: false,
};

// reference2video.zh.txt request example (reseller path /vidu/v2/...; same body).
const SEED_REFERENCE2VIDEO = {
  model: 'viduq2-pro',
  images: ['https://prod-ss-images.s3.cn-northwest-1.amazonaws.com.cn/vidu-maas/template/image2video.png'],
  prompt: 'The astronaut waved and the camera moved up.',
  duration: 5,
  seed: 0,
  resolution: '720p',
  movement_amplitude: 'auto',
  off_peak: false,
};

// The other seeds document fields but give no request body; these are built
// from their field tables.
const REFERENCE2IMAGE = {
  model: 'viduq2',
  images: [IMG],
  prompt: 'the same astronaut on a red sofa',
  seed: 0,
  aspect_ratio: 'auto',
  resolution: '2K',
  payload: 'trace-1',
  callback_url: 'https://hooks.example.com/vidu',
};
const IMAGE2DANCE = { image_url: IMG, video_url: VIDEO, payload: '', callback_url: 'https://hooks.example.com/vidu' };
const AD_ONE_CLICK = {
  images: [IMG],
  prompt: '',
  duration: 15,
  aspect_ratio: '16:9',
  language: 'en',
  callback_url: 'https://hooks.example.com/vidu',
};
const AD_EDIT_STORYBOARD = {
  ad_one_click_task_id: '891100896237203456',
  type: 'generate_video',
  storyboard_video_index: 0,
  prompt: 'close-up of the bottle',
};
const AD_EDIT_NARRATION = {
  ad_one_click_task_id: '891100896237203456',
  type: 'generate_narration',
  prompt: 'Fresh every day.',
};
const AD_EDIT_BGM = {
  ad_one_click_task_id: '891100896237203456',
  type: 'generate_bgm',
  prompt: 'upbeat piano',
  payload: 'x',
};
const AD_COMPOSE = {
  ad_one_click_task_id: '891100896237203456',
  video_task_ids: ['891101095923822592', '891101095923822594', '891101095923822595'],
  bgm_task_id: '891101095923822597',
  narration_task_id: '891101095923822596',
};

function rejectionLines(schema: z.ZodType, input: unknown): string[] {
  const r = schema.safeParse(input);
  if (r.success) throw new Error(`expected rejection, parsed to ${JSON.stringify(r.data).slice(0, 300)}`);
  // Every message must carry the field's name in its text, not only in the path.
  for (const issue of r.error.issues) {
    const field = issue.path.filter((p) => typeof p !== 'number').at(-1);
    const names = issue.code === 'unrecognized_keys' ? issue.keys : field === undefined ? [] : [String(field)];
    for (const n of names) expect(issue.message, JSON.stringify(issue)).toContain(n);
  }
  return describeZodError(r.error);
}

describe('seed examples', () => {
  it('img2video: rejects the seed example only for movement_amplitude "standard" (docs/vidu-api.md §12 item 7)', () => {
    expect(rejectionLines(Img2VideoRequest, SEED_IMG2VIDEO)).toEqual([
      'movement_amplitude: movement_amplitude must be one of auto, small, medium, large (got "standard")',
    ]);
  });

  it('img2video: accepts the seed example with a documented movement_amplitude and its commented-out fields', () => {
    const out = Img2VideoRequest.parse({
      ...SEED_IMG2VIDEO,
      movement_amplitude: 'auto',
      payload: 'custom-tracking-id-123',
      client_request_id: 'unique-request-id-456',
    });
    // viduq2-pro is not in the seed's own enum but is a real model (docs/vidu-api.md §12 item 2).
    expect(out).toMatchObject({ model: 'viduq2-pro', duration: 2, seed: 12345, aspect_ratio: '16:9', bgm: false });
    expect(out.client_request_id).toBe('unique-request-id-456');
  });

  it('reference2video: accepts the seed example and fills documented defaults', () => {
    expect(Reference2VideoRequest.parse(SEED_REFERENCE2VIDEO)).toEqual({
      ...SEED_REFERENCE2VIDEO,
      aspect_ratio: '16:9',
      watermark: false,
    });
  });

  it.each([
    ['reference2image', Reference2ImageRequest, REFERENCE2IMAGE],
    ['image2dance', Image2DanceRequest, IMAGE2DANCE],
    ['ad-one-click', AdOneClickRequest, AD_ONE_CLICK],
    ['ad edit (storyboard)', AdEditRequest, AD_EDIT_STORYBOARD],
    ['ad edit (narration)', AdEditRequest, AD_EDIT_NARRATION],
    ['ad edit (bgm)', AdEditRequest, AD_EDIT_BGM],
    ['ad compose', AdComposeRequest, AD_COMPOSE],
  ] as const)('%s: accepts a body built from the seed field table', (_name, schema, body) => {
    expect((schema as z.ZodType).parse(body)).toMatchObject(body);
  });
});

describe('liberal input (docs/vidu-api.md §12)', () => {
  it('img2video reads string-typed booleans, seed, duration and wm_position as the CN schema sends them', () => {
    const out = Img2VideoRequest.parse({
      model: 'viduq2',
      images: [DATA_IMG],
      prompt: 'p',
      seed: '0',
      duration: '10',
      off_peak: 'true',
      watermark: 'true',
      wm_position: '1',
      audio: 'false',
      is_rec: 'false',
      wm_url: 'https://example.com/wm.png',
      meta_data: '{"Label":"x"}',
      voice_id: '',
    });
    expect(out).toMatchObject({
      seed: 0,
      duration: 10,
      off_peak: true,
      watermark: true,
      wm_position: 1,
      audio: false,
      is_rec: false,
    });
  });

  it('img2video fills only model-independent defaults', () => {
    const out = Img2VideoRequest.parse({ model: 'viduq1', images: [IMG] });
    expect(out).toEqual({
      model: 'viduq1',
      images: [IMG],
      movement_amplitude: 'auto',
      off_peak: false,
      watermark: false,
    });
  });

  it('reference2video accepts subject mode with name or id', () => {
    const out = Reference2VideoRequest.parse({
      model: 'viduq2-pro',
      subjects: [
        { name: '1', images: images(3), voice_id: 'v1' },
        { id: '2', images: images(2), videos: [VIDEO] },
      ],
      prompt: '@1 and @2 shake hands',
      auto_subjects: 'true',
      audio: true,
    });
    expect(out.subjects).toHaveLength(2);
    expect(out.auto_subjects).toBe(true);
  });

  it('reference2video accepts videos with up to 4 images', () => {
    expect(
      Reference2VideoRequest.safeParse({ model: 'viduq2-pro', images: images(4), videos: [VIDEO, VIDEO], prompt: 'p' })
        .success,
    ).toBe(true);
  });

  it('reference2image accepts zero images for viduq2 (text-to-image)', () => {
    expect(Reference2ImageRequest.parse({ model: 'viduq2', prompt: 'a cat' })).toEqual({
      model: 'viduq2',
      prompt: 'a cat',
      aspect_ratio: '16:9',
    });
  });

  it('ad-one-click fills duration 15, aspect 16:9 and language zh', () => {
    expect(AdOneClickRequest.parse({ images: images(7), duration: '60' })).toEqual({
      images: images(7),
      duration: 60,
      aspect_ratio: '16:9',
      language: 'zh',
    });
  });

  it('ad edit tolerates storyboard_video_index on other types', () => {
    expect(AdEditRequest.safeParse({ ...AD_EDIT_NARRATION, storyboard_video_index: 2 }).success).toBe(true);
  });

  it.each(Object.entries(CREATE_ENDPOINTS))('%s accepts client_request_id (vidu-flow idempotency key)', (name, ep) => {
    const base: Record<string, unknown> = {
      img2video: { model: 'viduq2', images: [IMG], prompt: 'p' },
      reference2video: SEED_REFERENCE2VIDEO,
      reference2image: REFERENCE2IMAGE,
      image2dance: IMAGE2DANCE,
      'ad-one-click': AD_ONE_CLICK,
      'one-click-mv': { images: [IMG], audio_url: 'https://example.com/song.mp3' },
      ...NEW_ENDPOINT_EXAMPLES,
    };
    const out = (ep.request as z.ZodType).parse({ ...(base[name] as object), client_request_id: 'vf-wf-123:attempt' });
    expect(out).toMatchObject({ client_request_id: 'vf-wf-123:attempt' });
  });
});

describe('CREATE_ENDPOINTS', () => {
  it('maps each create kind to its official path', () => {
    expect(Object.fromEntries(Object.entries(CREATE_ENDPOINTS).map(([k, v]) => [k, v.path]))).toEqual({
      img2video: '/ent/v2/img2video',
      reference2video: '/ent/v2/reference2video',
      reference2image: '/ent/v2/reference2image',
      image2dance: '/ent/v2/image2dance',
      text2video: '/ent/v2/text2video',
      startEnd2video: '/ent/v2/start-end2video',
      multiframe: '/ent/v2/multiframe',
      upscale: '/ent/v2/upscale-new',
      text2audio: '/ent/v2/text2audio',
      audioTts: '/ent/v2/audio-tts',
      template: '/ent/v2/template',
      extend: '/ent/v2/extend',
      lipSync: '/ent/v2/lip-sync',
      templateStory: '/ent/v2/template-story',
      timing2audio: '/ent/v2/timing2audio',
      audioClone: '/ent/v2/audio-clone',
      'ad-one-click': '/ent/v2/ad-one-click',
      'one-click-mv': '/ent/v2/one-click/mv',
    });
  });
});

// ---------------------------------------------------------------------------

const I2V = { model: 'viduq2', images: [IMG], prompt: 'p' };
const R2V = { model: 'viduq2', images: [IMG], prompt: 'p' };
const R2I = { model: 'viduq2', images: [IMG], prompt: 'p' };

type Row = readonly [string, z.ZodType, Record<string, unknown>, string];

describe.each<[string, readonly Row[]]>([
  [
    'img2video',
    [
      ['no images', Img2VideoRequest, { ...I2V, images: [] }, 'images: images must contain exactly 1 image (got 0)'],
      [
        'two images',
        Img2VideoRequest,
        { ...I2V, images: images(2) },
        'images: images must contain exactly 1 image (got 2)',
      ],
      ['images missing', Img2VideoRequest, { model: 'viduq2' }, 'images: images is required (exactly 1 image)'],
      [
        'non-URL image',
        Img2VideoRequest,
        { ...I2V, images: ['./a.png'] },
        'images[0]: images[0] must be an http(s) URL or a data URI',
      ],
      [
        'data URI without base64',
        Img2VideoRequest,
        { ...I2V, images: ['data:image/png,AAAA'] },
        'images[0]: images[0] must be an http(s) URL or a data URI',
      ],
      [
        'prompt 2001 chars',
        Img2VideoRequest,
        { ...I2V, prompt: 'x'.repeat(2001) },
        'prompt: prompt must be at most 2000 characters (got 2001)',
      ],
      [
        'payload 1,048,577 chars',
        Img2VideoRequest,
        { ...I2V, payload: 'x'.repeat(1_048_577) },
        'payload: payload must be at most 1048576 characters (got 1048577)',
      ],
      ['model missing', Img2VideoRequest, { images: [IMG] }, 'model: model is required'],
      [
        'unknown model',
        Img2VideoRequest,
        { ...I2V, model: 'vidu9' },
        'model: unknown model "vidu9" for img2video; expected one of viduq3-pro, viduq3-turbo, viduq2, viduq2-pro',
      ],
      [
        'reference-only model',
        Img2VideoRequest,
        { ...I2V, model: 'viduq3-mix' },
        'model: unknown model "viduq3-mix" for img2video',
      ],
      [
        'prototype key as model',
        Img2VideoRequest,
        { ...I2V, model: 'constructor' },
        'model: unknown model "constructor"',
      ],
      [
        'duration not offered (viduq1)',
        Img2VideoRequest,
        { ...I2V, model: 'viduq1', duration: 8 },
        'duration: viduq1 offers 5 s only (got 8)',
      ],
      [
        'duration not offered (viduq2)',
        Img2VideoRequest,
        { ...I2V, duration: 11 },
        'duration: viduq2 offers 1–10 s (got 11)',
      ],
      [
        'duration not offered (vidu1.5)',
        Img2VideoRequest,
        { ...I2V, model: 'vidu1.5', duration: 5 },
        'duration: vidu1.5 offers 4 or 8 s (got 5)',
      ],
      [
        'duration 17 on q3',
        Img2VideoRequest,
        { ...I2V, model: 'viduq3-pro', duration: 17 },
        'duration: viduq3-pro offers 1–16 s (got 17)',
      ],
      [
        'fractional duration',
        Img2VideoRequest,
        { ...I2V, duration: 2.5 },
        'duration: duration must be an integer or a string of digits (got 2.5)',
      ],
      [
        'resolution not offered',
        Img2VideoRequest,
        { ...I2V, duration: 5, resolution: '4K' },
        'resolution: viduq2 at 5 s offers 540p, 720p, 1080p (got 4K)',
      ],
      [
        'resolution at 8 s (vidu2.0)',
        Img2VideoRequest,
        { ...I2V, model: 'vidu2.0', duration: 8, resolution: '1080p' },
        'resolution: vidu2.0 at 8 s offers 720p only (got 1080p)',
      ],
      [
        'resolution at default duration',
        Img2VideoRequest,
        { ...I2V, model: 'viduq1', resolution: '720p' },
        'resolution: viduq1 at 5 s (the default duration) offers 1080p only (got 720p)',
      ],
      [
        '540p on q2-pro-fast',
        Img2VideoRequest,
        { ...I2V, model: 'viduq2-pro-fast', resolution: '540p' },
        'resolution: viduq2-pro-fast at 5 s (the default duration) offers 720p, 1080p (got 540p)',
      ],
      [
        'movement_amplitude high',
        Img2VideoRequest,
        { ...I2V, movement_amplitude: 'high' },
        'movement_amplitude: movement_amplitude must be one of auto, small, medium, large (got "high")',
      ],
      [
        'seed out of range',
        Img2VideoRequest,
        { ...I2V, seed: 2_147_483_648 },
        'seed: seed must be between 0 and 2147483647 (got 2147483648)',
      ],
      [
        'seed not digits',
        Img2VideoRequest,
        { ...I2V, seed: 'random' },
        'seed: seed must be an integer or a string of digits (got "random")',
      ],
      [
        'off_peak not boolean',
        Img2VideoRequest,
        { ...I2V, off_peak: 'yes' },
        'off_peak: off_peak must be true or false',
      ],
      [
        'wm_position 5',
        Img2VideoRequest,
        { ...I2V, wm_position: '5' },
        'wm_position: wm_position must be 1, 2, 3 or 4',
      ],
      [
        'callback_url not http',
        Img2VideoRequest,
        { ...I2V, callback_url: 'mailto:x@y.z' },
        'callback_url: callback_url must be an http(s) URL (got "mailto:x@y.z")',
      ],
      [
        'client_request_id too long',
        Img2VideoRequest,
        { ...I2V, client_request_id: 'k'.repeat(129) },
        'client_request_id: client_request_id must be at most 128 characters (got 129 characters)',
      ],
      [
        'unknown extra field',
        Img2VideoRequest,
        { ...I2V, style: 'anime' },
        'style: unknown field "style" is not accepted by img2video',
      ],
      [
        'not an object',
        Img2VideoRequest,
        ['x'] as unknown as Record<string, unknown>,
        '(request): img2video request must be a JSON object (got an array of 1)',
      ],
    ],
  ],
  [
    'reference2video',
    [
      [
        '8 images',
        Reference2VideoRequest,
        { ...R2V, images: images(8) },
        'images: images must contain 1–7 images (got 8)',
      ],
      ['0 images', Reference2VideoRequest, { ...R2V, images: [] }, 'images: images must contain 1–7 images (got 0)'],
      [
        'neither images nor subjects',
        Reference2VideoRequest,
        { model: 'viduq2', prompt: 'p' },
        'images: images is required (1–7 images), unless subjects is sent instead',
      ],
      [
        'both images and subjects',
        Reference2VideoRequest,
        { ...R2V, subjects: [{ name: 'a', images: [IMG] }] },
        'subjects: subjects cannot be sent together with images',
      ],
      [
        '8 subjects',
        Reference2VideoRequest,
        {
          model: 'viduq2',
          prompt: 'p',
          subjects: Array.from({ length: 8 }, (_, i) => ({ name: `${i}`, images: [IMG] })),
        },
        'subjects: subjects must contain 1–7 subjects (got 8)',
      ],
      [
        '0 subjects',
        Reference2VideoRequest,
        { model: 'viduq2', prompt: 'p', subjects: [] },
        'subjects: subjects must contain 1–7 subjects (got 0)',
      ],
      [
        '4 images in one subject',
        Reference2VideoRequest,
        { model: 'viduq2', prompt: 'p', subjects: [{ name: 'a', images: images(4) }] },
        'subjects[0].images: subjects[0].images must contain at most 3 images (got 4)',
      ],
      [
        '8 images over all subjects',
        Reference2VideoRequest,
        {
          model: 'viduq2',
          prompt: 'p',
          subjects: [
            { name: 'a', images: images(3) },
            { name: 'b', images: images(3) },
            { name: 'c', images: images(2) },
          ],
        },
        'subjects: subjects must carry 1–7 images in total (got 8)',
      ],
      [
        'no image in any subject',
        Reference2VideoRequest,
        { model: 'viduq2', prompt: 'p', subjects: [{ name: 'a' }] },
        'subjects: subjects must carry 1–7 images in total (got 0)',
      ],
      [
        'subject without name or id',
        Reference2VideoRequest,
        { model: 'viduq2', prompt: 'p', subjects: [{ images: [IMG] }] },
        'subjects[0]: subjects[0] needs a name (or id)',
      ],
      [
        'unknown subject field',
        Reference2VideoRequest,
        { model: 'viduq2', prompt: 'p', subjects: [{ name: 'a', images: [IMG], role: 'hero' }] },
        'subjects[0].role: unknown field "role" is not accepted by a reference2video subject',
      ],
      [
        'bad subject image',
        Reference2VideoRequest,
        { model: 'viduq2', prompt: 'p', subjects: [{ name: 'a', images: ['x'] }] },
        'subjects[0].images[0]: subjects[0].images[0] must be an http(s) URL or a data URI',
      ],
      [
        '3 videos',
        Reference2VideoRequest,
        { ...R2V, videos: [VIDEO, VIDEO, VIDEO] },
        'videos: videos must contain 1–2 videos (got 3)',
      ],
      [
        '5 images with videos',
        Reference2VideoRequest,
        { ...R2V, images: images(5), videos: [VIDEO] },
        'images: images must contain at most 4 images when videos are sent (got 5)',
      ],
      ['prompt missing', Reference2VideoRequest, { model: 'viduq2', images: [IMG] }, 'prompt: prompt is required'],
      [
        'prompt empty',
        Reference2VideoRequest,
        { ...R2V, prompt: '' },
        'prompt: prompt is required and must not be empty',
      ],
      [
        'prompt 2001 chars',
        Reference2VideoRequest,
        { ...R2V, prompt: 'x'.repeat(2001) },
        'prompt: prompt must be at most 2000 characters (got 2001)',
      ],
      [
        'unknown model',
        Reference2VideoRequest,
        { ...R2V, model: 'viduq3-turbo' },
        'model: unknown model "viduq3-turbo" for reference2video; expected one of viduq3-pro, viduq3, viduq3-mix',
      ],
      [
        'duration 4 on q1',
        Reference2VideoRequest,
        { ...R2V, model: 'viduq1', duration: 4 },
        'duration: viduq1 offers 5 s only (got 4)',
      ],
      [
        'duration 8 on vidu2.0',
        Reference2VideoRequest,
        { ...R2V, model: 'vidu2.0', duration: 8 },
        'duration: vidu2.0 offers 4 s only (got 8)',
      ],
      [
        '1080p on vidu2.0',
        Reference2VideoRequest,
        { ...R2V, model: 'vidu2.0', resolution: '1080p' },
        'resolution: vidu2.0 at 4 s (the default duration) offers 360p, 720p (got 1080p)',
      ],
      [
        'aspect 4:3 on viduq1',
        Reference2VideoRequest,
        { ...R2V, model: 'viduq1', aspect_ratio: '4:3' },
        'aspect_ratio: viduq1 offers 16:9, 9:16, 1:1 (got 4:3)',
      ],
      [
        'aspect 21:9 on viduq2',
        Reference2VideoRequest,
        { ...R2V, aspect_ratio: '21:9' },
        'aspect_ratio: viduq2 offers 16:9, 9:16, 1:1, 4:3, 3:4 (got 21:9)',
      ],
      [
        'movement_amplitude standard',
        Reference2VideoRequest,
        { ...R2V, movement_amplitude: 'standard' },
        'movement_amplitude: movement_amplitude must be one of auto, small, medium, large (got "standard")',
      ],
      [
        'payload too long',
        Reference2VideoRequest,
        { ...R2V, payload: 'x'.repeat(1_048_577) },
        'payload: payload must be at most 1048576 characters',
      ],
      [
        'unknown extra field',
        Reference2VideoRequest,
        { ...R2V, template: 'hug' },
        'template: unknown field "template" is not accepted by reference2video',
      ],
    ],
  ],
  [
    'reference2image',
    [
      [
        '8 images',
        Reference2ImageRequest,
        { ...R2I, images: images(8) },
        'images: images must contain at most 7 images (got 8)',
      ],
      [
        '0 images on viduq1',
        Reference2ImageRequest,
        { ...R2I, model: 'viduq1', images: [] },
        'images: viduq1 needs 1–7 images (got 0)',
      ],
      [
        'no images on viduq1',
        Reference2ImageRequest,
        { model: 'viduq1', prompt: 'p' },
        'images: viduq1 needs 1–7 images (got 0)',
      ],
      [
        'bad image',
        Reference2ImageRequest,
        { ...R2I, images: [IMG, 'blob:abc'] },
        'images[1]: images[1] must be an http(s) URL or a data URI',
      ],
      [
        'prompt 2001 chars',
        Reference2ImageRequest,
        { ...R2I, prompt: 'x'.repeat(2001) },
        'prompt: prompt must be at most 2000 characters (got 2001)',
      ],
      ['prompt missing', Reference2ImageRequest, { model: 'viduq2' }, 'prompt: prompt is required'],
      [
        'video model',
        Reference2ImageRequest,
        { ...R2I, model: 'viduq3-pro' },
        'model: unknown model "viduq3-pro" for reference2image; expected one of viduq2, viduq1',
      ],
      [
        '21:9 on viduq1',
        Reference2ImageRequest,
        { ...R2I, model: 'viduq1', aspect_ratio: '21:9' },
        'aspect_ratio: viduq1 offers 16:9, 9:16, 1:1, 3:4, 4:3 (got 21:9)',
      ],
      [
        'auto on viduq1',
        Reference2ImageRequest,
        { ...R2I, model: 'viduq1', aspect_ratio: 'auto' },
        'aspect_ratio: viduq1 offers 16:9, 9:16, 1:1, 3:4, 4:3 (got auto)',
      ],
      [
        '5:4 on viduq2',
        Reference2ImageRequest,
        { ...R2I, aspect_ratio: '5:4' },
        'aspect_ratio: viduq2 offers 16:9, 9:16, 1:1, 3:4, 4:3, 21:9, 2:3, 3:2, auto (got 5:4)',
      ],
      [
        '2K on viduq1',
        Reference2ImageRequest,
        { ...R2I, model: 'viduq1', resolution: '2K' },
        'resolution: viduq1 offers 1080p only (got 2K)',
      ],
      [
        'lower-case 4k',
        Reference2ImageRequest,
        { ...R2I, resolution: '4k' },
        'resolution: viduq2 offers 1080p, 2K, 4K (got 4k)',
      ],
      [
        'video field',
        Reference2ImageRequest,
        { ...R2I, duration: 5 },
        'duration: unknown field "duration" is not accepted by reference2image',
      ],
    ],
  ],
  [
    'image2dance',
    [
      ['image_url missing', Image2DanceRequest, { video_url: VIDEO }, 'image_url: image_url is required'],
      [
        'video_url not a URL',
        Image2DanceRequest,
        { ...IMAGE2DANCE, video_url: 'dance.mp4' },
        'video_url: video_url must be an http(s) URL or a data URI',
      ],
      [
        'model sent',
        Image2DanceRequest,
        { ...IMAGE2DANCE, model: 'viduq1' },
        'model: unknown field "model" is not accepted by image2dance',
      ],
      [
        'payload too long',
        Image2DanceRequest,
        { ...IMAGE2DANCE, payload: 'x'.repeat(1_048_577) },
        'payload: payload must be at most 1048576 characters (got 1048577)',
      ],
    ],
  ],
  [
    'ad-one-click',
    [
      [
        '0 images',
        AdOneClickRequest,
        { ...AD_ONE_CLICK, images: [] },
        'images: images must contain 1–7 images (got 0)',
      ],
      [
        '8 images',
        AdOneClickRequest,
        { ...AD_ONE_CLICK, images: images(8) },
        'images: images must contain 1–7 images (got 8)',
      ],
      [
        'duration 9',
        AdOneClickRequest,
        { ...AD_ONE_CLICK, duration: 9 },
        'duration: duration must be between 10 and 60 seconds (got 9)',
      ],
      [
        'duration 61',
        AdOneClickRequest,
        { ...AD_ONE_CLICK, duration: 61 },
        'duration: duration must be between 10 and 60 seconds (got 61)',
      ],
      [
        'aspect 4:3',
        AdOneClickRequest,
        { ...AD_ONE_CLICK, aspect_ratio: '4:3' },
        'aspect_ratio: aspect_ratio must be one of 16:9, 9:16, 1:1 (got "4:3")',
      ],
      [
        'language fr',
        AdOneClickRequest,
        { ...AD_ONE_CLICK, language: 'fr' },
        'language: language must be one of zh, en (got "fr")',
      ],
      [
        'prompt 2001 chars',
        AdOneClickRequest,
        { ...AD_ONE_CLICK, prompt: 'x'.repeat(2001) },
        'prompt: prompt must be at most 2000 characters (got 2001)',
      ],
      [
        'payload (undocumented here)',
        AdOneClickRequest,
        { ...AD_ONE_CLICK, payload: 'x' },
        'payload: unknown field "payload" is not accepted by ad-one-click',
      ],
    ],
  ],
  [
    'ad-one-click edit and compose',
    [
      [
        'generate_video without index',
        AdEditRequest,
        { ...AD_EDIT_STORYBOARD, storyboard_video_index: undefined },
        'storyboard_video_index: storyboard_video_index is required when type is generate_video',
      ],
      [
        'negative index',
        AdEditRequest,
        { ...AD_EDIT_STORYBOARD, storyboard_video_index: -1 },
        'storyboard_video_index: storyboard_video_index must be at least 0 (got -1)',
      ],
      [
        'bad edit type',
        AdEditRequest,
        { ...AD_EDIT_STORYBOARD, type: 'generate_music' },
        'type: type must be one of generate_video, generate_narration, generate_bgm (got "generate_music")',
      ],
      ['edit prompt missing', AdEditRequest, { ...AD_EDIT_NARRATION, prompt: undefined }, 'prompt: prompt is required'],
      [
        'edit task id missing',
        AdEditRequest,
        { ...AD_EDIT_NARRATION, ad_one_click_task_id: '' },
        'ad_one_click_task_id: ad_one_click_task_id must be at least 1 character (got 0 characters)',
      ],
      [
        'compose without video ids',
        AdComposeRequest,
        { ...AD_COMPOSE, video_task_ids: [] },
        'video_task_ids: video_task_ids must contain at least 1 task id (got 0)',
      ],
      [
        'compose video ids not strings',
        AdComposeRequest,
        { ...AD_COMPOSE, video_task_ids: [891101095923822592] },
        'video_task_ids[0]: video_task_ids[0] must be a string',
      ],
      [
        'compose without narration',
        AdComposeRequest,
        { ...AD_COMPOSE, narration_task_id: undefined },
        'narration_task_id: narration_task_id is required',
      ],
      [
        'compose without bgm',
        AdComposeRequest,
        { ...AD_COMPOSE, bgm_task_id: undefined },
        'bgm_task_id: bgm_task_id is required',
      ],
    ],
  ],
])('%s rejections', (_group, rows) => {
  it.each(rows)('%s', (_name, schema, input, expected) => {
    const lines = rejectionLines(schema, input);
    expect(
      lines.some((l) => l.startsWith(expected)),
      lines.join('\n'),
    ).toBe(true);
  });
});

describe('TaskListQuery', () => {
  it('fills page 0 / size 10 and wraps single values in arrays', () => {
    expect(TaskListQuery.parse({ states: 'success', task_ids: ['1', '2'] })).toEqual({
      states: ['success'],
      task_ids: ['1', '2'],
      'paper.page': 0,
      'paper.pagesz': 10,
    });
  });

  it('reads pager.page/pager.pagesz as the paper.* fields (docs/vidu-api.md §12 item 13)', () => {
    expect(TaskListQuery.parse({ 'pager.page': '2', 'pager.pagesz': '100', 'pager.page_token': 'tok' })).toEqual({
      'pager.page_token': 'tok',
      'paper.page': 2,
      'paper.pagesz': 100,
    });
  });

  it.each([
    [{ 'paper.pagesz': 101 }, 'paper.pagesz: paper.pagesz must be at most 100 (got 101)'],
    [{ 'paper.pagesz': '0' }, 'paper.pagesz: paper.pagesz must be at least 1 (got 0)'],
    [
      { states: ['done'] },
      'states[0]: states[0] must be one of created, queueing, scheduled, processing, success, failed (got "done")',
    ],
    [{ page_size: 10 }, 'page_size: unknown field "page_size" is not accepted by tasks list'],
  ])('rejects %j', (input, expected) => {
    expect(rejectionLines(TaskListQuery, input)).toContain(expected);
  });
});

describe('CreditsQuery', () => {
  it.each([
    [{}, false],
    [{ show_detail: 'true' }, true],
    [{ show_detail: false }, false],
  ])('%j → show_detail %s', (input, out) => {
    expect(CreditsQuery.parse(input)).toEqual({ show_detail: out });
  });

  it('rejects a non-boolean', () => {
    expect(rejectionLines(CreditsQuery, { show_detail: '1' })[0]).toMatch(
      /^show_detail: show_detail must be true or false/,
    );
  });
});
