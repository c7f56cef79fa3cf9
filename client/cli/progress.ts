import { WorkflowNotFoundError } from '@temporalio/client';
import { MultiBar, Presets } from 'cli-progress';
import type { GenerationHandle } from '../index';
import type { GenerationStatus } from '../../workflows/types';
import { statusLine } from './output';

// Progress of a running generation, driven by the `status` query. Always on stderr, so stdout
// carries only the result: a bar when stderr is a terminal, else one line per change of phase or
// Vidu state.

export interface Progress {
  update(status: GenerationStatus): void;
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
      const key = `${s.phase}/${s.state}`;
      if (key === last) return;
      last = key;
      stream.write(`${timestamp(clock())} ${statusLine(s)}\n`);
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
      format: ' {bar} {percentage}% | {phase} · {state}{task}',
      barsize: 30,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      fps: 5,
    },
    Presets.shades_classic,
  );
  const bar = multi.create(100, 0, { phase: 'starting', state: '…', task: '' });
  return {
    update(s) {
      bar.update(Math.max(0, Math.min(100, s.progress)), { phase: s.phase, state: s.state, task: s.taskId ? ` · task ${s.taskId}` : '' });
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
 * Follows a generation until its workflow closes, reporting each status to `progress`. Query
 * failures while it runs (no worker yet, a worker restarting) are reported and retried.
 * Returns the last status seen, if any.
 */
export async function follow(handle: GenerationHandle, progress: Progress, intervalMs = 1000): Promise<GenerationStatus | undefined> {
  let last: GenerationStatus | undefined;
  let failures = 0;
  for (;;) {
    try {
      for await (const status of handle.watch(intervalMs)) {
        last = status;
        failures = 0;
        progress.update(status);
      }
      return last;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw err;
      failures += 1;
      if (failures === 1 || failures % 10 === 0) {
        progress.note(`status query failed (${err instanceof Error ? err.message : String(err)}); retrying — the worker may be down, restarting, or failing this workflow's task (see its log)`);
      }
      await sleep(intervalMs);
    }
  }
}
