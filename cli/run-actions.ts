import type { WorkflowExecutionDescription } from '@temporalio/client';
import { type FailureReport, InvalidGenerationInput, type StartOptions } from '../client/index';
import { type CliIO, EXIT, err, json, out, type OutputFlags, printUsageIssues, reportFailure, tryStatus } from './io';
import { deferredStartNote } from './not-before';
import type { DescribedExecution } from './output';
import { createProgress, type Progress } from './progress';

// What the generation and AD-film commands do alike (actions.ts, ad-film-actions.ts): start a
// run and report it, follow one to its outcome, show its status. Each returns the exit code.

/** A started generation or AD film, as these helpers need it. */
interface RunLike<S, R> {
  readonly workflowId: string;
  status(): Promise<S>;
  result(): Promise<R>;
}

/**
 * Starts a run with `start` (`startOptions` are the ones it starts with). Input the client refuses is a usage error (exit 2); a deferred start
 * is noted. Without --wait prints the workflow id (and, on a terminal, the hints) and returns 0;
 * with it says what started on stderr and returns what `follow` does.
 */
export async function startRun<H extends { readonly workflowId: string }>(
  io: CliIO,
  flags: OutputFlags & { wait?: boolean },
  startOptions: StartOptions,
  start: () => Promise<H>,
  report: {
    /** What was started, for `started <what> <id>`; `startedNote` follows the id. */
    started: string;
    startedNote?: string;
    /** Lines for a person at a terminal when not waiting: how to follow the run. */
    hints: (workflowId: string) => string[];
    follow: (handle: H) => Promise<number>;
  },
): Promise<number> {
  let handle: H;
  try {
    handle = await start();
  } catch (e) {
    if (e instanceof InvalidGenerationInput) {
      printUsageIssues(io, e.issues);
      return EXIT.usage;
    }
    throw e;
  }
  const deferred = deferredStartNote(startOptions.notBefore, new Date());
  if (deferred && !flags.json) err(io, deferred);
  if (!flags.wait) {
    if (flags.json) json(io, { workflowId: handle.workflowId });
    else out(io, handle.workflowId);
    if (io.stderr.isTTY && !flags.json) for (const line of report.hints(handle.workflowId)) err(io, line);
    return EXIT.ok;
  }
  if (!flags.json) err(io, `started ${report.started} ${handle.workflowId}${report.startedNote ?? ''}`);
  return report.follow(handle);
}

/**
 * Shows progress until the workflow closes, then prints its result or failure. Ctrl-C stops
 * watching, never the workflow. `follow` drives the progress and returns the last status seen.
 */
export async function awaitRun<S, R>(
  io: CliIO,
  handle: RunLike<S, R>,
  flags: OutputFlags,
  show: {
    follow: (progress: Progress) => Promise<S | undefined>;
    failure: (failure: FailureReport, status: S | undefined) => string;
    result: (result: R) => string;
  },
): Promise<number> {
  const progress = createProgress(io.stderr);
  let interrupted = false;
  const off = io.onInterrupt(() => {
    interrupted = true;
    progress.stop();
    err(io, `\nstopped watching; ${handle.workflowId} keeps running (vidu-flow watch ${handle.workflowId})`);
    process.exit(EXIT.interrupted);
  });
  let last: S | undefined;
  try {
    last = await show.follow(progress);
  } finally {
    off();
    if (!interrupted) progress.stop();
  }
  let result: R;
  try {
    result = await handle.result();
  } catch (e) {
    // The status query still answers after the close; it holds e.g. the cancellation outcome.
    const status = (await tryStatus(handle)).status ?? last;
    return reportFailure(io, handle.workflowId, e, status, flags, (f) => show.failure(f, status));
  }
  if (flags.json) json(io, result);
  else out(io, show.result(result));
  return EXIT.ok;
}

/** `status <id>`: the workflow's status query with its execution facts, as JSON or as `text`. */
export async function statusRun<S>(
  io: CliIO,
  handle: { status(): Promise<S> },
  d: WorkflowExecutionDescription,
  flags: OutputFlags,
  text: (exec: DescribedExecution, status: S | undefined, error: string | undefined) => string,
): Promise<number> {
  const { status, error } = await tryStatus(handle);
  if (flags.json) {
    json(io, {
      workflowId: d.workflowId,
      runId: d.runId,
      type: d.type,
      execution: {
        status: d.status.name,
        startTime: d.startTime.toISOString(),
        closeTime: d.closeTime?.toISOString() ?? null,
        historyLength: d.historyLength,
      },
      status: status ?? null,
      ...(error ? { statusError: error } : {}),
    });
  } else {
    out(
      io,
      text(
        {
          workflowId: d.workflowId,
          type: d.type,
          status: d.status.name,
          startTime: d.startTime,
          closeTime: d.closeTime,
          historyLength: d.historyLength,
        },
        status,
        error,
      ),
    );
  }
  return EXIT.ok;
}
