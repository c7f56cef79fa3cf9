import { z } from 'zod';
import type * as T from '../core/music-video-types';
import { checkFilmInput } from './ad-film-input';
import { assertSame, type Same } from './same-type';

// The public input of the `musicVideo` workflow: `{ request, edits, options }`, the AD film's with
// the one-click/mv body and footage-only edits (core/film-kinds.ts).

export const MusicVideoEdit = z.strictObject({
  type: z
    .literal('video', {
      error:
        'a music video takes video (footage) edits only: its music is the caller’s audio, so it has no narration or BGM to edit',
    })
    .describe('A music video has only footage edits: its music is the caller’s audio'),
  storyboard: z.number().int().min(0).describe('0-based storyboard index'),
  prompt: z.string().trim().min(1, 'prompt must not be empty').max(2000, 'prompt must be at most 2000 characters'),
});

/** Every problem with a music-video input, one line per field; empty means valid. */
export function checkMusicVideoInput(input: unknown): string[] {
  return checkFilmInput(input, 'one-click-mv', MusicVideoEdit);
}

// Compile-time drift check against core/music-video-types.ts (the workflow compiles against core).
assertSame<Same<z.infer<typeof MusicVideoEdit>, T.MusicVideoEdit>>();
