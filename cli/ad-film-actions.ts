import { WorkflowUpdateFailedError, type WorkflowExecutionDescription } from '@temporalio/client';
import {
  type AdFilmHandle,
  type FilmHandle,
  type AdFilmStatus,
  type StoryboardView,
  type ViduFlowClient,
} from '../client/index';
import { type AdFilmFlags, prepareAdFilm, prepareEdits } from './ad-film-args';
import { UsageError } from './args';
import {
  type CliIO,
  err,
  EXIT,
  type GlobalFlags,
  json,
  out,
  type OutputFlags,
  planOrReport,
  printUsageIssues,
  tryStatus,
  WATCH_INTERVAL_MS,
  withClient,
} from './io';
import {
  type FilmResultView,
  formatAdFilmResult,
  formatAdFilmStatus,
  formatFailure,
  formatReviewNotice,
  formatStoryboards,
} from './output';
import { followWatch, watchWorkflow } from './progress';
import { awaitRun, startRun, statusRun } from './run-actions';

// The AD-film commands: `ad-film` (start, optionally --wait), `edit` and `approve` (review mode),
// `storyboards`, and what `status`, `watch` and `cancel` do when the workflow is an adFilm.
// Every action returns the exit code: 0 success, 1 failed, 2 bad input or usage.

export const AD_FILM_TYPE = 'adFilm';

/**
 * Whether the workflow is a one-click film: the AD film, or the music video that runs on its
 * workflow (same status, storyboards, edit and approve), so every command here takes both.
 */
export function isAdFilm(d: Pick<WorkflowExecutionDescription, 'type'>): boolean {
  return d.type === AD_FILM_TYPE || d.type === 'musicVideo';
}

/**
 * Shows progress until the film's workflow closes, then prints its result or failure. Whenever the
 * film enters review (again), prints its storyboards and the commands that edit or approve it,
 * and keeps waiting. Used by `ad-film --wait` and by `watch` on an adFilm workflow.
 */
export function awaitAdFilm(io: CliIO, handle: FilmHandle<FilmResultView>, flags: OutputFlags): Promise<number> {
  const intervalMs = io.pollIntervalMs ?? WATCH_INTERVAL_MS;
  // A review round starts when the film enters review, and again whenever a round of edits has
  // finished (the poll may miss the short editing phase in between, so finished edits count too).
  let previousPhase: AdFilmStatus['phase'] | undefined;
  let editsAtNotice = -1;
  let rounds = 0;
  return awaitRun<AdFilmStatus, FilmResultView>(io, handle, flags, {
    follow: (progress) =>
      followWatch(
        () => watchWorkflow(handle.workflow, () => handle.status(), intervalMs),
        progress,
        intervalMs,
        async (s) => {
          const newRound = previousPhase !== 'reviewing' || s.edits.length !== editsAtNotice;
          if (s.phase === 'reviewing' && !s.approved && s.editsRunning === 0 && newRound) {
            rounds += 1;
            editsAtNotice = s.edits.length;
            const storyboards = await handle.storyboards().catch(() => undefined);
            progress.note(formatReviewNotice(handle.workflowId, storyboards, rounds));
          }
          previousPhase = s.phase;
        },
      ),
    failure: (f) => formatFailure(handle.workflowId, f),
    result: formatAdFilmResult,
  });
}

export interface AdFilmCommandFlags extends AdFilmFlags, GlobalFlags, OutputFlags {
  wait?: boolean;
  dryRun?: boolean;
}

export async function adFilmAction(io: CliIO, flags: AdFilmCommandFlags): Promise<number> {
  const plan = planOrReport(io, () => prepareAdFilm(flags, { cwd: io.cwd, readFile: io.readFile }));
  if (!plan) return EXIT.usage;
  if (flags.dryRun) {
    json(io, { kind: AD_FILM_TYPE, ...plan.start, input: plan.input });
    return EXIT.ok;
  }
  const review = plan.input.options?.review === true;
  return withClient(io, flags, (client) =>
    startRun(io, flags, plan.start, () => client.startAdFilm(plan.input, plan.start), {
      started: 'AD film',
      startedNote: review ? ' (review mode)' : '',
      hints: (id) => [
        `started AD film; follow it with: vidu-flow watch ${id}`,
        ...(review
          ? [`review mode: once it is reviewing, see vidu-flow storyboards ${id}, then edit or approve it`]
          : []),
      ],
      follow: (handle) => awaitAdFilm(io, handle, flags),
    }),
  );
}

