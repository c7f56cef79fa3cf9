import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  log,
  setCurrentDetails,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { awaitingChild, batchFiles } from '../common/activity-proxies';
import { describeBatchFailure, emptyTotals, failureCredits, foldResult } from '../../core/batch-summary';
import {
  type BatchCarry,
  type BatchInput,
  type BatchLine,
  type BatchLineResult,
  type BatchStatus,
  type BatchSummary,
  DEFAULT_BATCH_WINDOW,
  DEFAULT_LINES_PER_RUN,
  MAX_BATCH_WINDOW,
  MAX_LINES_PER_RUN,
  type ValidBatchLine,
  BATCH_CHILD_ID_TAKEN,
} from '../../core/batch-types';
import { FailureType } from '../../core/failure-types';
import { unwrapTyped } from '../common/typed-failure';
import { CHILD_ID_ATTEMPTS } from '../common/derived-child';
import { derivedWorkflowId } from '../../contract/workflow-id';
import { issueDetails } from '../../core/issues';
import { batchStatusQuery } from '../../core/workflow-messages';
import { ViduKind } from '../../core/search-attributes';
import type { GenerationInput, GenerationResult } from '../../core/generation-types';

// A batch: one child generation per line of a JSONL file, at most `window` at a time.
//
// History stays bounded however long the file is:
// - the lines are read by an activity, a chunk at a time, from a file the worker can read; only
//   the current chunk (and each child's own input) enters this run's history;
// - each line's result goes to the archive store in parts (activity), not into the workflow's
//   result; the summary carries counts and the first 100 failures only;
// - after `linesPerRun` lines (default 500), or sooner when Temporal suggests it, the run stops
//   starting children, waits for those in flight ("drains the window"), writes their results and
//   continues as new with the cursor (byte offset and line number) and the running totals.
//
// Why drain rather than carry children over: a child's completion is only delivered to the run
// that started it, so a new run cannot await children of the previous one. Draining costs a dip
// in throughput once per run (the last few children finish while no new ones start), about one
// generation's duration every `linesPerRun / window` generations.
//
// Child workflow ids are `<batch workflow id>~<line number>` (a derived id, which no caller can
// start through vidu-flow), started with REJECT_DUPLICATE: a line runs at most once for a given
// batch id. If a child with that id already exists (a batch reset, or a batch re-run under the
// same id), the start fails with "already started", and the awaitBatchChild activity finds that
// child's outcome instead of starting it again — only when it is this batch's child of the line's
// kind; a workflow someone else started there (a raw Temporal SDK start) is not counted, and the
// line starts under `<batch>~<line>-2`, `-3`… instead.

/** Lines read per activity call (at least the window, so one read can fill it). */
const READ_LINES = 100;
/** Results are written to the store in parts of this many lines (and at every drain). */
const FLUSH_EVERY = 100;

function invalidInput(problems: string[]): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.InvalidRequest,
    message: `invalid batch input:\n  - ${problems.join('\n  - ')}`,
    nonRetryable: true,
    details: [issueDetails(problems)],
  });
}

function checkNumbers(window: number, linesPerRun: number): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(window) || window < 1 || window > MAX_BATCH_WINDOW) problems.push(`window: must be a whole number 1–${MAX_BATCH_WINDOW} (got ${window})`);
  if (!Number.isInteger(linesPerRun) || linesPerRun < 1 || linesPerRun > MAX_LINES_PER_RUN) {
    problems.push(`linesPerRun: must be a whole number 1–${MAX_LINES_PER_RUN} (got ${linesPerRun})`);
  }
  return problems;
}

/** A short Web UI summary of a child (staticSummary is limited to 200 bytes: 40 code points of prompt). */
function childSummary(line: ValidBatchLine, batchId: string): string {
  const prompt = line.input.request.prompt;
  const text = typeof prompt === 'string' && prompt !== '' ? ` · “${[...prompt].slice(0, 40).join('')}”` : '';
  return `${line.kind} · line ${line.line} of batch ${[...batchId].slice(0, 60).join('')}${text}`;
}

