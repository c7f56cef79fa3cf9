// What each command does once commander has parsed it. Every action returns the exit code:
// 0 success, 1 the generation (or the operation) failed, 2 bad input or usage (nothing started).
// The AD-film commands, and status/watch/cancel of an adFilm workflow, are in ad-film-actions.ts.
import {
  type GenerationHandle,
  type GenerationKind,
  type GenerationResult,
  type GenerationStatus,
} from '../client/index';
import { type GenerateFlags, prepareStart } from './args';
import { formatFailure, formatResult, formatStatus, formatTable } from './output';
import { cancelAdFilmAction, isAdFilm, statusAdFilmAction, watchAdFilmAction } from './ad-film-actions';
import { awaitBatch, isBatch, statusBatchAction } from './batch';
import {
  type CliIO,
  EXIT,
  err,
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
import { follow } from './progress';
import { awaitRun, startRun, statusRun } from './run-actions';

export { type CliIO, EXIT, type GlobalFlags, type OutputFlags, printUsageIssues } from './io';

/** Shows progress until the workflow closes, then prints its result or failure. Used by `<kind> --wait` and `watch`. */
function awaitOutcome(io: CliIO, handle: GenerationHandle, flags: OutputFlags): Promise<number> {
  return awaitRun<GenerationStatus, GenerationResult>(io, handle, flags, {
    follow: (progress) => follow(handle, progress, io.pollIntervalMs ?? WATCH_INTERVAL_MS),
    failure: (f, status) => formatFailure(handle.workflowId, f, status),
    result: formatResult,
  });
}

export interface GenerateCommandFlags extends GenerateFlags, GlobalFlags, OutputFlags {
  wait?: boolean;
  dryRun?: boolean;
}

export async function generateAction(io: CliIO, kind: GenerationKind, flags: GenerateCommandFlags): Promise<number> {
  const plan = planOrReport(io, () => prepareStart(kind, flags, { cwd: io.cwd, readFile: io.readFile }));
  if (!plan) return EXIT.usage;
  if (flags.dryRun) {
    json(io, { kind: plan.kind, ...plan.start, input: plan.input });
    return EXIT.ok;
  }
  return withClient(io, flags, (client) =>
    startRun(io, flags, plan.start, () => client.start(plan.kind, plan.input, plan.start), {
      started: kind,
      hints: (id) => [`started ${kind}; follow it with: vidu-flow watch ${id}`],
      follow: (handle) => awaitOutcome(io, handle, flags),
    }),
  );
}

export async function watchAction(io: CliIO, workflowId: string, flags: GlobalFlags & OutputFlags): Promise<number> {
  return withClient(io, flags, async (client) => {
    const handle = client.getHandle(workflowId);
    const d = await handle.workflow.describe(); // WorkflowNotFoundError → exit 1 with a clear line
    if (isAdFilm(d)) return watchAdFilmAction(io, client.getAdFilmHandle(workflowId), flags);
    if (isBatch(d)) return awaitBatch(io, client.getBatchHandle(workflowId), flags);
    return awaitOutcome(io, handle, flags);
  });
}

export async function statusAction(io: CliIO, workflowId: string, flags: GlobalFlags & OutputFlags): Promise<number> {
  return withClient(io, flags, async (client) => {
    const handle = client.getHandle(workflowId);
    const d = await handle.workflow.describe();
    if (isAdFilm(d)) return statusAdFilmAction(io, client.getAdFilmHandle(workflowId), d, flags);
    if (isBatch(d)) return statusBatchAction(io, client.getBatchHandle(workflowId), flags);
    return statusRun(io, handle, d, flags, formatStatus);
  });
}

export interface CancelFlags extends GlobalFlags, OutputFlags {
  /** How long to wait for the workflow to close, in seconds. */
  timeout?: string;
}

/**
 * Requests cancellation, then waits until the workflow closes, or until it records that Vidu
 * refused (the task then runs on and its result is still archived), and prints the outcome.
 */
export async function cancelAction(io: CliIO, workflowId: string, flags: CancelFlags): Promise<number> {
  const timeoutSeconds = flags.timeout === undefined ? 300 : Number(flags.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    printUsageIssues(io, [`--timeout must be a positive number of seconds (got ${JSON.stringify(flags.timeout)})`]);
    return EXIT.usage;
  }
  return withClient(io, flags, async (client) => {
    const handle = client.getHandle(workflowId);
    const before = await handle.workflow.describe();
    if (isAdFilm(before))
      return cancelAdFilmAction(io, client.getAdFilmHandle(workflowId), before, flags, timeoutSeconds);
    if (isBatch(before)) {
      // A batch cancels its running generations (and their Vidu tasks) and starts nothing more.
      await client.getBatchHandle(workflowId).cancel();
      if (!flags.json) err(io, `cancel requested for batch ${workflowId}`);
      return awaitBatch(io, client.getBatchHandle(workflowId), flags);
    }
    if (before.status.name !== 'RUNNING') {
      const { status } = await tryStatus(handle);
      report(before.status.name, status, `already closed (${before.status.name}); nothing to cancel`);
      return before.status.name === 'CANCELLED' ? EXIT.ok : EXIT.failed;
    }
    await handle.cancel();
    if (!flags.json) err(io, `cancel requested for ${workflowId}; waiting for the workflow to record the outcome…`);
    const deadline = Date.now() + timeoutSeconds * 1000;
    let status: GenerationStatus | undefined;
    let execution = 'RUNNING';
    while (Date.now() < deadline) {
      execution = (await handle.workflow.describe()).status.name;
      status = (await tryStatus(handle)).status ?? status;
      if (execution !== 'RUNNING') break;
      // Vidu refused (or the task had already finished): the workflow keeps going to archive it.
      if (status?.cancellation && status.phase !== 'cancelling' && status.phase !== 'cancelled') break;
      await new Promise((r) => setTimeout(r, io.pollIntervalMs ?? WATCH_INTERVAL_MS));
    }
    if (execution === 'CANCELLED') {
      report(execution, status, 'cancelled');
      return EXIT.ok;
    }
    if (execution === 'RUNNING' && status?.cancellation) {
      report(
        execution,
        status,
        `not cancelled: the Vidu task continues and its result will still be archived (vidu-flow watch ${workflowId})`,
      );
      return EXIT.failed;
    }
    if (execution === 'RUNNING') {
      report(
        execution,
        status,
        `cancel requested, but the workflow has not recorded an outcome within ${timeoutSeconds}s (is a worker running?)`,
      );
      return EXIT.failed;
    }
    report(execution, status, `the workflow closed as ${execution} instead of being cancelled`);
    return execution === 'COMPLETED' ? EXIT.ok : EXIT.failed;

    function report(exec: string, s: GenerationStatus | undefined, summary: string): void {
      if (flags.json) {
        json(io, { workflowId, execution: exec, summary, cancellation: s?.cancellation ?? null, status: s ?? null });
        return;
      }
      out(io, `${workflowId}: ${summary}`);
      if (s?.cancellation) out(io, `  cancellation: ${s.cancellation.outcome} — ${s.cancellation.message}`);
      if (s?.taskId) out(io, `  vidu task ${s.taskId} · state ${s.state} · ${s.credits ?? 0} credits`);
    }
  });
}

export interface ListFlags extends GlobalFlags, OutputFlags {
  kind?: GenerationKind;
  limit?: string;
}

export async function listAction(io: CliIO, flags: ListFlags): Promise<number> {
  const limit = flags.limit === undefined ? 20 : Number(flags.limit);
  if (!Number.isSafeInteger(limit) || limit < 1) {
    printUsageIssues(io, [`--limit must be a positive integer (got ${JSON.stringify(flags.limit)})`]);
    return EXIT.usage;
  }
  return withClient(io, flags, async (client) => {
    const rows: {
      workflowId: string;
      type: string;
      status: string;
      startTime: Date;
      viduState?: string;
      taskId?: string;
    }[] = [];
    for await (const wf of client.list({ ...(flags.kind ? { kind: flags.kind } : {}), limit })) rows.push(wf);
    if (flags.json) {
      json(
        io,
        rows.map((r) => ({ ...r, startTime: r.startTime.toISOString() })),
      );
      return EXIT.ok;
    }
    if (rows.length === 0) {
      err(io, 'no generations found');
      return EXIT.ok;
    }
    out(
      io,
      formatTable(
        ['WORKFLOW ID', 'TYPE', 'STATUS', 'VIDU STATE', 'TASK', 'STARTED'],
        rows.map((r) => [
          r.workflowId,
          r.type,
          r.status,
          r.viduState ?? '-',
          r.taskId ?? '-',
          r.startTime.toISOString().replace('T', ' ').slice(0, 19),
        ]),
      ),
    );
    return EXIT.ok;
  });
}
