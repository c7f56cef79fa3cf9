import { ApplicationFailure, getClient } from '@temporalio/activity';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { MAX_BATCH_LINE_BYTES, toBatchLine } from '../contract/batch-input';
import {
  BATCH_CHILD_ID_TAKEN,
  type BatchError,
  INVALID_LINE,
  type BatchLine,
  type BatchLineResult,
  type ReadBatchLinesInput,
  type ReadBatchLinesResult,
} from '../core/batch-types';
import { describeBatchFailure, failureCredits } from '../core/batch-summary';
import { FailureType, InternalFailureType, RetryableFailureType } from '../core/failure-types';
import { issueDetails } from '../core/issues';
import type { GenerationResult } from '../core/generation-types';
import { archiveFolder } from './archive-names';
import { InputPathRefused, resolveInsideRoots } from './input-roots';
import type { ArchiveStore } from '../platform/stores/archive-store';
import { OPERATOR_OWNER, ownsStagedRef, STAGED_PREFIX } from '../contract/staged-ref';
import type { StagingStore } from '../platform/stores/staging-store';
import { currentOwnership, type WorkflowOwnership } from './workflow-owner';

// The batch workflow's I/O: reading the JSONL file a chunk at a time (so its lines never travel in
// workflow input), writing per-line results to the archive store in parts and joining them into
// one results file at the end, and finding the outcome of a child generation that an earlier run
// of the batch had already started.

/** Default byte budget of one read: well under Temporal's 2 MB payload limit. */
export const READ_MAX_BYTES = 512 * 1024;
const READ_BLOCK = 64 * 1024;

/** `<archive root>/<batchWorkflowId>/batch-results.jsonl`; a workflow id that breaks the id rule fails as InvalidRequest. */
export function resultsKey(workflowId: string): string {
  return `${archiveFolder(workflowId)}/batch-results.jsonl`;
}

function partsKey(workflowId: string): string {
  return `${archiveFolder(workflowId)}/batch-results.parts`;
}

function partKey(workflowId: string, part: number): string {
  return `${partsKey(workflowId)}/${String(part).padStart(6, '0')}.json`;
}

export interface ScannedLine {
  /** 1-based line number. */
  line: number;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** Byte offset just after the line's newline (where the next line starts). */
  next: number;
  /** Length of the line in bytes, without the newline. */
  bytes: number;
  /** The text (without CR/LF); undefined when longer than `maxLineBytes`. */
  text: string | undefined;
}

/**
 * Yields the lines of `file` from byte `offset` (which must be the start of line `firstLine`),
 * with their byte positions. A line longer than `maxLineBytes` is reported without its text, and
 * never held in memory whole.
 */
export async function* scanLines(
  file: string,
  offset: number,
  firstLine: number,
  maxLineBytes = MAX_BATCH_LINE_BYTES,
): AsyncGenerator<ScannedLine> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(READ_BLOCK);
    let pos = offset;
    let lineStart = offset;
    let lineNo = firstLine;
    let parts: Buffer[] = [];
    let lineBytes = 0;
    let tooLong = false;
    const finish = (next: number): ScannedLine => {
      let text: string | undefined;
      if (!tooLong) {
        text = Buffer.concat(parts).toString('utf8');
        if (text.endsWith('\r')) text = text.slice(0, -1);
        if (lineStart === 0 && text.startsWith('\uFEFF')) text = text.slice(1);
      }
      return { line: lineNo, offset: lineStart, next, bytes: lineBytes, text };
    };
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, READ_BLOCK, pos);
      if (bytesRead === 0) break;
      const block = buf.subarray(0, bytesRead);
      let from = 0;
      while (from < bytesRead) {
        const nl = block.indexOf(10, from);
        const end = nl === -1 ? bytesRead : nl;
        if (!tooLong) {
          if (lineBytes + (end - from) > maxLineBytes) {
            tooLong = true;
            parts = [];
          } else {
            parts.push(Buffer.from(block.subarray(from, end)));
          }
        }
        lineBytes += end - from;
        if (nl === -1) break;
        yield finish(pos + nl + 1);
        lineNo += 1;
        lineStart = pos + nl + 1;
        parts = [];
        lineBytes = 0;
        tooLong = false;
        from = nl + 1;
      }
      pos += bytesRead;
    }
    if (lineBytes > 0) yield finish(pos);
  } finally {
    await fh.close();
  }
}

function isBlank(l: ScannedLine): boolean {
  return l.text !== undefined && l.text.trim() === '';
}

async function insideInputRoots(file: string, roots: readonly string[]): Promise<string> {
  try {
    return await resolveInsideRoots(file, roots);
  } catch (err) {
    if (!(err instanceof InputPathRefused)) throw err;
    throw ApplicationFailure.create({
      type: FailureType.InvalidRequest,
      message: `source.path: ${err.message}`,
      nonRetryable: true,
      details: [issueDetails([`source.path: ${err.message}`])],
    });
  }
}

