import { describe, expect, it } from 'vitest';
import { AD_ONE_CLICK_MEDIA, ENDPOINTS } from '../../vidu/endpoints';
import { BYTES_PER_MEGABYTE, checkMedia, type MediaLimit } from '../../vidu/media/limits';
import { probeMedia, type MediaProbe } from '../../vidu/media/probe';
import { makeJpeg, makeMp4, makePng } from '../helpers/media-fixtures';

const MB = BYTES_PER_MEGABYTE;
const KB = 1024;

const image = (format: 'png' | 'jpeg' | 'webp' | 'bmp' | 'gif', width: number, height: number): MediaProbe => ({
  kind: 'image',
  format,
  mime: `image/${format}`,
  width,
  height,
});
const video = (
  format: 'mp4' | 'mov' | 'avi' | 'webm',
  width: number,
  height: number,
  durationSeconds?: number,
): MediaProbe =>
  durationSeconds === undefined
    ? { kind: 'video', format, mime: 'video/x', width, height }
    : { kind: 'video', format, mime: 'video/x', width, height, durationSeconds };

const L = {
  img2video: ENDPOINTS.img2video.media,
  reference2video: ENDPOINTS.reference2video.media,
  reference2image: ENDPOINTS.reference2image.media,
  image2dance: ENDPOINTS.image2dance.media,
  'ad-one-click': { images: AD_ONE_CLICK_MEDIA.images! },
} as const;

interface Case {
  name: string;
  limit: MediaLimit;
  field: string;
  probe: MediaProbe;
  bytes: number;
  expected: string[];
}

