// Stub activities for the fast workflow tests (test/helpers/time-skipping.ts): a fake Vidu held in
// memory, driven by a small per-test scenario, behind the activity names the workflows call
// through workflows/activity-proxies.ts. Typed as a Partial of the real activities
// (activities/index.ts), so a renamed activity or a changed signature fails to compile here.
//
// What each stub keeps of the real activity's contract (the workflows depend on it):
// - pollTask: one poll per attempt; not finished → a BENIGN `TaskNotFinished` failure with
//   nextRetryDelay from the same schedule (core/poll-schedule.ts), and with callbacks expected
//   attempt 1 asks nothing (skipFirstPoll), as activities/poll.ts does;
// - submitWhenAdmitted: `{ queued, managerId }` when the slot manager queues the request, the
//   submit answer otherwise (activities/admitted-submit.ts);
// - cancelTask: the outcome, and the task as Vidu shows it right after (activities/cancel.ts).
// Every call is logged with the workflow id it ran for, so a test can say which ran, and how often.

import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { GenerationActivities } from '../../activities';
import type { AdFilmDetail, AdSubTask } from '../../core/ad-film-types';
import type { BatchLine, BatchLineResult } from '../../core/batch-types';
import type { CancellationOutcome, CreationRef, TaskSnapshot, TaskStateName } from '../../core/generation-types';
import { pollDelaySeconds } from '../../core/poll-schedule';

export type StubActivities = Partial<GenerationActivities>;
type Input<K extends keyof GenerationActivities> = Parameters<GenerationActivities[K]>[0];

export interface StubCall {
  activity: string;
  workflowId: string;
  input: unknown;
  attempt: number;
}

/** How a Vidu task ends, and when: after `polls` polls (Get Generation calls count too), or never. */
export interface TaskScript {
  state: 'success' | 'failed';
  errCode?: string;
  /** Credits when it ends (default: what it was submitted for). */
  credits?: number;
  /** Get Generation answers before the task shows as ended (default 0: at the first look). */
  polls?: number | 'never';
}

export interface Scenario {
  /** The submit answer registers a callback (callbacks expected) or not (poll only). Default false. */
  callbacks: boolean;
  /** The staged model is off-peak. Default false. */
  offPeak: boolean;
  /** Credits a task is submitted for. Default 10. */
  credits: number;
  /** How each new task ends, by the task's kind and the submit input; default: success at once. */
  script: (task: { kind: string; taskId: string; request?: Record<string, unknown>; nth: number }) => TaskScript;
  /** Workflows (by id) whose first submitWhenAdmitted the slot manager queues. */
  queueFor: (workflowId: string) => boolean;
  /** What Vidu answers to a cancel. Default: cancelled (and the task fails with UserCancelled). */
  cancel: CancellationOutcome['outcome'];
  /** The AD film's storyboards when it ends. Default 2. */
  storyboards: number;
  /** Batch: the lines of the JSONL file. */
  batchLines: BatchLine[];
}

interface FakeTask {
  taskId: string;
  kind: string;
  state: TaskStateName;
  credits: number;
  script: TaskScript;
  looks: number;
  /** AD-film sub-tasks: which storyboard/track the sub-task belongs to. */
  track?: string;
  prompt?: string;
  /** AD-film edits: the record Vidu lists for the sub-task in the film's detail. */
  record?: AdSubTask;
}

/**
 * A script for Scenario.script: the first `n` tasks of the workflow fail with `errCode` (refunded:
 * 0 credits, as Vidu does for a failed task, docs/vidu-api.md §9.1), the rest succeed.
 */
export function failFirst(n: number, errCode: string): Scenario['script'] {
  return ({ nth }) => (nth <= n ? { state: 'failed', errCode, credits: 0 } : { state: 'success' });
}

const MANAGER_ID = 'viduSlots-stub';