function unreadable(file: string, err: unknown): ApplicationFailure {
  const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  return ApplicationFailure.create({
    type: FailureType.InvalidRequest,
    message: `cannot read ${file.startsWith('/') ? `the batch file ${file}` : file} on the worker (${code})`,
    nonRetryable: true,
    details: [issueDetails([{ field: 'source', rule: 'not-found', message: `cannot read ${file} (${code})` }])],
  });
}

function invalidSource(field: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.InvalidRequest,
    message: `${field}: ${message}`,
    nonRetryable: true,
    details: [issueDetails([`${field}: ${message}`])],
  });
}

interface OpenedSource {
  file: string;
  /** Shown in messages: the path for a file, "the staged lines" for a staged source. */
  label: string;
  /** Relative media paths resolve against it (files only). */
  baseDir?: string;
  /** Staged sources are content-addressed (immutable): their stamp is their size alone. */
  staged: boolean;
}

/** What a child generation that an earlier run had started came to. */
export type ExistingChildOutcome =
  | { state: 'success'; taskId: string; credits: number; archive?: string }
  | { state: 'failed'; credits?: number; error: BatchError };

export interface BatchDeps {
  archive: ArchiveStore;
  inputRoots?: readonly string[];
  /** Where `source.staged` batches live (the HTTP API's); none: staged sources are refused. */
  staging?: StagingStore;
  /** Who owns the running batch; default: described through the activity's client. */
  ownership?: () => Promise<WorkflowOwnership>;
}

