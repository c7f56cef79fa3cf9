import type { AdFilmInput, AdFilmResult } from '../../core/ad-film-types';
import { archive, compose, endEarly } from './finish';
import { applyInitialEdits, createFilm, review, stageImages, waitForSubTasks } from './phases';
import { openFilmRun } from './state';
import { refuseUnkeepableStart } from '../common/own-id';

/**
 * The AD-film job, as phases over one FilmRun (workflows/ad-film/): stage the images, create the
 * film at Vidu, wait for its sub-tasks, apply the edits given at start in parallel (each a child
 * workflow), optionally let a reviewer ask for more edits and approve, compose from the newest
 * successful sub-tasks, and archive the film and the storyboard covers.
 *
 * The phases issue their activities, child workflows and timers in the order this function had
 * when it was one body, so histories of earlier runs replay; keep that order when changing it.
 */
export async function adFilm(input: AdFilmInput): Promise<AdFilmResult> {
  // Before anything is staged, admitted or paid for (issue 22 item 1).
  refuseUnkeepableStart({ value: input, fields: ['request', 'edits', 'options'] });
  const film = openFilmRun(input);
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
