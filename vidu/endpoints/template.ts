import { z } from 'zod';
import { WEB_IMAGES } from '../media/limits';
import { mediaList, requestObject } from '../schemas/builders';
import { BoolLike, Prompt } from '../schemas/common';
import { TASK_FIELDS, WATERMARK_FIELDS } from '../schemas/field-groups';
import { named } from '../schemas/fields';
import { Seed } from '../schemas/options';
import { defineEndpoint } from './spec';

const AREAS = [
  'auto',
  'denmark',
  'uk',
  'africa',
  'china',
  'mexico',
  'switzerland',
  'russia',
  'italy',
  'korea',
  'thailand',
  'india',
  'japan',
] as const;
const BEASTS = ['auto', 'bear', 'tiger', 'elk', 'snake', 'lion', 'wolf'] as const;

/**
 * POST /ent/v2/template (docs/vidu-api-more-endpoints.md §5): scene-effect templates. Each template has its
 * own image count and rules, listed only on the platform's template pages, so the count is held
 * to 1–7 [INF] and the rest left to Vidu.
 */
export const TemplateRequest = requestObject('template', {
  template: z.string(named).min(1),
  images: mediaList(1, 7),
  // Not needed for subject_3 or pubg_winner_hit.
  prompt: Prompt.optional(),
  seed: Seed.optional(),
  aspect_ratio: z.enum(['16:9', '9:16', '1:1'], named).optional(),
  area: z.enum(AREAS, named).optional(),
  beast: z.enum(BEASTS, named).optional(),
  bgm: BoolLike.optional(),
  // Watermark fields: only a compiled copy lists them [3P].
  ...WATERMARK_FIELDS,
  ...TASK_FIELDS,
}).superRefine((r, ctx) => {
  // The page ties area to exotic_princess and beast to beast_companion. (The official MCP never
  // sends them: it compares with `is`.)
  if (r.area !== undefined && r.template !== 'exotic_princess') {
    ctx.addIssue({
      code: 'custom',
      path: ['area'],
      message: `area applies to template exotic_princess only (got template ${JSON.stringify(r.template)})`,
      input: r.area,
    });
  }
  if (r.beast !== undefined && r.template !== 'beast_companion') {
    ctx.addIssue({
      code: 'custom',
      path: ['beast'],
      message: `beast applies to template beast_companion only (got template ${JSON.stringify(r.template)})`,
      input: r.beast,
    });
  }
});

export type TemplateRequest = z.output<typeof TemplateRequest>;

export const template = defineEndpoint({
  kind: 'template',
  // docs/vidu-api-more-endpoints.md §5 and §12 item 7: the newer page documents /ent/v2/template, the older
  // page and the official MCP (last commit 2025-06-26, before the newer page) /ent/v2/template2video.
  // vidu-flow calls the path Vidu documents today, so it follows the maintained contract; the
  // request body is the same on both, and the simulator answers both paths.
  path: '/ent/v2/template',
  legacyPaths: ['/ent/v2/template2video'],
  summary: 'start a scene-effect template video (--template <key>, --image as the template needs)',
  request: TemplateRequest,
  media: {
    images: {
      endpoint: 'template',
      kind: 'image',
      formats: WEB_IMAGES,
      maxMegabytes: 50,
      minSidePx: 128,
      maxAspectRatio: 4,
      source: 'DOC',
    },
  },
  // A reseller's example returns 720p and 4 s [3P]; the simulator renders that.
  result: { media: 'video', taskType: 'template', durationOf: () => 4, upscalable: true },
  cli: {
    flags: [
      {
        flag: 'template',
        field: 'template',
        value: 'string',
        placeholder: '<key>',
        help: 'template key, e.g. hugging, exotic_princess, beast_companion',
      },
    ],
  },
});
