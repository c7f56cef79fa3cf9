import {
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type {
  AdFilmDetail,
  AdFilmEdit,
  AdFilmInput,
  AdFilmOptions,
  AdFilmStatus,
  AdSubTask,
  StoryboardView,
} from '../../core/ad-film-types';
import type { TaskSnapshot, WaitMode } from '../../core/generation-types';
import { AD_FILM, type FilmKind } from '../../core/film-kinds';
import { ViduCredits, ViduState } from '../../core/search-attributes';
import { adFilmStatusQuery, approveSignal, requestEditsUpdate, storyboardsQuery } from '../../core/workflow-messages';
import type { adFilmEdit } from './ad-film-edit';
import { AdmissionSlot } from '../admission/admission-slot';
import { DEFAULT_TIMEOUT_SECONDS } from '../generation/state';
import { TaskTracker } from '../generation/task-tracker';
import { noteStatus } from '../webhooks/webhook-updates';
import { editProblems, notReadyForReview, refusedEdits } from './edit-problems';

/**
 * Everything one AD-film run knows, passed from phase to phase. The queries, the `approve` signal
 * and the `requestEdits` update read and write it between phases.
 */
export interface FilmRun {
  /** Which film this is (core/film-kinds.ts): what the AD film and the music video do differently. */
  readonly kind: FilmKind;
  readonly workflowId: string;
  readonly input: AdFilmInput;
  readonly options: AdFilmOptions;
  readonly waitMode: WaitMode;
  readonly timeoutSeconds: number;
  /** What the `status` query shows (editsRunning is filled in when read). */
  readonly status: AdFilmStatus;
  /** Credits per Vidu task (and per finished edit); their sum is status.credits. */
  readonly credits: Map<string, number>;
  /** The film's sub-tasks as last read from Vidu; undefined until the film exists. */
  detail?: AdFilmDetail;
  mainTaskId?: string;
  composeTaskId?: string;
  /** Review mode: edits asked for by `requestEdits`, not started yet. */
  readonly queued: AdFilmEdit[];
  /** Edit child workflows in flight, by workflow id. */
  readonly running: Map<string, ChildWorkflowHandle<typeof adFilmEdit>>;
  readonly editsPerStoryboard: Map<number, { count: number; last: 'running' | 'success' | 'failed' }>;
  /** Edits started so far: numbers the edit workflows' ids. */
  editCounter: number;
  /** Admission control: the main task and the composition each hold a slot while at Vidu; each edit child holds its own. */
  readonly slot: AdmissionSlot;
  readonly tracker: TaskTracker;
  /** The ViduState/ViduCredits pair last upserted (each upsert is a history event). */
  lastUpserted: string;
}

/** Sets up the run's state and its handlers; adds nothing to history. */
export function openFilmRun(input: AdFilmInput, kind: FilmKind = AD_FILM): FilmRun {
  const options = input.options ?? {};
  const slot = new AdmissionSlot(options.priority ?? 'interactive');
  const film: FilmRun = {
    kind,
    workflowId: workflowInfo().workflowId,
    input,
    options,
    waitMode: options.waitMode ?? 'auto',
    timeoutSeconds: options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    status: {
      phase: 'staging',
      state: 'not_submitted',
      progress: 0,
      credits: 0,
      editsRunning: 0,
      edits: [],
      approved: false,
    },
    credits: new Map(),
    queued: [],
    running: new Map(),
    editsPerStoryboard: new Map(),
    editCounter: 0,
    slot,
    tracker: new TaskTracker((snapshot) => onSnapshot(film, snapshot)),
    lastUpserted: '',
  };

  setHandler(adFilmStatusQuery, () => ({ ...film.status, editsRunning: film.running.size }));
  setHandler(storyboardsQuery, () => storyboardViews(film));
  setHandler(approveSignal, () => {
    film.status.approved = true;
    describe(film);
  });
  setHandler(
    requestEditsUpdate,
    (edits) => {
      film.queued.push(...edits);
      describe(film);
      return { accepted: edits.length };
    },
    {
      validator: (edits) => {
        // Typed refusals (core/failure-types.ts), so a caller in any language branches on the type
        // and on details[0].problems rather than on the message.
        if (!options.review)
          throw notReadyForReview('not-review-mode', 'requestEdits is only for review mode (options.review = true)');
        if (film.status.approved) throw notReadyForReview('approved', 'the film is already approved; no more edits');
        if (!film.detail)
          throw notReadyForReview('not-generated', 'the film is not ready for review yet; wait for phase "reviewing"');
        const problems = editProblems(edits, film.detail, kind);
        if (problems.length > 0) throw refusedEdits(problems);
      },
    },
  );
  return film;
}

/**
 * A Vidu answer about one of the film's tasks. Search attributes change with the state and
 * credits, not with every progress tick: each upsert is a history event.
 */
function onSnapshot(film: FilmRun, snapshot: TaskSnapshot): void {
  const { status } = film;
  film.credits.set(snapshot.taskId, snapshot.credits);
  status.credits = totalCredits(film);
  if (snapshot.taskId === film.mainTaskId || snapshot.taskId === film.composeTaskId) {
    status.state = snapshot.state;
    status.progress = snapshot.progress;
    const state = `${snapshot.taskId === film.composeTaskId ? 'compose-' : ''}${snapshot.state}`;
    if (`${state}/${status.credits}` !== film.lastUpserted) {
      film.lastUpserted = `${state}/${status.credits}`;
      upsertSearchAttributes([
        { key: ViduState, value: state },
        { key: ViduCredits, value: status.credits },
      ]);
    }
  }
  describe(film);
}

export function totalCredits(film: FilmRun): number {
  return [...film.credits.values()].reduce((a, b) => a + b, 0);
}

/** Shows where the film is in the Web UI, and tells the generation.updated feed. */
export function describe(film: FilmRun): void {
  const { status, options } = film;
  const lines = [
    `**${film.kind.label}** · phase \`${status.phase}\` · ${status.progress}% · ${status.credits} credits`,
  ];
  if (film.mainTaskId)
    lines.push(
      `main task \`${film.mainTaskId}\`${film.composeTaskId ? ` · compose task \`${film.composeTaskId}\`` : ''}`,
    );
  if (film.detail)
    lines.push(
      `${film.detail.storyboards.length} storyboards · edits done ${status.edits.length}, running ${film.running.size}, queued ${film.queued.length}`,
    );
  if (options.review)
    lines.push(status.approved ? 'approved' : 'waiting for review: update `requestEdits`, signal `approve`');
  setCurrentDetails(lines.join('\n\n'));
  noteStatus(() => ({ ...status, editsRunning: film.running.size }));
}

export function setPhase(film: FilmRun, phase: AdFilmStatus['phase']): void {
  film.status.phase = phase;
  describe(film);
}

/** Passed to slot.acquire: shown when the film has to queue for a Vidu slot. */
export function waitingForSlot(film: FilmRun): () => void {
  return () => {
    setPhase(film, 'waiting_for_slot');
    upsertSearchAttributes([{ key: ViduState, value: 'waiting_for_slot' }]);
  };
}

/** The newest sub-task in `records` that succeeded: the one compose should use. */
export function newestSuccess(records: AdSubTask[]): AdSubTask | undefined {
  return [...records].reverse().find((r) => r.state === 'success');
}

function storyboardViews(film: FilmRun): StoryboardView[] {
  return (film.detail?.storyboards ?? []).map((s) => {
    const chosen = newestSuccess(s.records) ?? s.records[s.records.length - 1];
    const edits = film.editsPerStoryboard.get(s.index);
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