const violations: Case[] = [
  // img2video
  {
    name: 'img2video format',
    limit: L.img2video.images,
    field: 'images[0]',
    probe: image('gif', 800, 600),
    bytes: KB,
    expected: ['images[0]: format gif is not accepted (png, jpeg, webp)'],
  },
  {
    name: 'img2video ratio',
    limit: L.img2video.images,
    field: 'images[0]',
    probe: image('png', 100, 500),
    bytes: KB,
    expected: ['images[0]: aspect ratio 1:5.00 is outside 1:4–4:1'],
  },
  {
    name: 'img2video size',
    limit: L.img2video.images,
    field: 'images[0]',
    probe: image('jpeg', 800, 600),
    bytes: 52.4 * MB,
    expected: ['images[0]: 52.4 MB exceeds the 50 MB limit'],
  },
  // reference2video images
  {
    name: 'reference2video image format',
    limit: L.reference2video.images,
    field: 'images[2]',
    probe: image('bmp', 800, 600),
    bytes: KB,
    expected: ['images[2]: format bmp is not accepted (png, jpeg, webp)'],
  },
  {
    name: 'reference2video image min px',
    limit: L.reference2video.images,
    field: 'images[1]',
    probe: image('png', 127, 300),
    bytes: KB,
    expected: ['images[1]: image is 127×300 px; reference2video needs at least 128×128 px'],
  },
  {
    name: 'reference2video image ratio',
    limit: L.reference2video.images,
    field: 'images[0]',
    probe: image('webp', 2000, 400),
    bytes: KB,
    expected: ['images[0]: aspect ratio 5.00:1 is outside 1:4–4:1'],
  },
  {
    name: 'reference2video image size',
    limit: L.reference2video.images,
    field: 'images[0]',
    probe: image('png', 800, 600),
    bytes: 51 * MB,
    expected: ['images[0]: 51.0 MB exceeds the 50 MB limit'],
  },
  // reference2video videos
  {
    name: 'reference2video video format',
    limit: L.reference2video.videos,
    field: 'videos[0]',
    probe: video('webm', 640, 480, 5),
    bytes: KB,
    expected: ['videos[0]: format webm is not accepted (mp4, avi, mov)'],
  },
  {
    name: 'reference2video video min px',
    limit: L.reference2video.videos,
    field: 'videos[0]',
    probe: video('mp4', 120, 240, 5),
    bytes: KB,
    expected: ['videos[0]: video is 120×240 px; reference2video needs at least 128×128 px'],
  },
  {
    name: 'reference2video video ratio',
    limit: L.reference2video.videos,
    field: 'videos[1]',
    probe: video('mov', 200, 1000, 5),
    bytes: KB,
    expected: ['videos[1]: aspect ratio 1:5.00 is outside 1:4–4:1'],
  },
  {
    name: 'reference2video video size',
    limit: L.reference2video.videos,
    field: 'videos[0]',
    probe: video('avi', 640, 480, 5),
    bytes: 100 * MB + 1,
    expected: ['videos[0]: 104857601 bytes exceeds the 100 MB (104857600 bytes) limit'],
  },
  {
    name: 'reference2video video length',
    limit: L.reference2video.videos,
    field: 'videos[0]',
    probe: video('mp4', 640, 480, 9),
    bytes: KB,
    expected: ['videos[0]: video lasts 9.0 s; reference2video accepts at most 8 s'],
  },
  // reference2image
  {
    name: 'reference2image format',
    limit: L.reference2image.images,
    field: 'images[0]',
    probe: image('gif', 800, 600),
    bytes: KB,
    expected: ['images[0]: format gif is not accepted (png, jpeg, webp)'],
  },
  {
    name: 'reference2image min px',
    limit: L.reference2image.images,
    field: 'images[3]',
    probe: image('jpeg', 300, 100),
    bytes: KB,
    expected: ['images[3]: image is 300×100 px; reference2image needs at least 128×128 px'],
  },
  {
    name: 'reference2image ratio',
    limit: L.reference2image.images,
    field: 'images[0]',
    probe: image('png', 129, 600),
    bytes: KB,
    expected: ['images[0]: aspect ratio 1:4.65 is outside 1:4–4:1'],
  },
  {
    name: 'reference2image size',
    limit: L.reference2image.images,
    field: 'images[0]',
    probe: image('png', 800, 600),
    bytes: 60 * MB,
    expected: ['images[0]: 60.0 MB exceeds the 50 MB limit'],
  },
  // image2dance image_url
  {
    name: 'image2dance image format',
    limit: L.image2dance.image_url,
    field: 'image_url',
    probe: image('gif', 800, 600),
    bytes: KB,
    expected: ['image_url: format gif is not accepted (jpeg, png, bmp, webp)'],
  },
  {
    name: 'image2dance image min px',
    limit: L.image2dance.image_url,
    field: 'image_url',
    probe: image('png', 150, 400),
    bytes: KB,
    expected: ['image_url: image is 150×400 px; image2dance needs width and height between 200 and 4096 px'],
  },
  {
    name: 'image2dance image max px',
    limit: L.image2dance.image_url,
    field: 'image_url',
    probe: image('png', 4097, 2000),
    bytes: KB,
    expected: ['image_url: image is 4097×2000 px; image2dance needs width and height between 200 and 4096 px'],
  },
  {
    name: 'image2dance image ratio',
    limit: L.image2dance.image_url,
    field: 'image_url',
    probe: image('jpeg', 1240, 400),
    bytes: KB,
    expected: ['image_url: aspect ratio 3.10:1 is outside 1:3–3:1'],
  },
  {
    name: 'image2dance image size',
    limit: L.image2dance.image_url,
    field: 'image_url',
    probe: image('jpeg', 800, 600),
    bytes: 5.5 * MB,
    expected: ['image_url: 5.5 MB exceeds the 5 MB limit'],
  },
  // image2dance video_url
  {
    name: 'image2dance video format',
    limit: L.image2dance.video_url,
    field: 'video_url',
    probe: video('webm', 720, 1280, 10),
    bytes: KB,
    expected: ['video_url: format webm is not accepted (mp4, avi, mov)'],
  },
  {
    name: 'image2dance video too short',
    limit: L.image2dance.video_url,
    field: 'video_url',
    probe: video('mp4', 720, 1280, 1.5),
    bytes: KB,
    expected: ['video_url: video lasts 1.5 s; image2dance accepts 2–30 s'],
  },
  {
    name: 'image2dance video too long',
    limit: L.image2dance.video_url,
    field: 'video_url',
    probe: video('mp4', 720, 1280, 31),
    bytes: KB,
    expected: ['video_url: video lasts 31.0 s; image2dance accepts 2–30 s'],
  },
  {
    name: 'image2dance video min px',
    limit: L.image2dance.video_url,
    field: 'video_url',
    probe: video('mov', 199, 300, 10),
    bytes: KB,
    expected: ['video_url: video is 199×300 px; image2dance needs width and height between 200 and 2048 px'],
  },
  {
    name: 'image2dance video max px',
    limit: L.image2dance.video_url,
    field: 'video_url',
    probe: video('mp4', 1080, 2160, 10),
    bytes: KB,
    expected: ['video_url: video is 1080×2160 px; image2dance needs width and height between 200 and 2048 px'],
  },
  {
    name: 'image2dance video ratio',
    limit: L.image2dance.video_url,
    field: 'video_url',
    probe: video('avi', 1900, 600, 10),
    bytes: KB,
    expected: ['video_url: aspect ratio 3.17:1 is outside 1:3–3:1'],
  },
  {
    name: 'image2dance video size',
    limit: L.image2dance.video_url,
    field: 'video_url',
    probe: video('mp4', 720, 1280, 10),
    bytes: 250 * MB,
    expected: ['video_url: 250.0 MB exceeds the 200 MB limit'],
  },
  // ad-one-click
  {
    name: 'ad-one-click format',
    limit: L['ad-one-click'].images,
    field: 'images[6]',
    probe: image('bmp', 800, 600),
    bytes: KB,
    expected: ['images[6]: format bmp is not accepted (png, jpeg, webp)'],
  },
  {
    name: 'ad-one-click ratio',
    limit: L['ad-one-click'].images,
    field: 'images[0]',
    probe: image('png', 4100, 1000),
    bytes: KB,
    expected: ['images[0]: aspect ratio 4.10:1 is outside 1:4–4:1'],
  },
  {
    name: 'ad-one-click size',
    limit: L['ad-one-click'].images,
    field: 'images[0]',
    probe: image('png', 800, 600),
    bytes: 50.5 * MB,
    expected: ['images[0]: 50.5 MB exceeds the 50 MB limit'],
  },
];

