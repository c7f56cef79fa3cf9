import { z } from 'zod';
import { requestObject } from '../schemas/builders';
import { MediaRef } from '../schemas/common';
import { TASK_FIELDS } from '../schemas/field-groups';
import { named } from '../schemas/fields';
import { defineEndpoint } from './spec';

export const UPSCALE_RESOLUTIONS = ['1080p', '2K', '4K', '8K'] as const;

/**
 * POST /ent/v2/upscale-new ("Upscale-pro", docs/vidu-api-more-endpoints.md §7). The legacy /ent/v2/upscale
 * (vidu1.0, 360p sources only) is not offered: upscale-new takes any video and the creation ids
 * of every current model. No model field. `video_url` may also name an archived vidu-flow result,
 * `vidu-flow:<workflowId>/<creationId>`, which the stage activity turns into video_creation_id.
 */
export const UpscaleRequest = requestObject('upscale-new', {
  video_url: MediaRef.optional(),
  // A Vidu creation id (creations[].id); wins over video_url when both are sent.
  video_creation_id: z.string(named).min(1).optional(),
  // Must exceed the source's resolution, else the task fails (Vidu judges that).
  upscale_resolution: z.enum(UPSCALE_RESOLUTIONS, named).default('1080p'),
  ...TASK_FIELDS,
}).superRefine((r, ctx) => {
  if (r.video_url === undefined && r.video_creation_id === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['video_url'],
      message: 'video_url is required unless video_creation_id is sent (one of the two)',
      input: undefined,
    });
  }
});

export type UpscaleRequest = z.output<typeof UpscaleRequest>;

export const upscale = defineEndpoint({
  kind: 'upscale',
  path: '/ent/v2/upscale-new',
  summary:
    'upscale a video (--video-url, a vidu-flow:<workflowId>/<creationId> result, or --video-creation-id) to --upscale-resolution',
  request: UpscaleRequest,
  media: {
    // Formats: the page lists mp4/flv/hls/mxf/mov/ts/webm/mkv; those vidu-flow can read are checked
    // and the others refused before any credit is spent. No size limit is documented: the 2 GiB
    // download cap of the archive applies [INF]. No aspect-ratio rule either [INF: none enforced].
    video_url: {
      endpoint: 'upscale-new',
      kind: 'video',
      formats: ['mp4', 'mov', 'webm'],
      maxMegabytes: 2048,
      maxAspectRatio: 100,
      maxDurationSeconds: 300,
      source: 'DOC',
    },
  },
  // Undocumented; the simulator answers "upscale" [INF].
  result: { media: 'video', taskType: 'upscale' },
  cli: {
    flags: [
      {
        flag: 'video-creation-id',
        field: 'video_creation_id',
        value: 'string',
        placeholder: '<id>',
        help: 'a Vidu creation id to use as the input video',
      },
      {
        flag: 'upscale-resolution',
        field: 'upscale_resolution',
        value: 'string',
        placeholder: '<res>',
        help: '1080p (default), 2K, 4K or 8K; must exceed the source',
      },
    ],
  },
});
