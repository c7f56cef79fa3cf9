import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { MultiBar, Presets } from 'cli-progress';
import type { AdFilmStatus, GenerationHandle, GenerationStatus } from '../client/index';
import { adFilmDetail, adFilmStatusLine, statusLine } from './output';

// Progress of a running generation or AD film, driven by the `status` query. Always on stderr, so
// stdout carries only the result: a bar when stderr is a terminal, else one line per change of
// phase or Vidu state (for an AD film also of the edits running and done).

/** The answer of either `status` query: a generation's or an AD film's. */
export type FollowedStatus = GenerationStatus | AdFilmStatus;

export function isAdFilmStatus(s: FollowedStatus): s is AdFilmStatus {
  return 'editsRunning' in s;
}

function lineOf(s: FollowedStatus): string {
  return isAdFilmStatus(s) ? adFilmStatusLine(s) : statusLine(s);
}

/** What must change for the line output to print a new line. */
function changeKey(s: FollowedStatus): string {
  return isAdFilmStatus(s)
    ? `${s.phase}/${s.state}/${s.composeTaskId ?? ''}/${s.editsRunning}/${s.edits.length}`
    : `${s.phase}/${s.state}`;
}

export interface Progress {
  update(status: FollowedStatus): void;
  /** A message beside the progress (a bar keeps drawing below it). */
  note(message: string): void;
  stop(): void;
}

export type OutStream = NodeJS.WritableStream & { isTTY?: boolean };

function timestamp(d: Date): string {
  return d.toISOString().slice(11, 19);
}

/** One line per change of phase or state, with a time stamp (for logs and pipes). */
export function lineProgress(stream: OutStream, clock: () => Date = () => new Date()): Progress {
  let last = '';
  return {
    update(s) {
      const key = changeKey(s);
      if (key === last) return;
      last = key;
      stream.write(`${timestamp(clock())} ${lineOf(s)}\n`);
    },
    note(message) {
      stream.write(`${timestamp(clock())} ${message}\n`);
    },
    stop() {},
  };
}

/** A cli-progress bar: Vidu's progress in percent, with phase, state and task id beside it. */
export function barProgress(stream: OutStream): Progress {
  const multi = new MultiBar(
    {
      stream,
      format: ' {bar} {percentage}% | {phase} · {detail}',
      barsize: 30,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      fps: 5,
    },
    Presets.shades_classic,
  );
  const bar = multi.create(100, 0, { phase: 'starting', detail: '…' });
  return {
    update(s) {
      const detail = isAdFilmStatus(s) ? adFilmDetail(s, false) : `${s.state}${s.taskId ? ` · task ${s.taskId}` : ''}`;
      bar.update(Math.max(0, Math.min(100, s.progress)), { phase: s.phase, detail });
    },
    note(message) {
      multi.log(`${message}\n`);
    },
    stop() {
      multi.stop();
    },
  };
}

export function createProgress(stream: OutStream): Progress {
  return stream.isTTY ? barProgress(stream) : lineProgress(stream);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Yields the answer of `query` every `intervalMs` until the workflow closes (one last answer after
 * the close, when the query still answers). The AD-film counterpart of GenerationHandle.watch.
 */
export async function* watchWorkflow<S>(
  workflow: Pick<WorkflowHandle, 'describe'>,
  query: () => Promise<S>,
  intervalMs = 1000,
): AsyncIterable<S> {
  for (;;) {
    const running = (await workflow.describe()).status.name === 'RUNNING';
    try {
      yield await query();
    } catch (err) {
      if (running) throw err;
    }
    if (!running) return;
    await sleep(intervalMs);
  }
}

/**
 * Follows a generation until its workflow closes, reporting each status to `progress`. Query
 * failures while it runs (no worker yet, a worker restarting) are reported and retried.
 * Returns the last status seen, if any.
 */
export async function follow(
  handle: GenerationHandle,
  progress: Progress,
  intervalMs = 1000,
): Promise<GenerationStatus | undefined> {
  return followWatch(() => handle.watch(intervalMs), progress, intervalMs);
}

/**
 * follow() for any status stream; `onStatus` runs after each update (e.g. to announce that an AD
 * film awaits review) and is awaited before the next query.
 */
export async function followWatch<S extends FollowedStatus>(
  watch: () => AsyncIterable<S>,
  progress: Progress,
  intervalMs = 1000,
  onStatus?: (status: S) => Promise<void>,
): Promise<S | undefined> {
  let last: S | undefined;
  let failures = 0;
  for (;;) {
    try {
      for await (const status of watch()) {
        last = status;
        failures = 0;
        progress.update(status);
        if (onStatus) await onStatus(status);
      }
      return last;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw err;
      failures += 1;
      if (failures === 1 || failures % 10 === 0) {
        progress.note(
          `status query failed (${err instanceof Error ? err.message : String(err)}); retrying — the worker may be down, restarting, or failing this workflow's task (see its log)`,
        );
      }
      await sleep(intervalMs);
    }
  }
}
