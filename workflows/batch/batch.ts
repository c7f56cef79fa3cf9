import type { BatchInput, BatchSummary } from '../../core/batch-types';
import { finish } from './finish';
import { drain, handOver, startLines } from './phases';
import { describe, openBatchRun } from './state';

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
//
// The run, as phases over one BatchRun (workflows/batch/): start lines → drain → hand over
// (continue as new) or finish. The phases issue their activities, child workflows and timers in
// the order this function had when it was one closure, so histories of earlier runs replay; keep
// that order when changing it.
export async function batch(input: BatchInput): Promise<BatchSummary> {
  const run = openBatchRun(input);
  describe(run);
  const stopped = await startLines(run);
  await drain(run);
  const failure = await handOver(run, stopped);
  return finish(run, failure);
}