export async function batch(input: BatchInput): Promise<BatchSummary> {
  const { workflowId } = workflowInfo();
  if (typeof input !== 'object' || input === null) throw invalidInput(['input: expected { source: { path }, window?, options?, linesPerRun? }']);
  const window = input.window ?? DEFAULT_BATCH_WINDOW;
  const linesPerRun = input.linesPerRun ?? DEFAULT_LINES_PER_RUN;
  const path = input.source?.path ?? input.source?.staged;
  const problems = checkNumbers(window, linesPerRun);
  if (typeof path !== 'string' || path === '') problems.unshift('source.path: required (the JSONL file, readable by the worker)');
  if (problems.length > 0) throw invalidInput(problems);

  const carry: BatchCarry = input.carry ?? { cursor: { offset: 0, line: 1 }, totals: emptyTotals(), parts: 0, runs: 0, maxInFlight: 0 };
  const totals = carry.totals;
  let cursor = carry.cursor;
  let pending: BatchLine[] = [];
  let eof = false;
  let processed = 0;
  let inFlight = 0;
  let buffer: BatchLineResult[] = [];
  let phase: BatchStatus['phase'] = 'running';
  let resultsFile: string | undefined;
  let error: string | undefined;

  const resumeAt = () => (pending[0] ? { offset: pending[0].offset, line: pending[0].line } : cursor);

  const status = (): BatchStatus => ({
    phase,
    ...(carry.total !== undefined ? { total: carry.total } : {}),
    done: totals.done,
    succeeded: totals.succeeded,
    failed: totals.failed,
    inFlight,
    nextLine: resumeAt().line,
    credits: totals.credits,
    window,
    maxInFlight: carry.maxInFlight,
    run: carry.runs + 1,
    ...(resultsFile ? { resultsFile } : {}),
    ...(error ? { error } : {}),
  });
  setHandler(batchStatusQuery, status);

  const describe = (): void => {
    const s = status();
    const lines = [
      `**batch** · phase \`${s.phase}\` · run ${s.run} · done ${s.done}${s.total !== undefined ? `/${s.total}` : ''} (${s.failed} failed) · in flight ${s.inFlight}/${window}`,
      `next line ${s.nextLine} · ${s.credits} credits · source \`${path}\``,
    ];
    if (resultsFile) lines.push(`results: \`${resultsFile}\``);
    if (error) lines.push(`error: ${error}`);
    setCurrentDetails(lines.join('\n\n'));
  };

  const record = (result: BatchLineResult): void => {
    buffer.push(result);
    foldResult(totals, result);
    describe();
  };

  const flush = async (): Promise<void> => {
    if (buffer.length === 0) return;
    const results = buffer;
    buffer = [];
    const part = carry.parts;
    carry.parts += 1;
    try {
      // Not cancellable: these lines' results exist nowhere else.
      await CancellationScope.nonCancellable(() =>
        batchFiles.recordBatchResults.executeWithOptions({ summary: `results part ${part}: ${results.length} line(s)` }, [{ workflowId, part, results }]),
      );
    } catch (err) {
      // Keep them for the next flush, under the same part number.
      buffer = [...results, ...buffer];
      carry.parts = part;
      throw err;
    }
  };

  /** Runs one line's generation as a child; never throws (a failure is the line's result). */
  async function runChild(line: ValidBatchLine): Promise<BatchLineResult> {
    let childId = derivedWorkflowId(workflowId, String(line.line));
    const base = () => ({ line: line.line, kind: line.kind, workflowId: childId });
    try {
      for (let attempt = 1; attempt <= CHILD_ID_ATTEMPTS; attempt += 1) {
        childId = derivedWorkflowId(workflowId, String(line.line), attempt);
        let result: GenerationResult;
        try {
          const child = await startChild<(input: GenerationInput) => Promise<GenerationResult>>(line.kind, {
            workflowId: childId,
            args: [line.input],
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            // Cancelling or terminating the batch asks each running generation to cancel its Vidu task.
            parentClosePolicy: 'REQUEST_CANCEL',
            staticSummary: childSummary(line, workflowId),
            typedSearchAttributes: [{ key: ViduKind, value: line.kind }],
          });
          result = await child.result();
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
          try {
            // Ours from an earlier run (same batch id, same kind): its outcome is the line's.
            const found = await awaitingChild.awaitBatchChild.executeWithOptions({ summary: `outcome of existing child ${childId}` }, [
              { workflowId: childId, parentId: workflowId, kind: line.kind },
            ]);
            return { ...base(), ...found };
          } catch (awaitErr) {
            if (!(awaitErr instanceof ActivityFailure && awaitErr.cause instanceof ApplicationFailure && awaitErr.cause.type === BATCH_CHILD_ID_TAKEN)) throw awaitErr;
            log.warn('batch child id taken by a workflow this batch did not start; trying a fresh id', { workflowId: childId, line: line.line });
            continue;
          }
        }
        return { ...base(), state: 'success', taskId: result.taskId, credits: result.credits, ...(result.archive ? { archive: result.archive.manifest } : {}) };
      }
      return { ...base(), state: 'failed', error: { type: BATCH_CHILD_ID_TAKEN, message: `not started: the child workflow ids of line ${line.line} are all taken by workflows this batch did not start` } };
    } catch (err) {
      const credits = failureCredits(err);
      return { ...base(), state: 'failed', ...(credits ? { credits } : {}), error: describeBatchFailure(err) };
    }
  }

  const launch = (line: ValidBatchLine): void => {
    inFlight += 1;
    carry.maxInFlight = Math.max(carry.maxInFlight, inFlight);
    void runChild(line).then((result) => {
      inFlight -= 1;
      record(result);
    });
  };

  /** Time to hand over to a new run (always after at least one line, so every run makes progress). */
  const rollOver = (): boolean => processed > 0 && (processed >= linesPerRun || workflowInfo().continueAsNewSuggested);

  describe();
  let failure: unknown;
  try {
    for (;;) {
      if (buffer.length >= FLUSH_EVERY) await flush();
      if (pending.length === 0) {
        if (eof || rollOver()) break;
        const read = await batchFiles.readBatchLines.executeWithOptions({ summary: `read from line ${cursor.line}` }, [
          {
            path,
            offset: cursor.offset,
            line: cursor.line,
            limit: Math.min(Math.max(READ_LINES, window), linesPerRun - processed),
            ...(input.options ? { defaults: input.options } : {}),
            ...(carry.source ? { expect: carry.source } : {}),
          },
        ]);
        pending = read.lines;
        cursor = read.next;
        eof = read.eof;
        carry.source = read.source;
        if (read.total !== undefined) carry.total = read.total;
        describe();
        continue;
      }
      const line = pending[0] as BatchLine;
      if (!('error' in line)) {
        await condition(() => inFlight < window);
        if (rollOver()) break;
      }
      pending.shift();
      processed += 1;
      if ('error' in line) record({ line: line.line, ...(line.kind ? { kind: line.kind } : {}), state: 'failed', error: line.error });
      else launch(line);
    }
  } catch (err) {
    failure = err;
  }

  // Drain: children (and their results) belong to this run. On cancellation of the batch, each
  // child has been asked to cancel (its Vidu task too) and ends soon.
  phase = 'draining';
  describe();
  await CancellationScope.nonCancellable(async () => {
    await condition(() => inFlight === 0);
    await flush();
  });

  // A cancel request that came during the drain: stop here too, rather than going on.
  if (failure === undefined && CancellationScope.current().consideredCancelled) failure = new CancelledFailure('the batch was cancelled');
  if (failure === undefined && !(eof && pending.length === 0)) {
    await continueAsNew<typeof batch>({ ...input, carry: { ...carry, cursor: resumeAt(), runs: carry.runs + 1 } });
  }

  phase = 'finishing';
  describe();
  const finished = await CancellationScope.nonCancellable(() =>
    batchFiles.finishBatchResults.executeWithOptions({ summary: `join ${carry.parts} results part(s)` }, [{ workflowId, parts: carry.parts }]),
  );
  resultsFile = finished.resultsFile;
  if (failure !== undefined) {
    phase = isCancellation(failure) ? 'cancelled' : 'failed';
    error = describeBatchFailure(failure).message;
    describe();
    throw isCancellation(failure) ? failure : unwrapTyped(failure);
  }
  phase = 'done';
  describe();
  return {
    workflowId,
    total: carry.total ?? totals.done,
    succeeded: totals.succeeded,
    failed: totals.failed,
    credits: totals.credits,
    resultsFile,
    failures: totals.failures,
    runs: carry.runs + 1,
    maxInFlight: carry.maxInFlight,
  };
}