export async function watchAdFilmAction(io: CliIO, handle: AdFilmHandle, flags: OutputFlags): Promise<number> {
  return awaitAdFilm(io, handle, flags);
}

export function statusAdFilmAction(
  io: CliIO,
  handle: AdFilmHandle,
  d: WorkflowExecutionDescription,
  flags: OutputFlags,
): Promise<number> {
  return statusRun(io, handle, d, flags, formatAdFilmStatus);
}

/**
 * Cancels the film and waits until its workflow closes: edits in flight (child workflows) cancel
 * their sub-tasks, the workflow cancels the main task or the composition when still running.
 */
export async function cancelAdFilmAction(
  io: CliIO,
  handle: AdFilmHandle,
  before: WorkflowExecutionDescription,
  flags: OutputFlags,
  timeoutSeconds: number,
): Promise<number> {
  const workflowId = handle.workflowId;
  const report = (exec: string, s: AdFilmStatus | undefined, summary: string): void => {
    if (flags.json) {
      json(io, { workflowId, execution: exec, summary, status: s ?? null });
      return;
    }
    out(io, `${workflowId}: ${summary}`);
    if (s?.taskId)
      out(
        io,
        `  AD film task ${s.taskId}${s.composeTaskId ? ` · compose task ${s.composeTaskId}` : ''} · phase ${s.phase} · ${s.credits} credits`,
      );
  };
  if (before.status.name !== 'RUNNING') {
    report(
      before.status.name,
      (await tryStatus(handle)).status,
      `already closed (${before.status.name}); nothing to cancel`,
    );
    return before.status.name === 'CANCELLED' ? EXIT.ok : EXIT.failed;
  }
  await handle.cancel();
  if (!flags.json) err(io, `cancel requested for ${workflowId}; waiting for the workflow to cancel its Vidu tasks…`);
  const deadline = Date.now() + timeoutSeconds * 1000;
  let execution = 'RUNNING';
  let status: AdFilmStatus | undefined;
  while (Date.now() < deadline) {
    execution = (await handle.workflow.describe()).status.name;
    status = (await tryStatus(handle)).status ?? status;
    if (execution !== 'RUNNING') break;
    await new Promise((r) => setTimeout(r, io.pollIntervalMs ?? WATCH_INTERVAL_MS));
  }
  if (execution === 'CANCELLED') {
    report(execution, status, 'cancelled (Vidu tasks still in flight were cancelled where Vidu allows it)');
    return EXIT.ok;
  }
  if (execution === 'RUNNING') {
    report(
      execution,
      status,
      `cancel requested, but the workflow has not closed within ${timeoutSeconds}s (is a worker running?)`,
    );
    return EXIT.failed;
  }
  report(execution, status, `the workflow closed as ${execution} instead of being cancelled`);
  return execution === 'COMPLETED' ? EXIT.ok : EXIT.failed;
}

/** Finds the workflow and checks it is an AD film; otherwise prints why and returns the exit code. */
async function adFilmHandle(
  io: CliIO,
  client: ViduFlowClient,
  workflowId: string,
  running: string | undefined,
): Promise<{ handle: AdFilmHandle; d: WorkflowExecutionDescription } | number> {
  const handle = client.getAdFilmHandle(workflowId);
  const d = await handle.workflow.describe(); // WorkflowNotFoundError → exit 1 with a clear line
  if (!isAdFilm(d)) {
    err(
      io,
      `vidu-flow: ${workflowId} is a workflow of type ${d.type}, not an AD film (${AD_FILM_TYPE}) or a music video (musicVideo)`,
    );
    return EXIT.usage;
  }
  if (running !== undefined && d.status.name !== 'RUNNING') {
    err(io, `vidu-flow: ${workflowId} is closed (${d.status.name}); ${running}`);
    return EXIT.failed;
  }
  return { handle, d };
}

