import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import { adFilmEdit, describeEdit } from './ad-film-edit';
import type { AdFilmDetail, AdFilmEdit, AdFilmInput, AdFilmResult, AdFilmStatus, AdSubTask, EditOutcome, StoryboardView } from './ad-film-types';
import { archiving, paid, quick, staging } from './activity-proxies';
import { AdmissionSlot } from './admission-slot';
import { FailureType } from './failures';
import { DEFAULT_TIMEOUT_SECONDS, unwrapTyped } from './generation';
import { adFilmStatusQuery, approveSignal, requestEditsUpdate, storyboardsQuery } from './messages';
import { ViduCredits, ViduKind, ViduState, ViduTaskId } from './search-attributes';
import { TaskTracker } from './task-tracker';
import { noteStatus } from './webhook-updates';
import type { TaskSnapshot } from './types';

/** Review mode waits this long for `approve` unless options.reviewTimeoutSeconds says otherwise. */
export const DEFAULT_REVIEW_TIMEOUT_SECONDS = 24 * 3600;
export const DEFAULT_EDIT_ATTEMPTS = 3;
const PROMPT_MAX = 2000;

/** Checks edits against the film's sub-tasks; returns one message per problem. */
export function editProblems(edits: AdFilmEdit[], detail: AdFilmDetail | undefined): string[] {
  if (!Array.isArray(edits) || edits.length === 0) return ['edits: give at least one edit'];
  return edits.flatMap((edit, i): string[] => {
    const at = `edits[${i}]`;
    if (typeof edit !== 'object' || edit === null) return [`${at}: must be an object`];
    const text = edit.type === 'narration' ? edit.text : edit.type === 'video' || edit.type === 'bgm' ? edit.prompt : undefined;
    if (edit.type !== 'video' && edit.type !== 'narration' && edit.type !== 'bgm') {
      return [`${at}.type: unknown edit type ${JSON.stringify((edit as { type?: unknown }).type)}; expected video, narration or bgm`];
    }
    const problems: string[] = [];
    const field = edit.type === 'narration' ? 'text' : 'prompt';
    if (typeof text !== 'string' || text.trim() === '') problems.push(`${at}.${field}: must be a non-empty string`);
    else if ([...text].length > PROMPT_MAX) problems.push(`${at}.${field}: must be at most ${PROMPT_MAX} characters (got ${[...text].length})`);
    if (edit.type === 'video') {
      const count = detail?.storyboards.length;
      if (!Number.isInteger(edit.storyboard) || edit.storyboard < 0) problems.push(`${at}.storyboard: must be a whole number ≥ 0`);
      else if (count !== undefined && edit.storyboard >= count) {
        problems.push(`${at}.storyboard: the film has ${count} storyboard(s), 0–${count - 1}; got ${edit.storyboard}`);
      }
    }
    return problems;
  });
}

/** The newest sub-task in `records` that succeeded: the one compose should use. */
function newestSuccess(records: AdSubTask[]): AdSubTask | undefined {
  return [...records].reverse().find((r) => r.state === 'success');
}

/**
 * The AD-film job: stage the images, create the film, wait for it, read its sub-tasks, apply the
 * edits in parallel (each a child workflow), optionally wait for review, compose from the newest
 * successful sub-tasks, wait for the composition and archive the film and the storyboard covers.
 */
