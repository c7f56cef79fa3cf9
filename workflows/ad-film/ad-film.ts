import type { AdFilmInput, AdFilmResult } from '../../core/ad-film-types';
import { AD_FILM, type FilmKind } from '../../core/film-kinds';
import { archive, compose, endEarly, type FilmResult } from './finish';
import { applyInitialEdits, createFilm, review, stageImages, waitForSubTasks } from './phases';
import { openFilmRun } from './state';
import { refuseUnkeepableStart } from '../common/own-id';

/**
 * A one-click film, as phases over one FilmRun (workflows/ad-film/): stage the inputs, create the
 * film at Vidu, wait for its sub-tasks, apply the edits given at start in parallel (each a child
 * workflow), optionally let a reviewer ask for more edits and approve, compose from the newest
 * successful sub-tasks, and archive the film and the storyboard covers. `kind` says what differs
 * between the AD film and the music video (core/film-kinds.ts).
 *
 * The phases issue their activities, child workflows and timers in the order this function had
 * when it was one body, so histories of earlier runs replay; keep that order when changing it.
 */
export async function runFilm(kind: FilmKind, input: AdFilmInput): Promise<FilmResult> {
  // Before anything is staged, admitted or paid for (issue 22 item 1).
  refuseUnkeepableStart({ value: input, fields: ['request', 'edits', 'options'] });
  const film = openFilmRun(input, kind);
  try {
    const request = await stageImages(film);
    const main = await createFilm(film, request);
    await waitForSubTasks(film, main);
    await applyInitialEdits(film);
    if (film.options.review) await review(film);
    const composition = await compose(film);
    return await archive(film, composition);
  } catch (err) {
    throw await endEarly(film, err);
  }
}

/** The AD film (ad-one-click): its compositions always have a BGM and a narration sub-task. */
export async function adFilm(input: AdFilmInput): Promise<AdFilmResult> {
  return (await runFilm(AD_FILM, input)) as AdFilmResult;
}
