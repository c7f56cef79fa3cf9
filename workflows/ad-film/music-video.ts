import { MUSIC_VIDEO } from '../../core/film-kinds';
import type { MusicVideoInput, MusicVideoResult } from '../../core/music-video-types';
import { runFilm } from './ad-film';

/**
 * The one-click music video (one-click/mv, docs/vidu-api-more-endpoints.md §10.1): the AD film's
 * workflow (runFilm) with the MV's create call, footage-only edits and a compose without BGM or
 * narration (core/film-kinds.ts says what differs, and which of it is a reseller's word [3P]).
 */
export async function musicVideo(input: MusicVideoInput): Promise<MusicVideoResult> {
  // A music video's composition has no BGM or narration sub-task, so its result carries neither.
  return runFilm(MUSIC_VIDEO, input);
}