/** A fake Vidu and the activities in front of it. */
export class StubVidu {
  readonly scenario: Scenario;
  readonly calls: StubCall[] = [];
  readonly tasks = new Map<string, FakeTask>();
  /** Batch results as the workflow wrote them, by batch workflow id. */
  readonly batchResults = new Map<string, BatchLineResult[]>();
  /** Most tasks open at Vidu at once (submitted, not yet seen ended): what a window or a slot cap bounds. */
  maxOpenTasks = 0;
  private seq = 0;
  private readonly queuedOnce = new Set<string>();
  /** AD films: storyboard/narration/bgm sub-tasks per main task. */
  private readonly films = new Map<string, { tracks: Map<string, AdSubTask[]> }>();

  constructor(scenario: Partial<Scenario> = {}) {
    this.scenario = {
      callbacks: false,
      offPeak: false,
      credits: 10,
      script: () => ({ state: 'success' }),
      queueFor: () => false,
      cancel: 'cancelled',
      storyboards: 2,
      batchLines: [],
      ...scenario,
    };
  }

  /** The calls of one activity (optionally for one workflow). */
  callsOf(activity: string, workflowId?: string): StubCall[] {
    return this.calls.filter(
      (c) => c.activity === activity && (workflowId === undefined || c.workflowId === workflowId),
    );
  }

  /** Ends a task at Vidu now (as a callback would announce): the next look sees it. */
  finish(taskId: string, state: 'success' | 'failed' = 'success', errCode = ''): void {
    const task = this.mustTask(taskId);
    task.script = { ...task.script, state, errCode, polls: 0 };
  }

  private log(activity: string, input: unknown): StubCall {
    const info = Context.current().info;
    const call = { activity, workflowId: info.workflowExecution?.workflowId ?? '?', input, attempt: info.attempt };
    this.calls.push(call);
    return call;
  }

  private mustTask(taskId: string): FakeTask {
    const task = this.tasks.get(taskId);
    if (!task)
      throw ApplicationFailure.create({
        type: 'ViduTaskNotFound',
        message: `no task ${taskId} at the stub Vidu`,
        nonRetryable: true,
      });
    return task;
  }

  private newTask(kind: string, prefix: string, request?: Record<string, unknown>, extra: Partial<FakeTask> = {}) {
    this.seq += 1;
    const taskId = `${prefix}${this.seq}`;
    const nth = [...this.tasks.values()].filter((t) => t.kind === kind).length + 1;
    const task: FakeTask = {
      taskId,
      kind,
      state: 'created',
      credits: this.scenario.credits,
      script: this.scenario.script({ kind, taskId, request, nth }),
      looks: 0,
      ...extra,
    };
    this.tasks.set(taskId, task);
    this.maxOpenTasks = Math.max(this.maxOpenTasks, this.openTasks());
    return {
      taskId,
      state: task.state,
      credits: task.credits,
      callbackRegistered: this.scenario.callbacks,
      via: 'created' as const,
    };
  }

  private openTasks(): number {
    return [...this.tasks.values()].filter((t) => t.state !== 'success' && t.state !== 'failed').length;
  }

  /** One Get Generation: the task moves on by its script. */
  private look(taskId: string): TaskSnapshot {
    const task = this.mustTask(taskId);
    task.looks += 1;
    const { polls = 0 } = task.script;
    if (task.state !== 'success' && task.state !== 'failed') {
      if (polls !== 'never' && task.looks > polls) {
        task.state = task.script.state;
        if (task.script.credits !== undefined) task.credits = task.script.credits;
        this.onEnded(task);
      } else {
        task.state = 'processing';
      }
    }
    return this.snapshot(task);
  }

  private snapshot(task: FakeTask): TaskSnapshot {
    const done = task.state === 'success';
    return {
      taskId: task.taskId,
      state: task.state,
      progress: done ? 100 : task.state === 'failed' ? 0 : 50,
      errCode: task.state === 'failed' ? (task.script.errCode ?? 'StubFailed') : '',
      credits: task.credits,
      creations: done ? [creation(task.taskId)] : [],
      source: 'poll',
    };
  }

