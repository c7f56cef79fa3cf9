import type { AdFilmEdit, AdFilmOptions, AdFilmResult } from './ad-film-types';

/** A music video's only edit: regenerate one storyboard's footage (it has no narration or BGM of its own). */
export type MusicVideoEdit = Extract<AdFilmEdit, { type: 'video' }>;

/**
 * `request` is Vidu's one-click/mv body (images, audio_url, lip_sync, prompt, aspect_ratio,
 * resolution); the options are the AD film's (review, edits, archive…).
 */
export interface MusicVideoInput {
  request: Record<string, unknown>;
  edits?: MusicVideoEdit[];
  options?: AdFilmOptions;
}

/** The AD film's result without the BGM and narration sub-tasks, which a music video does not compose. */
export type MusicVideoResult = Omit<AdFilmResult, 'bgmTaskId' | 'narrationTaskId'>;