export async function adFilm(input: AdFilmInput): Promise<AdFilmResult> {
  const { workflowId } = workflowInfo();
  const options = input.options ?? {};
  const waitMode = options.waitMode ?? 'auto';
  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const status: AdFilmStatus = { phase: 'staging', state: 'not_submitted', progress: 0, credits: 0, editsRunning: 0, edits: [], approved: false };
  const credits = new Map<string, number>();
  let detail: AdFilmDetail | undefined;
  let mainTaskId: string | undefined;
  let composeTaskId: string | undefined;
  const queued: AdFilmEdit[] = [];
  const running = new Map<string, ChildWorkflowHandle<typeof adFilmEdit>>();
  const editsPerStoryboard = new Map<number, { count: number; last: 'running' | 'success' | 'failed' }>();
  let editCounter = 0;
  // Admission control: the main task and the composition each hold a slot while at Vidu; each
  // edit child holds its own.
  const slot = new AdmissionSlot(options.priority ?? 'interactive');
  const waitForSlot = () => {
    setPhase('waiting_for_slot');
    upsertSearchAttributes([{ key: ViduState, value: 'waiting_for_slot' }]);
  };

  // Search attributes change with the state and credits, not with every progress tick: each
  // upsert is a history event.
  let lastUpserted = '';
  const tracker = new TaskTracker((snapshot: TaskSnapshot) => {
    credits.set(snapshot.taskId, snapshot.credits);
    status.credits = [...credits.values()].reduce((a, b) => a + b, 0);
    if (snapshot.taskId === mainTaskId || snapshot.taskId === composeTaskId) {
      status.state = snapshot.state;
      status.progress = snapshot.progress;
      const state = `${snapshot.taskId === composeTaskId ? 'compose-' : ''}${snapshot.state}`;
      if (`${state}/${status.credits}` !== lastUpserted) {
        lastUpserted = `${state}/${status.credits}`;
        upsertSearchAttributes([
          { key: ViduState, value: state },
          { key: ViduCredits, value: status.credits },
        ]);
      }
    }
    describe();
  });

  const describe = (): void => {
    const lines = [`**AD film** · phase \`${status.phase}\` · ${status.progress}% · ${status.credits} credits`];
    if (mainTaskId) lines.push(`main task \`${mainTaskId}\`${composeTaskId ? ` · compose task \`${composeTaskId}\`` : ''}`);
    if (detail) lines.push(`${detail.storyboards.length} storyboards · edits done ${status.edits.length}, running ${running.size}, queued ${queued.length}`);
    if (options.review) lines.push(status.approved ? 'approved' : 'waiting for review: update `requestEdits`, signal `approve`');
    setCurrentDetails(lines.join('\n\n'));
    noteStatus(() => ({ ...status, editsRunning: running.size }));
  };

  const setPhase = (phase: AdFilmStatus['phase']): void => {
    status.phase = phase;
    describe();
  };

  setHandler(adFilmStatusQuery, () => ({ ...status, editsRunning: running.size }));
  setHandler(storyboardsQuery, () => storyboardViews());
  setHandler(approveSignal, () => {
    status.approved = true;
    describe();
  });
  setHandler(
    requestEditsUpdate,
    (edits) => {
      queued.push(...edits);
      describe();
      return { accepted: edits.length };
    },
    {
      validator: (edits) => {
        if (!options.review) throw new Error('requestEdits is only for review mode (options.review = true)');
        if (status.approved) throw new Error('the film is already approved; no more edits');
        if (!detail) throw new Error('the film is not ready for review yet; wait for phase "reviewing"');
        const problems = editProblems(edits, detail);
        if (problems.length > 0) throw new Error(`invalid edits:\n  - ${problems.join('\n  - ')}`);
      },
    },
  );

  function storyboardViews(): StoryboardView[] {
    return (detail?.storyboards ?? []).map((s) => {
      const chosen = newestSuccess(s.records) ?? s.records[s.records.length - 1];
      const edits = editsPerStoryboard.get(s.index);
      return {
        index: s.index,
        prompt: chosen?.prompt ?? '',
        state: chosen?.state ?? 'created',
        mediaUrl: chosen?.creationUrl ?? '',
        subTaskId: chosen?.id ?? '',
        edits: edits?.count ?? 0,
        ...(edits ? { lastEdit: edits.last } : {}),
      };
    });
  }

  async function refreshDetail(): Promise<void> {
    detail = await quick.getAdFilmDetail.executeWithOptions({ summary: `read the sub-tasks of AD film ${mainTaskId}` }, [{ taskId: mainTaskId as string }]);
  }

  /** Runs `edits` in parallel as child workflows and waits for all of them. */
  async function runEdits(edits: AdFilmEdit[]): Promise<EditOutcome[]> {
    setPhase('editing');
    const knownIds = [
      ...(detail?.storyboards ?? []).flatMap((s) => s.records.map((r) => r.id)),
      ...(detail?.narration ?? []).map((r) => r.id),
      ...(detail?.bgm ?? []).map((r) => r.id),
    ];
    const outcomes = await Promise.all(
      edits.map(async (edit): Promise<EditOutcome> => {
        editCounter += 1;
        const id = `${workflowId}--edit-${editCounter}-${edit.type}${edit.type === 'video' ? `-${edit.storyboard}` : ''}`;
        const track = edit.type === 'video' ? (editsPerStoryboard.get(edit.storyboard) ?? { count: 0, last: 'running' as const }) : undefined;
        if (edit.type === 'video' && track) editsPerStoryboard.set(edit.storyboard, { count: track.count + 1, last: 'running' });
        const child = await startChild(adFilmEdit, {
          workflowId: id,
          staticSummary: `AD-film edit: ${describeEdit(edit)} → “${(edit.type === 'narration' ? edit.text : edit.prompt).slice(0, 100)}”`,
          args: [
            {
              mainTaskId: mainTaskId as string,
              edit,
              knownIds,
              attempts: options.editAttempts ?? DEFAULT_EDIT_ATTEMPTS,
              waitMode,
              priority: options.priority ?? 'interactive',
              ...(options.poll ? { poll: options.poll } : {}),
              timeoutSeconds,
            },
          ],
        });
        running.set(id, child);
        describe();
        try {
          return await child.result();
        } catch (err) {
          if (isCancellation(err)) throw err;
          const cause = (err as { cause?: ApplicationFailure }).cause;
          const details = (cause?.details?.[0] ?? {}) as { subTaskIds?: string[]; credits?: number; errCode?: string };
          return { edit, state: 'failed', subTaskIds: details.subTaskIds ?? [], credits: details.credits ?? 0, errCode: details.errCode ?? '', message: cause?.message ?? String(err) };
        } finally {
          running.delete(id);
        }
      }),
    );
    // Re-read the sub-tasks first, so that `storyboards` never shows an edit as done while it
    // still lists the footage the edit replaced.
    await refreshDetail();
    for (const outcome of outcomes) {
      status.edits.push(outcome);
      // Edits run in child workflows, so their credits reach the film's total only here.
      credits.set(`edit-${status.edits.length}`, outcome.credits);
      if (outcome.edit.type === 'video') {
        const track = editsPerStoryboard.get(outcome.edit.storyboard);
        if (track) track.last = outcome.state;
      }
    }
    status.credits = [...credits.values()].reduce((a, b) => a + b, 0);
    describe();
    return outcomes;
  }

  /** Waits for one of our Vidu tasks; a failure or a timeout fails the film. */
  async function awaitTask(taskId: string, callbacks: boolean, what: string): Promise<TaskSnapshot> {
    const finished = await tracker.waitForTerminal(taskId, { callbacks, timeoutSeconds, poll: options.poll, summary: `wait for ${what} (task ${taskId})` });
    if (!finished) {
      tracker.apply(await quick.fetchTask.executeWithOptions({ summary: `final check of task ${taskId}` }, [{ taskId }]));
    }
    const done = tracker.get(taskId) as TaskSnapshot;
    if (done.state === 'success') return done;
    if (done.state === 'failed') {
      throw ApplicationFailure.create({
        type: FailureType.ViduTaskFailed,
        message: `${what} (Vidu task ${taskId}) failed with err_code ${done.errCode || '(none)'}`,
        nonRetryable: true,
        details: [{ taskId, errCode: done.errCode, credits: done.credits }],
      });
    }
    await quick.cancelTask.executeWithOptions({ summary: `cancel overdue task ${taskId}` }, [{ taskId }]);
    throw ApplicationFailure.create({
      type: FailureType.ViduTimeout,
      message: `${what} (Vidu task ${taskId}) did not finish within ${timeoutSeconds} s`,
      nonRetryable: true,
      details: [{ taskId, state: done.state }],
    });
  }

  try {
    const staged = await staging.stageInputs.executeWithOptions({ summary: 'stage and check the AD-film images' }, [
      { kind: 'ad-one-click', workflowId, request: input.request, options },
    ]);
    upsertSearchAttributes([{ key: ViduKind, value: 'adFilm' }]);
    // Edits given at start are checked before anything is paid, as far as the film is known yet.
    if (input.edits && input.edits.length > 0) {
      const problems = editProblems(input.edits, undefined);
      if (problems.length > 0) {
        throw ApplicationFailure.create({ type: FailureType.InvalidRequest, message: `invalid edits:\n  - ${problems.join('\n  - ')}`, nonRetryable: true, details: [{ issues: problems }] });
      }
    }

    await slot.acquire('the AD film', waitForSlot);
    setPhase('submitting');
    tracker.expectNewTask();
    const main = await CancellationScope.nonCancellable(() =>
      paid.submitTask.executeWithOptions({ summary: 'create the AD film at Vidu' }, [{ kind: 'ad-one-click', workflowId, request: staged.request, waitMode }]),
    );
    mainTaskId = main.taskId;
    status.taskId = mainTaskId;
    upsertSearchAttributes([{ key: ViduTaskId, value: mainTaskId }]);
    tracker.track({ taskId: mainTaskId, state: main.state, progress: 0, errCode: '', credits: main.credits, creations: [], source: 'submit' });

    setPhase('generating');
    await awaitTask(mainTaskId, main.callbackRegistered, 'the AD film');
    await slot.release();
    await refreshDetail();

    const initial = input.edits ?? [];
    const late = initial.length > 0 ? editProblems(initial, detail) : [];
    if (late.length > 0) {
      throw ApplicationFailure.create({ type: FailureType.InvalidRequest, message: `invalid edits:\n  - ${late.join('\n  - ')}`, nonRetryable: true, details: [{ issues: late }] });
    }
    if (initial.length > 0) {
      const outcomes = await runEdits(initial);
      const failed = outcomes.find((o) => o.state === 'failed');
      // Without a reviewer, a failed edit fails the film; in review mode the reviewer decides.
      if (failed && !options.review) {
        throw ApplicationFailure.create({
          type: FailureType.AdEditFailed,
          message: failed.message ?? `the edit of ${describeEdit(failed.edit)} failed`,
          nonRetryable: true,
          details: [failed],
        });
      }
    }

    if (options.review) {
      setPhase('reviewing');
      const reviewTimeout = options.reviewTimeoutSeconds ?? DEFAULT_REVIEW_TIMEOUT_SECONDS;
      let deadlinePassed = false;
      while (!status.approved || queued.length > 0) {
        const woke = await condition(() => status.approved || queued.length > 0, `${reviewTimeout}s`);
        if (!woke) {
          deadlinePassed = true;
          break;
        }
        if (queued.length > 0) {
          await runEdits(queued.splice(0));
          setPhase('reviewing');
        }
      }
      if (deadlinePassed && !status.approved && (options.onReviewTimeout ?? 'fail') === 'fail') {
        throw ApplicationFailure.create({
          type: FailureType.ReviewTimedOut,
          message: `no approval within ${reviewTimeout} s; nothing was composed`,
          nonRetryable: true,
          details: [{ mainTaskId }],
        });
      }
    }

    setPhase('composing');
    const film = detail as AdFilmDetail;
    const videoTaskIds = film.storyboards.map((s) => newestSuccess(s.records)?.id);
    const bgm = newestSuccess(film.bgm);
    const narration = newestSuccess(film.narration);
    const missing = [
      ...videoTaskIds.flatMap((id, i) => (id ? [] : [`storyboard ${film.storyboards[i]?.index}`])),
      ...(bgm ? [] : ['the BGM']),
      ...(narration ? [] : ['the narration']),
    ];
    // Compose is never called with a sub-task that did not succeed.
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
      mainTaskId,
      videoTaskIds: videoTaskIds as string[],
      bgmTaskId: (bgm as AdSubTask).id,
      narrationTaskId: (narration as AdSubTask).id,
      knownIds: film.composed.map((c) => c.id),
      waitMode,
    };
    await slot.acquire('the composition', waitForSlot);
    setPhase('composing');
    tracker.expectNewTask();
    const compose = await CancellationScope.nonCancellable(() =>
      paid.composeAdFilm.executeWithOptions({ summary: `compose ${composeArgs.videoTaskIds.length} storyboards with BGM and narration` }, [composeArgs]),
    );
    composeTaskId = compose.taskId;
    status.composeTaskId = composeTaskId;
    tracker.track({ taskId: composeTaskId, state: compose.state, progress: 0, errCode: '', credits: compose.credits, creations: [], source: 'submit' });
    await awaitTask(composeTaskId, compose.callbackRegistered, 'the composition');
    await slot.release();

    const filmMedia = await quick.adFilmMedia.executeWithOptions({ summary: 'collect the film and storyboard covers' }, [
      { composeTaskId, videoTaskIds: composeArgs.videoTaskIds },
    ]);
    let archive;
    if (options.archive !== false) {
      setPhase('archiving');
      archive = await archiving.archiveTask.executeWithOptions({ summary: `archive the film and ${composeArgs.videoTaskIds.length} storyboard covers` }, [
        { workflowId, kind: 'adFilm', taskId: composeTaskId, creations: filmMedia },
      ]);
      // Storyboard covers are optional extras: one that could not be archived is listed in
      // archive.missing and the paid film still succeeds.
      status.archive = archive;
    }
    setPhase('done');
    upsertSearchAttributes([{ key: ViduState, value: 'success' }]);
    return {
      workflowId,
      taskId: mainTaskId,
      composeTaskId,
      credits: status.credits,
      videoTaskIds: composeArgs.videoTaskIds,
      bgmTaskId: composeArgs.bgmTaskId,
      narrationTaskId: composeArgs.narrationTaskId,
      edits: status.edits,
      film: filmMedia.filter((c) => c.url),
      ...(archive ? { archive } : {}),
    };
  } catch (err) {
    if (!isCancellation(err)) {
      await slot.release();
      status.error = err instanceof Error ? err.message : String(err);
      setPhase('failed');
      throw unwrapTyped(err);
    }
    // Edits in flight are child workflows: the cancellation reaches them and each cancels its own
    // sub-task. The main task and the composition are cancelled here.
    await CancellationScope.nonCancellable(async () => {
      for (const taskId of [mainTaskId, composeTaskId]) {
        if (taskId && !tracker.isTerminal(taskId)) {
          await quick.cancelTask.executeWithOptions({ summary: `cancel Vidu task ${taskId}` }, [{ taskId }]);
        }
      }
    });
    await slot.release();
    setPhase('cancelled');
    upsertSearchAttributes([{ key: ViduState, value: 'cancelled' }]);
    throw err;
  }
}
