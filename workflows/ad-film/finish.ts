import { ApplicationFailure, CancellationScope, isCancellation, upsertSearchAttributes } from '@temporalio/workflow';
import type { AdFilmDetail, AdFilmResult, AdSubTask } from '../../core/ad-film-types';
import { FailureType } from '../../core/failure-types';
import { ViduState } from '../../core/search-attributes';
import { archiving, paid, quick } from '../common/activity-proxies';
import { unwrapTyped } from '../common/typed-failure';
import { newestSuccess, setPhase, waitingForSlot, type FilmRun } from './state';
import { awaitTask, trackSubmitted } from './vidu-task';
import { filmField } from './edits';

// The phases of an AD film from the composition on, and how a film that stops early ends.

/** The sub-tasks a composition was made of (they are part of the film's result). */
export interface Composition {
  composeTaskId: string;
  videoTaskIds: string[];
  /** The AD film's; a music video composes over the caller's audio and has none (core/film-kinds.ts). */
  bgmTaskId?: string;
  narrationTaskId?: string;
}

/** The AD film's result, or the music video's (the same without bgmTaskId and narrationTaskId). */
export type FilmResult = Omit<AdFilmResult, 'bgmTaskId' | 'narrationTaskId'> &
  Partial<Pick<AdFilmResult, 'bgmTaskId' | 'narrationTaskId'>>;

/**
 * Compose: pay Vidu to cut the film from the newest successful sub-task of every storyboard, the
 * narration and the BGM, and wait for it. Compose is never called with a sub-task that did not
 * succeed: a film with one missing fails here, before paying.
 */
export async function compose(film: FilmRun): Promise<Composition> {
  const { workflowId, waitMode, slot, tracker } = film;
  setPhase(film, 'composing');
  const detail = film.detail as AdFilmDetail;
  const videoTaskIds = detail.storyboards.map((s) => newestSuccess(s.records)?.id);
  const voiceAndMusic = film.kind.composesWithVoiceAndMusic;
  const bgm = newestSuccess(detail.bgm);
  const narration = newestSuccess(detail.narration);
  const missing = [
    ...videoTaskIds.flatMap((id, i) => (id ? [] : [`storyboard ${detail.storyboards[i]?.index}`])),
    ...(bgm || !voiceAndMusic ? [] : ['the BGM']),
    ...(narration || !voiceAndMusic ? [] : ['the narration']),
  ];
  if (missing.length > 0) {
    throw ApplicationFailure.create({
      type: FailureType.AdEditFailed,
      message: `no successful sub-task for ${missing.join(', ')}; cannot compose`,
      nonRetryable: true,
      details: [{ missing }],
    });
  }
  const composeArgs = {
    workflowId,
    mainTaskId: film.mainTaskId as string,
    videoTaskIds: videoTaskIds as string[],
    ...(voiceAndMusic ? { bgmTaskId: (bgm as AdSubTask).id, narrationTaskId: (narration as AdSubTask).id } : {}),
    knownIds: detail.composed.map((c) => c.id),
    waitMode,
    ...filmField(film),
  };
  await slot.acquire('the composition', waitingForSlot(film));
  setPhase(film, 'composing');
  tracker.expectNewTask();
  // Not cancellable, like the film's creation: a paid task must be known to be cancelled.
  const submitted = await CancellationScope.nonCancellable(() =>
    paid.composeAdFilm.executeWithOptions(
      {
        summary: `compose ${composeArgs.videoTaskIds.length} storyboards ${voiceAndMusic ? 'with BGM and narration' : 'over the audio'}`,
      },
      [composeArgs],
    ),
  );
  film.composeTaskId = submitted.taskId;
  film.status.composeTaskId = submitted.taskId;
  trackSubmitted(film, submitted);
  await awaitTask(film, submitted.taskId, submitted.callbackRegistered, 'the composition');
  await slot.release();
  return {
    composeTaskId: submitted.taskId,
    videoTaskIds: composeArgs.videoTaskIds,
    ...(voiceAndMusic ? { bgmTaskId: composeArgs.bgmTaskId, narrationTaskId: composeArgs.narrationTaskId } : {}),
  };
}

/**
 * Archive: collect the film and the storyboard covers and (unless options.archive is false) copy
 * them to the archive store, since Vidu's URLs expire. Returns the film's result.
 */
export async function archive(film: FilmRun, composition: Composition): Promise<FilmResult> {
  const { workflowId, status } = film;
  const { composeTaskId, videoTaskIds } = composition;
  const filmMedia = await quick.adFilmMedia.executeWithOptions({ summary: 'collect the film and storyboard covers' }, [
    { composeTaskId, videoTaskIds },
  ]);
  let archived;
  if (film.options.archive !== false) {
    setPhase(film, 'archiving');
    archived = await archiving.archiveTask.executeWithOptions(
      { summary: `archive the film and ${videoTaskIds.length} storyboard covers` },
      [{ workflowId, kind: film.kind.name, taskId: composeTaskId, creations: filmMedia }],
    );
    // Storyboard covers are optional extras: one that could not be archived is listed in
    // archive.missing and the paid film still succeeds.
    status.archive = archived;
  }
  setPhase(film, 'done');
  upsertSearchAttributes([{ key: ViduState, value: 'success' }]);
  return {
    workflowId,
    taskId: film.mainTaskId as string,
    composeTaskId,
    credits: status.credits,
    videoTaskIds,
    ...(composition.bgmTaskId !== undefined ? { bgmTaskId: composition.bgmTaskId } : {}),
    ...(composition.narrationTaskId !== undefined ? { narrationTaskId: composition.narrationTaskId } : {}),
    edits: status.edits,
    film: filmMedia.filter((c) => c.url),
    ...(archived ? { archive: archived } : {}),
  };
}

/**
 * A film that stops early gives its slot back and says why. Cancelled, it also cancels its own
 * Vidu tasks still running; edits in flight are child workflows, which the cancellation reaches
 * and which cancel their own sub-tasks. Returns the error adFilm throws.
 */
export async function endEarly(film: FilmRun, err: unknown): Promise<unknown> {
  const { slot, status, tracker } = film;
  if (!isCancellation(err)) {
    await slot.release();
    status.error = err instanceof Error ? err.message : String(err);
    setPhase(film, 'failed');
    // As for a generation: before Vidu had a task (a refused input), ViduState says failed; after,
    // it stays the film task's own state.
    if (!film.mainTaskId) upsertSearchAttributes([{ key: ViduState, value: 'failed' }]);
    return unwrapTyped(err);
  }
  await CancellationScope.nonCancellable(async () => {
    for (const taskId of [film.mainTaskId, film.composeTaskId]) {
      if (taskId && !tracker.isTerminal(taskId)) {
        await quick.cancelTask.executeWithOptions({ summary: `cancel Vidu task ${taskId}` }, [{ taskId }]);
      }
    }
  });
  await slot.release();
  setPhase(film, 'cancelled');
  upsertSearchAttributes([{ key: ViduState, value: 'cancelled' }]);
  return err;
}