  /** An AD-film sub-task that ends joins its storyboard's (or track's) records, as Vidu lists them. */
  private onEnded(task: FakeTask): void {
    if (task.record) {
      task.record.state = task.state;
      task.record.errCode = task.state === 'failed' ? (task.script.errCode ?? 'StubFailed') : '';
      task.record.creationUrl = task.state === 'success' ? `https://cdn.example/${task.taskId}.mp4` : '';
    }
    // The music video (one-click-mv) has storyboards only: its music is the caller's audio.
    if (task.kind === 'ad-one-click' || task.kind === 'one-click-mv') {
      const tracks = new Map<string, AdSubTask[]>();
      for (let i = 0; i < this.scenario.storyboards; i += 1)
        tracks.set(`video-${i}`, [subTask(`${task.taskId}-sb${i}`, `storyboard ${i}`)]);
      if (task.kind === 'ad-one-click') tracks.set('narration', [subTask(`${task.taskId}-n`, 'narration')]);
      if (task.kind === 'ad-one-click') tracks.set('bgm', [subTask(`${task.taskId}-b`, 'bgm')]);
      this.films.set(task.taskId, { tracks });
    }
  }

  private film(mainTaskId: string) {
    const film = this.films.get(mainTaskId);
    if (!film)
      throw ApplicationFailure.create({
        type: 'ViduTaskNotFound',
        message: `no AD film ${mainTaskId}`,
        nonRetryable: true,
      });
    return film;
  }

