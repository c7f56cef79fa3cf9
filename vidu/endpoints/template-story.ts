import { z } from 'zod';
import { WEB_IMAGES } from '../media/limits';
import { mediaList, requestObject } from '../schemas/builders';
import { TASK_FIELDS } from '../schemas/field-groups';
import { named } from '../schemas/fields';
import { defineEndpoint } from './spec';

/** docs/vidu-api-more-endpoints.md §6 (the older page lists only the first two). */
export const STORIES = ['love_story', 'workday_feels', 'monkey_king', 'pigsy', 'monk_tang', 'one_shot'] as const;

/** How far an image may be from 9:16 and still count as 9:16 (2 %: a 1080×1920 crop off by a few pixels) [INF]. */
export const STORY_RATIO_TOLERANCE = 0.02;

/**
 * POST /ent/v2/template-story (docs/vidu-api-more-endpoints.md §6): story templates. No model,
 * prompt, duration or seed. The page gives no image count; held to 1–7 like template (§5) [INF].
 */
export const TemplateStoryRequest = requestObject('template-story', {
  story: z.enum(STORIES, named),
  images: mediaList(1, 7),
  ...TASK_FIELDS,
});

export type TemplateStoryRequest = z.output<typeof TemplateStoryRequest>;

export const templateStory = defineEndpoint({
  kind: 'templateStory',
  path: '/ent/v2/template-story',
  summary: 'start a story-template video (--story <name>, --image: 9:16 images, except for one_shot)',
  request: TemplateStoryRequest,
  media: {
    // ≤ 50 MB each (the 20 MB body limit applies to the request as a whole); the sides and the
    // 1:4–4:1 bound are template's (§5) [INF]: the page gives none beyond 9:16.
    images: {
      endpoint: 'template-story',
      kind: 'image',
      formats: WEB_IMAGES,
      maxMegabytes: 50,
      minSidePx: 128,
      maxAspectRatio: 4,
      source: 'DOC',
    },
  },
  // "images must be 9:16, except one_shot, whose output takes the first image's shape" (§6).
  mediaRule: (sizes, request) => {
    if (request?.story === 'one_shot') return [];
    const problems: string[] = [];
    for (const [field, { width, height }] of sizes) {
      if (!field.startsWith('images')) continue;
      const off = Math.abs(width / height / (9 / 16) - 1);
      if (off > STORY_RATIO_TOLERANCE)
        problems.push(
          `${field}: template-story takes 9:16 images except for story one_shot (got ${width}×${height}, story ${JSON.stringify(request?.story)})`,
        );
    }
    return problems;
  },
  // The task type and the length are undocumented: the endpoint's name [INF], 5 s in the simulator.
  result: { media: 'video', taskType: 'template_story', upscalable: true },
  cli: {
    flags: [
      {
        flag: 'story',
        field: 'story',
        value: 'string',
        placeholder: '<name>',
        help: `story template: ${STORIES.join(', ')}`,
      },
    ],
  },
});
