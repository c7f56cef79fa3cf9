import { z } from 'zod';
import type * as T from '../core/music-video-types';
import { AdFilmResult } from './ad-film-result';
import { assertSame, type Same } from './same-type';

// The result of the `musicVideo` workflow: the AD film's without the BGM and narration sub-tasks,
// which a music video does not compose. Its `status` and `storyboards` queries answer as the AD
// film's (schemas/adFilm.status.schema.json, adFilm.storyboards.schema.json).
export const MusicVideoResult = AdFilmResult.omit({ bgmTaskId: true, narrationTaskId: true })
  .extend({
    taskId: z.string().describe('The one-click/mv Vidu task (the video before edits)'),
    credits: z.number().describe('Credits Vidu charged for the video, the edits and the composition'),
  })
  .describe(
    'The result of a successful musicVideo workflow (a failed one fails with a typed ApplicationFailure instead)',
  );

assertSame<Same<z.infer<typeof MusicVideoResult>, T.MusicVideoResult>>();
