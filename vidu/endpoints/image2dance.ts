import type { z } from 'zod';
import { requestObject } from '../schemas/builders';
import { MediaRef } from '../schemas/common';
import { TASK_FIELDS } from '../schemas/field-groups';
import { defineEndpoint } from './spec';

/**
 * POST /ent/v2/image2dance (docs/vidu-api.md §4). No model field. Pixel size, duration
 * and "one person facing the camera" rules need the media itself and are
 * vidu/media's job.
 */
export const Image2DanceRequest = requestObject('image2dance', {
  image_url: MediaRef,
  video_url: MediaRef,
  ...TASK_FIELDS,
});

export type Image2DanceRequest = z.output<typeof Image2DanceRequest>;
export type Image2DanceRequestInput = z.input<typeof Image2DanceRequest>;

export const image2dance = defineEndpoint({
  kind: 'image2dance',
  path: '/ent/v2/image2dance',
  summary: 'start an image-to-dance generation (--image-url person image, --video-url dance video)',
  request: Image2DanceRequest,
  media: {
    image_url: {
      endpoint: 'image2dance',
      kind: 'image',
      formats: ['jpeg', 'png', 'bmp', 'webp'],
      maxMegabytes: 5,
      minSidePx: 200,
      maxSidePx: 4096,
      maxAspectRatio: 3,
      source: 'DOC',
    },
    video_url: {
      endpoint: 'image2dance',
      kind: 'video',
      formats: ['mp4', 'avi', 'mov'],
      maxMegabytes: 200,
      minSidePx: 200,
      maxSidePx: 2048,
      maxAspectRatio: 3,
      minDurationSeconds: 2,
      maxDurationSeconds: 30,
      source: 'DOC',
    },
  },
  result: { media: 'video', taskType: 'image2dance', upscalable: true },
  // It takes one image and one video under other names; --image/--video work there too.
  cli: { aliases: { image: 'image_url', video: 'video_url' } },
});
