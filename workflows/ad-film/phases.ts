import { ApplicationFailure, CancellationScope, condition, upsertSearchAttributes } from '@temporalio/workflow';
import { FailureType } from '../../core/failure-types';
import { ViduKind, ViduTaskId } from '../../core/search-attributes';
import { describeEdit } from './ad-film-edit';
import { paid, staging } from '../common/activity-proxies';
import { editProblems, invalidEditsFailure } from './edit-problems';
import { refreshDetail, runEdits } from './edits';
import { setPhase, waitingForSlot, type FilmRun } from './state';
import { awaitTask, trackSubmitted, type Submitted } from './vidu-task';

// The phases of an AD film up to the composition, in the order adFilm runs them.

/** Review mode waits this long for `approve` unless options.reviewTimeoutSeconds says otherwise. */
export const DEFAULT_REVIEW_TIMEOUT_SECONDS = 24 * 3600;

/**
 * Stage: the worker fetches and checks the product images, so that Vidu is only paid for a
 * request that will be accepted; edits given at start are checked as far as they can be before
 * the film exists. Returns the request with staged image references.
 */
export async function stageImages(film: FilmRun): Promise<Record<string, unknown>> {
  const { workflowId, input, options } = film;
  const staged = await staging.stageInputs.executeWithOptions(
    {
      summary: `stage and check the ${film.kind.adjective} ${film.kind.name === 'adFilm' ? 'images' : 'images and audio'}`,
    },
    [{ kind: film.kind.endpoint, workflowId, request: input.request, options }],
  );
  upsertSearchAttributes([{ key: ViduKind, value: film.kind.name }]);
  if (input.edits && input.edits.length > 0) {
    const problems = editProblems(input.edits, undefined, film.kind);
    if (problems.length > 0) throw invalidEditsFailure(problems);
  }
  return staged.request;
}

/** Create: pay Vidu for the film (ad-one-click) once a slot is free; the main task exists from here on. */
export async function createFilm(film: FilmRun, request: Record<string, unknown>): Promise<Submitted> {
  const { workflowId, waitMode, slot, tracker } = film;
  await slot.acquire(`the ${film.kind.label}`, waitingForSlot(film));
  setPhase(film, 'submitting');
  tracker.expectNewTask();
  // Not cancellable: a task that may have been paid for must be known, to be cancelled.
  const main = await CancellationScope.nonCancellable(() =>
    paid.submitTask.executeWithOptions({ summary: `create the ${film.kind.label} at Vidu` }, [
      { kind: film.kind.endpoint, workflowId, request, waitMode },
    ]),
  );
  film.mainTaskId = main.taskId;
  film.status.taskId = main.taskId;
  upsertSearchAttributes([{ key: ViduTaskId, value: main.taskId }]);
  trackSubmitted(film, main);
  return main;
}

/** Generate: wait until Vidu has made the storyboards, narration and BGM, then read those sub-tasks. */
export async function waitForSubTasks(film: FilmRun, main: Submitted): Promise<void> {
  setPhase(film, 'generating');
  await awaitTask(film, main.taskId, main.callbackRegistered, `the ${film.kind.label}`);
  await film.slot.release();
  await refreshDetail(film);
}

/**
 * Initial edits: the edits given at start, now checked against the real sub-tasks and run in
 * parallel. Without a reviewer a failed edit fails the film; in review mode the reviewer decides.
 */
export async function applyInitialEdits(film: FilmRun): Promise<void> {
  const initial = film.input.edits ?? [];
  const late = initial.length > 0 ? editProblems(initial, film.detail, film.kind) : [];
  if (late.length > 0) throw invalidEditsFailure(late);
  if (initial.length === 0) return;
  const outcomes = await runEdits(film, initial);
  const failed = outcomes.find((o) => o.state === 'failed');
  if (failed && !film.options.review) {
    throw ApplicationFailure.create({
      type: FailureType.AdEditFailed,
      message: failed.message ?? `the edit of ${describeEdit(failed.edit)} failed`,
      nonRetryable: true,
      details: [failed],
    });
  }
}

/**
 * Review (review mode only): a person or service looks at the storyboards, asks for rounds of
 * edits (update `requestEdits`) and approves (signal `approve`). Nothing more is paid for if no
 * approval comes: by default the film then fails without composing.
 */
export async function review(film: FilmRun): Promise<void> {
  const { status, queued, options } = film;
  setPhase(film, 'reviewing');
  const reviewTimeout = options.reviewTimeoutSeconds ?? DEFAULT_REVIEW_TIMEOUT_SECONDS;
  let deadlinePassed = false;
  while (!status.approved || queued.length > 0) {
    const woke = await condition(() => status.approved || queued.length > 0, `${reviewTimeout}s`);
    if (!woke) {
      deadlinePassed = true;
      break;
    }
    if (queued.length > 0) {
      await runEdits(film, queued.splice(0));
      setPhase(film, 'reviewing');
    }
  }
  if (deadlinePassed && !status.approved && (options.onReviewTimeout ?? 'fail') === 'fail') {
    throw ApplicationFailure.create({
      type: FailureType.ReviewTimedOut,
      message: `no approval within ${reviewTimeout} s; nothing was composed`,
      nonRetryable: true,
      details: [{ mainTaskId: film.mainTaskId }],
    });
  }
}