export interface EditCommandFlags extends GlobalFlags, OutputFlags {
  edit?: string[];
}

/** `vidu-flow edit <id> --edit …`: the requestEdits update. The workflow validates before accepting. */
export async function editAction(io: CliIO, workflowId: string, flags: EditCommandFlags): Promise<number> {
  let edits;
  try {
    edits = prepareEdits(flags.edit);
  } catch (e) {
    if (e instanceof UsageError) {
      printUsageIssues(io, e.issues, 'nothing was sent');
      return EXIT.usage;
    }
    throw e;
  }
  return withClient(io, flags, async (client) => {
    const found = await adFilmHandle(io, client, workflowId, 'it takes no more edits');
    if (typeof found === 'number') return found;
    let accepted: number;
    try {
      ({ accepted } = await found.handle.requestEdits(edits));
    } catch (e) {
      if (!(e instanceof WorkflowUpdateFailedError)) throw e;
      // The update's validator refused (unknown storyboard, not in review mode, already approved…):
      // nothing entered the workflow's history and nothing was sent to Vidu.
      const reason = e.cause?.message ?? e.message;
      if (flags.json) json(io, { workflowId, accepted: 0, rejected: reason });
      else {
        err(io, `vidu-flow: ${workflowId} rejected the edits; nothing was sent to Vidu:`);
        err(
          io,
          reason
            .split('\n')
            .map((l) => `  ${l}`)
            .join('\n'),
        );
      }
      return EXIT.usage;
    }
    if (flags.json) json(io, { workflowId, accepted });
    else {
      out(io, `${workflowId}: ${accepted} edit(s) accepted; they run now`);
      err(
        io,
        `follow with: vidu-flow watch ${workflowId} · see the storyboards: vidu-flow storyboards ${workflowId} · then: vidu-flow approve ${workflowId}`,
      );
    }
    return EXIT.ok;
  });
}

/** `vidu-flow approve <id>`: the approve signal; the film composes once no edit is running. */
export async function approveAction(io: CliIO, workflowId: string, flags: GlobalFlags & OutputFlags): Promise<number> {
  return withClient(io, flags, async (client) => {
    const found = await adFilmHandle(io, client, workflowId, 'nothing to approve');
    if (typeof found === 'number') return found;
    await found.handle.approve();
    const { status } = await tryStatus(found.handle);
    if (flags.json) {
      json(io, {
        workflowId,
        approved: true,
        ...(status ? { phase: status.phase, editsRunning: status.editsRunning } : {}),
      });
      return EXIT.ok;
    }
    const pending =
      status && status.editsRunning > 0
        ? `; it composes once the ${status.editsRunning} running edit(s) finish`
        : '; it composes now';
    out(io, `${workflowId}: approved${status ? ` (phase ${status.phase})` : ''}${pending}`);
    err(io, `follow with: vidu-flow watch ${workflowId}`);
    return EXIT.ok;
  });
}

/** `vidu-flow storyboards <id>`: the storyboards query. */
export async function storyboardsAction(
  io: CliIO,
  workflowId: string,
  flags: GlobalFlags & OutputFlags,
): Promise<number> {
  return withClient(io, flags, async (client) => {
    const found = await adFilmHandle(io, client, workflowId, undefined);
    if (typeof found === 'number') return found;
    let storyboards: StoryboardView[];
    try {
      storyboards = await found.handle.storyboards();
    } catch (e) {
      err(
        io,
        `vidu-flow: the storyboards query of ${workflowId} failed: ${e instanceof Error ? e.message : String(e)} (is a worker running?)`,
      );
      return EXIT.failed;
    }
    if (flags.json) {
      json(io, storyboards);
      return EXIT.ok;
    }
    if (storyboards.length === 0) {
      const { status } = await tryStatus(found.handle);
      err(
        io,
        `no storyboards yet${status ? ` (phase ${status.phase}); they are known once the film is generated` : ''}`,
      );
      return EXIT.ok;
    }
    out(io, formatStoryboards(storyboards));
    return EXIT.ok;
  });
}
