import type { FilmEndpoint } from '../vidu/endpoints';
import type { AdFilmEdit } from './ad-film-types';

// What differs between the one-click films vidu-flow runs with one workflow implementation
// (workflows/ad-film/): the AD film (docs/vidu-api.md §5) and the music video
// (docs/vidu-api-more-endpoints.md §10.1; its detail, edit and compose calls are known from a
// reseller only [3P], read as the AD film's without BGM and narration [INF]). Pure data, so the
// workflow, the activities, the contract and the simulator read the same facts.

/** A film's workflow type; also its ViduKind search attribute value and its archive kind. */
export type FilmKindName = 'adFilm' | 'musicVideo';

export interface FilmKind {
  readonly name: FilmKindName;
  /** The create call, as the stage and submit activities name it. */
  readonly endpoint: FilmEndpoint;
  /** In messages and summaries: "the AD film", "the music video". */
  readonly label: string;
  /** The same as an adjective: "AD-film edit". */
  readonly adjective: string;
  /** The edits Vidu takes for this film: a storyboard's footage always; narration and BGM only where the film has them. */
  readonly editTypes: readonly AdFilmEdit['type'][];
  /** Whether compose takes a BGM and a narration sub-task (the MV's music is the caller's own audio). */
  readonly composesWithVoiceAndMusic: boolean;
}

export const AD_FILM: FilmKind = {
  name: 'adFilm',
  endpoint: 'ad-one-click',
  label: 'AD film',
  adjective: 'AD-film',
  editTypes: ['video', 'narration', 'bgm'],
  composesWithVoiceAndMusic: true,
};

export const MUSIC_VIDEO: FilmKind = {
  name: 'musicVideo',
  endpoint: 'one-click-mv',
  label: 'music video',
  adjective: 'music-video',
  editTypes: ['video'],
  composesWithVoiceAndMusic: false,
};

export const FILM_KINDS: Readonly<Record<FilmKindName, FilmKind>> = { adFilm: AD_FILM, musicVideo: MUSIC_VIDEO };

/** The film an activity input names; absent means the AD film (inputs recorded before the MV existed). */
export function filmKindOf(name: FilmKindName | undefined): FilmKind {
  return FILM_KINDS[name ?? 'adFilm'];
}
