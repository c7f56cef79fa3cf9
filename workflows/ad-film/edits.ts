import {
  type ApplicationFailure,
  type ChildWorkflowHandle,
  isCancellation,
  log,
  startChild,
} from '@temporalio/workflow';
import { startDerivedChild } from '../common/derived-child';
import type { AdFilmEdit, EditOutcome } from '../../core/ad-film-types';
import type { FilmKindName } from '../../core/film-kinds';
import { adFilmEdit, describeEdit } from './ad-film-edit';
import { quick } from '../common/activity-proxies';
import { describe, setPhase, totalCredits, type FilmRun } from './state';

export const DEFAULT_EDIT_ATTEMPTS = 3;

/** The `film` field of an activity or child input: absent for the AD film (its inputs predate it). */
export function filmField(film: FilmRun): { film?: FilmKindName } {
  return film.kind.name === 'adFilm' ? {} : { film: film.kind.name };
}

/** Reads the film's sub-tasks from Vidu: the storyboards, narration, BGM and compositions there are. */
export async function refreshDetail(film: FilmRun): Promise<void> {
  film.detail = await quick.getAdFilmDetail.executeWithOptions(
    { summary: `read the sub-tasks of ${film.kind.label} ${film.mainTaskId}` },
    // `film` only for a film other than the AD film, so the AD film's inputs stay as they were.
    [{ taskId: film.mainTaskId as string, ...filmField(film) }],
  );
}

/**
 * Runs `edits` in parallel, each as a child workflow (so each shows on its own in the Web UI and
 * is retried on its own), waits for all of them, and returns their outcomes; a failed edit is an
 * outcome, not an exception.
 */
export async function runEdits(film: FilmRun, edits: AdFilmEdit[]): Promise<EditOutcome[]> {
  setPhase(film, 'editing');
  const knownIds = [
    ...(film.detail?.storyboards ?? []).flatMap((s) => s.records.map((r) => r.id)),
    ...(film.detail?.narration ?? []).map((r) => r.id),
    ...(film.detail?.bgm ?? []).map((r) => r.id),
  ];
  const outcomes = await Promise.all(edits.map((edit) => runEdit(film, edit, knownIds)));
  // Re-read the sub-tasks first, so that `storyboards` never shows an edit as done while it
  // still lists the footage the edit replaced.
  await refreshDetail(film);
  for (const outcome of outcomes) {
    film.status.edits.push(outcome);
    // Edits run in child workflows, so their credits reach the film's total only here.
    film.credits.set(`edit-${film.status.edits.length}`, outcome.credits);
    if (outcome.edit.type === 'video') {
      const track = film.editsPerStoryboard.get(outcome.edit.storyboard);
      if (track) track.last = outcome.state;
    }
  }
  film.status.credits = totalCredits(film);
  describe(film);
  return outcomes;
}

/**
 * Starts one edit's child under `<film>~<suffix>`, or a fresh derived id when that one is taken
 * (workflows/derived-child.ts). Returns why it could not when every id is taken.
 */
async function startEditChild(
  film: FilmRun,
  edit: AdFilmEdit,
  knownIds: string[],
  suffix: string,
): Promise<{ id: string; child: ChildWorkflowHandle<typeof adFilmEdit> } | string> {
  const { options } = film;
  const started = await startDerivedChild(film.workflowId, suffix, `${film.kind.adjective} edit`, (id) =>
    startChild(adFilmEdit, {
      workflowId: id,
      staticSummary: `${film.kind.adjective} edit: ${describeEdit(edit)} → “${(edit.type === 'narration' ? edit.text : edit.prompt).slice(0, 100)}”`,
      args: [
        {
          mainTaskId: film.mainTaskId as string,
          edit,
          knownIds,
          attempts: options.editAttempts ?? DEFAULT_EDIT_ATTEMPTS,
          waitMode: film.waitMode,
          priority: options.priority ?? 'interactive',
          ...(options.poll ? { poll: options.poll } : {}),
          timeoutSeconds: film.timeoutSeconds,
          ...filmField(film),
        },
      ],
    }),
  );
  if ('child' in started) return started;
  const why = `the edit was not started: its child workflow ids ${started.taken.join(', ')} are all taken by workflows this film did not start`;
  log.error(why);
  return why;
}

/** One edit's child workflow, from start to outcome. */
async function runEdit(film: FilmRun, edit: AdFilmEdit, knownIds: string[]): Promise<EditOutcome> {
  film.editCounter += 1;
  // A derived id (`~`), which no caller can start through vidu-flow (contract/workflow-id.ts).
  const suffix = `edit-${film.editCounter}-${edit.type}${edit.type === 'video' ? `-${edit.storyboard}` : ''}`;
  const track =
    edit.type === 'video'
      ? (film.editsPerStoryboard.get(edit.storyboard) ?? { count: 0, last: 'running' as const })
      : undefined;
  if (edit.type === 'video' && track)
    film.editsPerStoryboard.set(edit.storyboard, { count: track.count + 1, last: 'running' });
  const started = await startEditChild(film, edit, knownIds, suffix);
  if (typeof started === 'string') {
    // Every id it may use is taken by workflows this film did not start: an outcome, not a lost film.
    return { edit, state: 'failed', subTaskIds: [], credits: 0, errCode: '', message: started };
  }
  const { id, child } = started;
  film.running.set(id, child);
  describe(film);
  try {
    return await child.result();
  } catch (err) {
    if (isCancellation(err)) throw err;
    const cause = (err as { cause?: ApplicationFailure }).cause;
    const details = (cause?.details?.[0] ?? {}) as { subTaskIds?: string[]; credits?: number; errCode?: string };
    return {
      edit,
      state: 'failed',
      subTaskIds: details.subTaskIds ?? [],
      credits: details.credits ?? 0,
      errCode: details.errCode ?? '',
      message: cause?.message ?? String(err),
    };
  } finally {
    film.running.delete(id);
  }
}