export function makeBatchActivities(deps: BatchDeps) {
  /**
   * The batch's source, within its owner (issue 16 items 3 and 4): a batch an API key started
   * reads only lines staged under that key; a path on the worker's disk is the operator's alone
   * (and only under VIDU_FLOW_INPUT_ROOTS). Another owner's staged reference is "not found".
   */
  async function openSource(ref: string, owner: string): Promise<OpenedSource> {
    if (ref.startsWith(STAGED_PREFIX)) {
      const notFound = invalidSource(
        'source.staged',
        'no staged batch lines of yours by this reference (they expire after VIDU_FLOW_STAGING_TTL_DAYS)',
      );
      if (!deps.staging || !ownsStagedRef(owner, ref)) throw notFound;
      const file = await deps.staging.localPath(ref).catch(() => {
        throw notFound;
      });
      return { file, label: 'the staged batch lines', staged: true };
    }
    if (owner !== OPERATOR_OWNER)
      throw invalidSource(
        'source.path',
        'a batch started with an API key reads only the lines sent in its request, never a file on the worker',
      );
    const file = await insideInputRoots(ref, deps.inputRoots ?? []);
    return { file, label: file, baseDir: path.dirname(file), staged: false };
  }

  /**
   * The next lines of the batch file from `offset`: each parsed and checked (an invalid one comes
   * back with its error; nothing is started for it), relative media paths made absolute against
   * the file's folder, the batch options merged under the line's. Blank lines are skipped. Stops
   * after `limit` lines or about `maxBytes`. The first read (offset 0) also counts the lines.
   */
  async function readBatchLines(input: ReadBatchLinesInput): Promise<ReadBatchLinesResult> {
    // The worker reads a batch file (and the media paths in it) only under VIDU_FLOW_INPUT_ROOTS,
    // and only for the operator; an API key's batch reads the lines it staged.
    const { owner } = await (deps.ownership ?? currentOwnership)();
    const opened = await openSource(input.path, owner);
    const file = opened.file;
    let info;
    try {
      info = await stat(file);
    } catch (err) {
      throw unreadable(opened.label, err);
    }
    if (!info.isFile()) throw unreadable(opened.label, new Error('not a regular file'));
    // A staged copy's mtime is where it was fetched (each worker caches its own): not its version.
    const source = { bytes: info.size, mtimeMs: opened.staged ? 0 : info.mtimeMs };
    if (input.expect && (input.expect.bytes !== source.bytes || input.expect.mtimeMs !== source.mtimeMs)) {
      throw ApplicationFailure.create({
        type: InternalFailureType.BatchSourceChanged,
        message: `the batch file ${opened.label} changed while the batch ran (${input.expect.bytes} → ${source.bytes} bytes); lines are read by position, so the batch stops here`,
        nonRetryable: true,
        details: [{ expected: input.expect, found: source }],
      });
    }
    try {
      let total: number | undefined;
      if (input.offset === 0) {
        total = 0;
        for await (const l of scanLines(file, 0, 1)) if (!isBlank(l)) total += 1;
      }
      const ctx = {
        ...(opened.baseDir ? { baseDir: opened.baseDir } : {}),
        ...(input.defaults ? { defaults: input.defaults } : {}),
        // An API key's lines: the HTTP media rule again, on the worker (the API checked it first).
        remote: owner !== OPERATOR_OWNER,
      };
      const maxBytes = input.maxBytes ?? READ_MAX_BYTES;
      const limit = Math.max(1, input.limit);
      const lines: BatchLine[] = [];
      let bytes = 0;
      let next = { offset: input.offset, line: input.line };
      let eof = true;
      for await (const l of scanLines(file, input.offset, input.line)) {
        if (isBlank(l)) {
          next = { offset: l.next, line: l.line + 1 };
          continue;
        }
        if (lines.length >= limit || (lines.length > 0 && bytes + l.bytes > maxBytes)) {
          eof = false;
          break;
        }
        next = { offset: l.next, line: l.line + 1 };
        bytes += l.bytes;
        if (l.text === undefined) {
          lines.push({
            line: l.line,
            offset: l.offset,
            error: {
              type: INVALID_LINE,
              message: `the line is ${l.bytes} bytes; a batch line may have at most ${MAX_BATCH_LINE_BYTES} (give media by path or URL rather than as data URIs)`,
            },
          });
        } else {
          lines.push(toBatchLine(l.text, l.line, l.offset, ctx));
        }
      }
      return { lines, next, eof, ...(total !== undefined ? { total } : {}), source };
    } catch (err) {
      if (err instanceof ApplicationFailure) throw err;
      throw unreadable(opened.label, err);
    }
  }

  /**
   * Stores one part of the results (the lines that finished since the last part). Written whole
   * and atomically under a number the workflow chose, so a retry rewrites the same part.
   */
  async function recordBatchResults(input: {
    workflowId: string;
    part: number;
    results: BatchLineResult[];
  }): Promise<void> {
    await deps.archive.writeJson(partKey(input.workflowId, input.part), input.results);
  }

  /**
   * Joins parts 0…parts-1 into `batch-results.jsonl`, one result per line in line order, then
   * removes the parts. Idempotent: once the parts are gone the joined file is the answer.
   */
  async function finishBatchResults(input: {
    workflowId: string;
    parts: number;
  }): Promise<{ resultsFile: string; lines?: number }> {
    const key = resultsKey(input.workflowId);
    const byLine = new Map<number, BatchLineResult>();
    for (let part = 0; part < input.parts; part++) {
      const chunk = await deps.archive.readJson<BatchLineResult[]>(partKey(input.workflowId, part));
      if (chunk === undefined) {
        // An earlier attempt joined and removed the parts.
        if (part === 0 && (await deps.archive.exists(key))) return { resultsFile: deps.archive.locate(key) };
        throw new Error(`results part ${part} of ${input.workflowId} is missing`);
      }
      for (const r of chunk) byLine.set(r.line, r);
    }
    const sorted = [...byLine.values()].sort((a, b) => a.line - b.line);
    async function* body(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < sorted.length; i += 500) {
        yield Buffer.from(
          sorted
            .slice(i, i + 500)
            .map((r) => `${JSON.stringify(r)}\n`)
            .join(''),
        );
      }
    }
    await deps.archive.write(key, body(), 'application/x-ndjson');
    await deps.archive.remove?.(partsKey(input.workflowId));
    return { resultsFile: deps.archive.locate(key), lines: sorted.length };
  }

  /**
   * The outcome of a child generation an earlier run of this batch (same workflow id) had
   * started, found through the worker's Temporal client. While it still runs this throws a
   * retryable failure, so the activity's retry policy is the poll.
   */
  async function awaitBatchChild(input: {
    workflowId: string;
    parentId?: string;
    kind?: string;
  }): Promise<ExistingChildOutcome> {
    const handle = getClient().workflow.getHandle(input.workflowId);
    const description = await handle.describe();
    // Only this batch's own child counts as the line's outcome: a workflow someone else started
    // under the id (a raw Temporal SDK start) must neither make the line look done nor hide it.
    if (
      (input.parentId !== undefined && description.parentExecution?.workflowId !== input.parentId) ||
      (input.kind !== undefined && description.type !== input.kind)
    ) {
      throw ApplicationFailure.create({
        type: BATCH_CHILD_ID_TAKEN,
        message: `${input.workflowId} is not a child this batch started`,
        nonRetryable: true,
      });
    }
    if (description.status.name === 'RUNNING') {
      throw ApplicationFailure.create({
        type: RetryableFailureType.BatchChildRunning,
        message: `${input.workflowId} still runs; checking again later`,
      });
    }
    try {
      const result = (await handle.result()) as GenerationResult;
      return {
        state: 'success',
        taskId: result.taskId,
        credits: result.credits,
        ...(result.archive ? { archive: result.archive.manifest } : {}),
      };
    } catch (err) {
      const credits = failureCredits(err);
      return { state: 'failed', ...(credits ? { credits } : {}), error: describeBatchFailure(err) };
    }
  }

  return { readBatchLines, recordBatchResults, finishBatchResults, awaitBatchChild };
}