  /** The activities, bound to this fake Vidu. */
  activities(): StubActivities {
    const vidu = this;
    const { scenario } = this;
    return {
      async stageInputs(input: Input<'stageInputs'>) {
        vidu.log('stageInputs', input);
        return {
          request: input.request,
          media: [],
          offPeak: scenario.offPeak,
          model: String(input.request.model ?? 'viduq2'),
        };
      },
      async submitWhenAdmitted(input: Input<'submitWhenAdmitted'>) {
        vidu.log('submitWhenAdmitted', input);
        if (scenario.queueFor(input.workflowId) && !vidu.queuedOnce.has(input.workflowId)) {
          vidu.queuedOnce.add(input.workflowId);
          return { queued: true as const, managerId: MANAGER_ID };
        }
        return vidu.newTask(input.kind, 't', input.request);
      },
      async submitTask(input: Input<'submitTask'>) {
        vidu.log('submitTask', input);
        return vidu.newTask(input.kind, 'film', input.request);
      },
      async requestSlot(input: Input<'requestSlot'>) {
        vidu.log('requestSlot', input);
        return undefined;
      },
      async releaseSlot(input: Input<'releaseSlot'>) {
        vidu.log('releaseSlot', input);
      },
      async pollTask(input: Input<'pollTask'>) {
        const { attempt } = vidu.log('pollTask', input);
        const notYet = (state: string) =>
          ApplicationFailure.create({
            type: 'TaskNotFinished',
            message: `task ${input.taskId} is ${state}`,
            nextRetryDelay: `${pollDelaySeconds(input.schedule, attempt)}s`,
            category: ApplicationFailureCategory.BENIGN,
          });
        if (input.skipFirstPoll && attempt === 1) throw notYet('just submitted');
        const seen = vidu.look(input.taskId);
        if (seen.state === 'success' || seen.state === 'failed') return seen;
        throw notYet(seen.state);
      },
      async fetchTask(input: Input<'fetchTask'>) {
        vidu.log('fetchTask', input);
        return vidu.look(input.taskId);
      },
      async cancelTask(input: Input<'cancelTask'>) {
        vidu.log('cancelTask', input);
        const task = vidu.mustTask(input.taskId);
        if (task.state === 'success' || task.state === 'failed')
          return { outcome: 'already-finished' as const, message: 'stub: the task had ended' };
        if (scenario.cancel === 'cancelled') {
          task.state = 'failed';
          task.script = { ...task.script, state: 'failed', errCode: 'UserCancelled' };
          task.credits = 0;
          vidu.onEnded(task);
        }
        const outcome = { outcome: scenario.cancel, message: `stub: ${scenario.cancel}` };
        return input.readAfter ? { ...outcome, after: vidu.snapshot(task) } : outcome;
      },
      async archiveTask(input: Input<'archiveTask'>) {
        vidu.log('archiveTask', input);
        const root = `memory://archive/${input.workflowId}`;
        const files = input.creations
          .filter((c) => c.url !== '')
          .map((c) => ({
            name: `${c.id}.mp4`,
            role: 'video' as const,
            creationId: c.id,
            sha256: '0'.repeat(64),
            bytes: 1,
            contentType: 'video/mp4',
            location: `${root}/${c.id}.mp4`,
          }));
        return { root, manifest: `${root}/manifest.json`, files };
      },

      // The AD film.
      async getAdFilmDetail(input: Input<'getAdFilmDetail'>): Promise<AdFilmDetail> {
        vidu.log('getAdFilmDetail', input);
        const { tracks } = vidu.film(input.taskId);
        const storyboards = [...tracks.entries()]
          .filter(([k]) => k.startsWith('video-'))
          .map(([k, records]) => ({ index: Number(k.slice(6)), records: [...records] }));
        return {
          taskId: input.taskId,
          state: 'success',
          storyboards,
          narration: [...(tracks.get('narration') ?? [])],
          bgm: [...(tracks.get('bgm') ?? [])],
          composed: [],
        };
      },
      async submitAdEdit(input: Input<'submitAdEdit'>) {
        vidu.log('submitAdEdit', input);
        const { edit } = input;
        const track = edit.type === 'video' ? `video-${edit.storyboard}` : edit.type;
        const prompt = edit.type === 'narration' ? edit.text : edit.prompt;
        const submitted = vidu.newTask(`edit-${track}`, 'edit', { prompt }, { track, prompt });
        const tracks = vidu.film(input.mainTaskId).tracks;
        // Vidu lists the new sub-task at once, and updates its state as it runs.
        const record = subTask(submitted.taskId, prompt, 'processing');
        tracks.set(track, [...(tracks.get(track) ?? []), record]);
        vidu.mustTask(submitted.taskId).record = record;
        return submitted;
      },
      async composeAdFilm(input: Input<'composeAdFilm'>) {
        vidu.log('composeAdFilm', input);
        return vidu.newTask('compose', 'compose');
      },
      async adFilmMedia(input: Input<'adFilmMedia'>): Promise<CreationRef[]> {
        vidu.log('adFilmMedia', input);
        return [
          creation(input.composeTaskId),
          ...input.videoTaskIds.map((id) => ({
            id,
            url: '',
            coverUrl: `https://cdn.example/${id}.jpg`,
            sourceTaskId: id,
          })),
        ];
      },

      // The batch: the JSONL file is scenario.batchLines; cursors are line numbers (offset = line × 100).
      async readBatchLines(input: Input<'readBatchLines'>) {
        vidu.log('readBatchLines', input);
        const all = scenario.batchLines;
        const from = all.filter((l) => l.line >= input.line);
        const lines = from.slice(0, input.limit);
        const last = lines[lines.length - 1];
        const nextLine = last ? last.line + 1 : input.line;
        return {
          lines,
          next: { offset: nextLine * 100, line: nextLine },
          eof: from.length <= lines.length,
          ...(input.offset === 0 ? { total: all.length } : {}),
          source: { bytes: all.length * 100, mtimeMs: 1 },
        };
      },
      async recordBatchResults(input: Input<'recordBatchResults'>) {
        vidu.log('recordBatchResults', input);
        vidu.batchResults.set(input.workflowId, [...(vidu.batchResults.get(input.workflowId) ?? []), ...input.results]);
      },
      async finishBatchResults(input: Input<'finishBatchResults'>) {
        vidu.log('finishBatchResults', input);
        return {
          resultsFile: `memory://results/${input.workflowId}.jsonl`,
          lines: vidu.batchResults.get(input.workflowId)?.length ?? 0,
        };
      },
    };
  }
}

function creation(taskId: string): CreationRef {
  return { id: `c-${taskId}`, url: `https://cdn.example/${taskId}.mp4`, coverUrl: `https://cdn.example/${taskId}.jpg` };
}

function subTask(id: string, prompt: string, state: TaskStateName = 'success'): AdSubTask {
  return { id, state, errCode: '', prompt, creationUrl: state === 'success' ? `https://cdn.example/${id}.mp4` : '' };
}

/** The names of every stub activity: what a shared worker registers (test/helpers/time-skipping.ts startFastWorker). */
export const STUB_ACTIVITY_NAMES: readonly string[] = Object.keys(new StubVidu().activities());
