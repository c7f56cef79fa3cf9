import { CancellationScope, CancelledFailure, condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import type { BatchInput, BatchLine, BatchSummary } from '../../core/batch-types';
import { batchFiles } from '../common/activity-proxies';
import { launch } from './child';
import { describe, record, resumeAt, type BatchRun } from './state';

// The phases of a batch run, in the order `batch` runs them: start lines (read a chunk, keep the
// window full) → drain (wait for the children in flight, write their results) → hand over
// (continue as new), then finish.ts (join the result parts, return the summary or the failure).

/** Lines read per activity call (at least the window, so one read can fill it). */
const READ_LINES = 100;
/** Results are written to the store in parts of this many lines (and at every drain). */
const FLUSH_EVERY = 100;

/** Time to hand over to a new run (always after at least one line, so every run makes progress). */
function rollOver(run: BatchRun): boolean {
  return run.processed > 0 && (run.processed >= run.linesPerRun || workflowInfo().continueAsNewSuggested);
}

/**
 * Start lines: reads the file a chunk at a time and starts one child per valid line, at most
 * `window` at a time (an invalid line is recorded as failed, starting nothing), until the file
 * ends or it is time to roll over. Returns what stopped it early (a failed read, a cancellation).
 */
export async function startLines(run: BatchRun): Promise<unknown> {
  try {
    for (;;) {
      if (run.buffer.length >= FLUSH_EVERY) await flush(run);
      if (run.pending.length === 0) {
        if (run.eof || rollOver(run)) break;
        const read = await batchFiles.readBatchLines.executeWithOptions(
          { summary: `read from line ${run.cursor.line}` },
          [
            {
              path: run.path,
              offset: run.cursor.offset,
              line: run.cursor.line,
              limit: Math.min(Math.max(READ_LINES, run.window), run.linesPerRun - run.processed),
              ...(run.input.options ? { defaults: run.input.options } : {}),
              ...(run.carry.source ? { expect: run.carry.source } : {}),
            },
          ],
        );
        run.pending = read.lines;
        run.cursor = read.next;
        run.eof = read.eof;
        run.carry.source = read.source;
        if (read.total !== undefined) run.carry.total = read.total;
        describe(run);
        continue;
      }
      const line = run.pending[0] as BatchLine;
      if (!('error' in line)) {
        await condition(() => run.inFlight < run.window);
        if (rollOver(run)) break;
      }
      run.pending.shift();
      run.processed += 1;
      if ('error' in line)
        record(run, { line: line.line, ...(line.kind ? { kind: line.kind } : {}), state: 'failed', error: line.error });
      else launch(run, line);
    }
    return undefined;
  } catch (err) {
    return err;
  }
}

/** Writes the buffered line results to the store as the next part. */
async function flush(run: BatchRun): Promise<void> {
  if (run.buffer.length === 0) return;
  const results = run.buffer;
  run.buffer = [];
  const part = run.carry.parts;
  run.carry.parts += 1;
  try {
    // Not cancellable: these lines' results exist nowhere else.
    await CancellationScope.nonCancellable(() =>
      batchFiles.recordBatchResults.executeWithOptions({ summary: `results part ${part}: ${results.length} line(s)` }, [
        { workflowId: run.workflowId, part, results },
      ]),
    );
  } catch (err) {
    // Keep them for the next flush, under the same part number.
    run.buffer = [...results, ...run.buffer];
    run.carry.parts = part;
    throw err;
  }
}

/**
 * Drain: children (and their results) belong to this run. On cancellation of the batch, each
 * child has been asked to cancel (its Vidu task too) and ends soon.
 */
export async function drain(run: BatchRun): Promise<void> {
  run.phase = 'draining';
  describe(run);
  await CancellationScope.nonCancellable(async () => {
    await condition(() => run.inFlight === 0);
    await flush(run);
  });
}

/**
 * Hand over: when lines are left and nothing stopped the run, continues as new with the cursor
 * and the running totals (never returns then). A cancel request that came during the drain stops
 * here too, rather than going on. Returns what stops the batch, if anything.
 */
export async function handOver(run: BatchRun, stopped: unknown): Promise<unknown> {
  let failure = stopped;
  if (failure === undefined && CancellationScope.current().consideredCancelled)
    failure = new CancelledFailure('the batch was cancelled');
  if (failure === undefined && !(run.eof && run.pending.length === 0)) {
    const { carry } = run;
    await continueAsNew<(input: BatchInput) => Promise<BatchSummary>>({
      ...run.input,
      carry: { ...carry, cursor: resumeAt(run), runs: carry.runs + 1 },
    });
  }
  return failure;
}