describe('checkMedia: each documented limit, violated once', () => {
  it.each(violations.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(checkMedia(c.probe, c.bytes, c.limit, c.field)).toEqual(c.expected);
  });
});

describe('checkMedia: acceptable inputs, including every bound itself', () => {
  it.each([
    ['img2video: a tiny image (no minimum stated)', L.img2video.images, image('png', 1, 2), KB],
    ['img2video: exactly 1:4 and exactly 50 MB', L.img2video.images, image('webp', 100, 400), 50 * MB],
    ['reference2video: exactly 128×128', L.reference2video.images, image('jpeg', 128, 128), KB],
    ['reference2video video: 8 s, 4:1, 100 MB', L.reference2video.videos, video('mov', 1024, 256, 8), 100 * MB],
    ['reference2image: 4:1', L.reference2image.images, image('png', 4096, 1024), KB],
    ['image2dance image: bmp, 200×600 (1:3), 5 MB', L.image2dance.image_url, image('bmp', 200, 600), 5 * MB],
    ['image2dance image: 4096×4096', L.image2dance.image_url, image('png', 4096, 4096), KB],
    ['image2dance video: 2 s, 2048×683', L.image2dance.video_url, video('avi', 2048, 683, 2), 200 * MB],
    ['image2dance video: 30 s', L.image2dance.video_url, video('mp4', 720, 1280, 30), KB],
    ['image2dance video: duration not recorded (Vidu decides)', L.image2dance.video_url, video('mp4', 720, 1280), KB],
    ['ad-one-click: jpeg 1:1', L['ad-one-click'].images, image('jpeg', 1024, 1024), KB],
  ] as const)('%s', (_name, limit, probe, bytes) => {
    expect(checkMedia(probe, bytes, limit, 'field')).toEqual([]);
  });
});

describe('checkMedia: reporting', () => {
  it('reports every violation of one input, not just the first', () => {
    expect(checkMedia(video('webm', 100, 2100, 45), 300 * MB, L.image2dance.video_url, 'video_url')).toEqual([
      'video_url: format webm is not accepted (mp4, avi, mov)',
      'video_url: 300.0 MB exceeds the 200 MB limit',
      'video_url: video is 100×2100 px; image2dance needs width and height between 200 and 2048 px',
      'video_url: aspect ratio 1:21.00 is outside 1:3–3:1',
      'video_url: video lasts 45.0 s; image2dance accepts 2–30 s',
    ]);
  });

  it('names the wrong kind instead of checking video rules on an image', () => {
    expect(checkMedia(image('png', 720, 1280), KB, L.image2dance.video_url, 'video_url')).toEqual([
      'video_url: expected a video (mp4, avi, mov), got a png image',
    ]);
  });

  it('never prints a violating value as the bound itself', () => {
    expect(checkMedia(video('mp4', 720, 1280, 30.04), KB, L.image2dance.video_url, 'v')).toEqual([
      'v: video lasts 30.04 s; image2dance accepts 2–30 s',
    ]);
    expect(checkMedia(image('png', 1001, 250), KB, L.img2video.images, 'i')).toEqual([
      'i: aspect ratio 4.004:1 is outside 1:4–4:1',
    ]);
  });

  it('checks real files end to end', () => {
    const png = makePng(150, 400);
    expect(checkMedia(probeMedia(png), png.byteLength, L.image2dance.image_url, 'image_url')).toEqual([
      'image_url: image is 150×400 px; image2dance needs width and height between 200 and 4096 px',
    ]);
    const jpeg = makeJpeg(1024, 768);
    expect(checkMedia(probeMedia(jpeg), jpeg.byteLength, L.img2video.images, 'images[0]')).toEqual([]);
    const mp4 = makeMp4({ durationSeconds: 31, width: 720, height: 1280 });
    expect(checkMedia(probeMedia(mp4), mp4.byteLength, L.image2dance.video_url, 'video_url')).toEqual([
      'video_url: video lasts 31.0 s; image2dance accepts 2–30 s',
    ]);
  });
});
