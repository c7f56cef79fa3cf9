import { open, stat } from 'node:fs/promises';
import { BAD_FILE_URL, isLocalFile, localFilePath } from '../contract/local-path';
import { limitFor, mediaSlots, type MediaEndpoint } from '../contract/media-fields';
import {
  fileChunks,
  StagingLimitExceeded,
  type IncomingFile,
  type InputStaging,
} from '../platform/stores/staging-store';
import { BYTES_PER_MEGABYTE } from '../vidu/media/limits';
import { detectFormat } from '../vidu/media/detect';
import type { SearchAttributePair } from '@temporalio/common';
import { OPERATOR_OWNER, ownerOfCaller } from '../contract/staged-ref';
import { ViduCaller } from '../core/search-attributes';
import type { MediaLimit } from '../vidu/media/limits';

// The client reads its caller's own files: local paths and file:// URLs in a request are streamed
// into the staging store here, before the workflow starts, and replaced by `staged:` references.
// The worker then never reads a path a caller chose (it reads local paths only under its
// operator's VIDU_FLOW_INPUT_ROOTS). Large data: URIs are staged too, so they do not travel
// inside the workflow input, which Temporal limits to 2 MB. Staged bytes belong to an owner
// (contract/staged-ref.ts): the operator's client stages as `operator`, the HTTP API
// as the calling key. Bytes that are not the media their field takes are refused before anything
// is stored (issue 16 item 3): the store never holds a caller's arbitrary file.

/** data: URIs longer than this are staged rather than sent in the workflow input. */
export const STAGE_DATA_URI_OVER = 256 * 1024;

// Which values are the caller's files (paths and file: URLs): contract/local-path.ts. URLs, data:
// URIs, staged: and vidu-flow: references are the worker's to resolve; any other form the contract
// refused before staging.

/** The owner of a workflow started with these search attributes: its ViduCaller, else the operator. */
export function ownerOfStart(searchAttributes: readonly SearchAttributePair[] | undefined): string {
  const caller = searchAttributes?.find((p) => p.key.name === ViduCaller.name)?.value;
  return ownerOfCaller(typeof caller === 'string' ? caller : undefined);
}

export interface StageCallerOptions {
  /** Whose inputs these are (default: the operator). */
  owner?: string;
  /** Relative paths are read against this folder (default: the process's). */
  cwd?: string;
}

/**
 * Returns a copy of `request` whose local files and large data URIs are staged. Problems (a file
 * that cannot be read, one over its documented limit, bytes that are not the field's kind of
 * media) come back as issues naming the field.
 */
export async function stageCallerInputs(
  endpoint: MediaEndpoint,
  request: Record<string, unknown>,
  staging: InputStaging,
  opts: StageCallerOptions = {},
): Promise<{ request: Record<string, unknown>; issues: string[] }> {
  const owner = opts.owner ?? OPERATOR_OWNER;
  const cwd = opts.cwd ?? process.cwd();
  const copy = structuredClone(request);
  const issues: string[] = [];
  for (const slot of mediaSlots(endpoint, copy)) {
    const limit = limitFor(endpoint, slot.field);
    const maxBytes = limit.maxMegabytes * BYTES_PER_MEGABYTE;
    const target = { limit, owner };
    try {
      if (isLocalFile(slot.value)) slot.set(await stageFile(slot.value, maxBytes, staging, cwd, target));
      else if (slot.value.startsWith('data:') && slot.value.length > STAGE_DATA_URI_OVER) {
        const staged = await stageDataUri(slot.value, maxBytes, staging, target);
        if (staged) slot.set(staged);
      }
    } catch (err) {
      if (err instanceof StagingProblem) issues.push(`${slot.path}: ${err.message}`);
      else throw err;
    }
  }
  return { request: copy, issues };
}

/**
 * One value of a media field outside a generation's request (the subject library's images and
 * videos: client/subjects.ts), staged exactly as stageCallerInputs stages a large data: URI:
 * within `limit`'s size, sniffed for its kind before a byte is stored, named by the detected
 * format. Anything else comes back as it is.
 */
export async function stageLargeDataUri(
  value: string,
  limit: MediaLimit,
  staging: InputStaging,
  owner: string,
): Promise<{ value: string } | { problem: string }> {
  if (!value.startsWith('data:') || value.length <= STAGE_DATA_URI_OVER) return { value };
  try {
    const target = { limit, owner };
    return { value: (await stageDataUri(value, limit.maxMegabytes * BYTES_PER_MEGABYTE, staging, target)) ?? value };
  } catch (err) {
    if (err instanceof StagingProblem) return { problem: err.message };
    throw err;
  }
}

class StagingProblem extends Error {
  override readonly name = 'StagingProblem';
}

interface Target {
  limit: MediaLimit;
  owner: string;
}

/**
 * The magic bytes must be media of the field's kind (vidu/media/detect.ts); the worker still
 * probes the whole file against the field's documented formats and sizes before any credit.
 */
function mediaKindProblem(head: Uint8Array, limit: MediaLimit): string | undefined {
  const detected = detectFormat(head);
  if (detected?.kind === limit.kind) return undefined;
  return `not ${limit.kind === 'image' ? 'an' : 'a'} ${limit.kind}: the bytes are none of the ${limit.kind} formats it accepts (${limit.formats.join(', ')}); nothing was stored`;
}

async function stageFile(
  value: string,
  maxBytes: number,
  staging: InputStaging,
  cwd: string,
  target: Target,
): Promise<string> {
  const file = localFilePath(value, cwd);
  if (file === undefined) throw new StagingProblem(BAD_FILE_URL);
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new StagingProblem(`not a file: ${file}`);
    size = info.size;
  } catch (err) {
    if (err instanceof StagingProblem) throw err;
    throw new StagingProblem(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (size > maxBytes) throw new StagingProblem(`${mb(size)} exceeds the ${mb(maxBytes)} limit`);
  const fh = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new StagingProblem(`cannot read ${file} (${err.code ?? err.message})`);
  });
  let incoming: IncomingFile;
  try {
    incoming = await staging.receive(fileChunks(fh), maxBytes).catch((err: unknown) => {
      if (err instanceof StagingLimitExceeded)
        throw new StagingProblem(`${file} grew past the ${mb(maxBytes)} limit while being read`);
      throw new StagingProblem(
        `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      );
    });
  } finally {
    await fh.close();
  }
  const head = await headOf(incoming.path);
  const problem = mediaKindProblem(head, target.limit);
  if (problem) {
    await incoming.discard();
    throw new StagingProblem(problem);
  }
  return incoming.commit(detectFormat(head)?.format ?? 'bin', target.owner);
}

/** Well-formed base64 data URIs only; anything else is left for the worker to judge and report. */
async function stageDataUri(
  uri: string,
  maxBytes: number,
  staging: InputStaging,
  target: Target,
): Promise<string | undefined> {
  const match = /^data:[\w.+-]+\/[\w.+-]+(;[^,]*)?,/.exec(uri);
  if (!match || !(match[1] ?? '').includes('base64')) return undefined;
  const bytes = Buffer.from(uri.slice(match[0].length), 'base64');
  if (bytes.length > maxBytes) throw new StagingProblem(`${mb(bytes.length)} exceeds the ${mb(maxBytes)} limit`);
  // Sniffed before a byte is written: what is not media never reaches the store.
  const problem = mediaKindProblem(bytes.subarray(0, HEAD_BYTES), target.limit);
  if (problem) throw new StagingProblem(problem);
  const incoming = await staging.receive([bytes], maxBytes);
  return incoming.commit(detectFormat(bytes.subarray(0, HEAD_BYTES))?.format ?? 'bin', target.owner);
}

/** Enough for every signature vidu/media/detect.ts reads (EBML doc types sit a little further in). */
export const HEAD_BYTES = 4096;

/** The first HEAD_BYTES of a file, for sniffing its format (api/routes/uploads.ts uses it too). */
export async function headOf(file: string): Promise<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(head, 0, HEAD_BYTES, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function mb(bytes: number): string {
  return `${(bytes / BYTES_PER_MEGABYTE).toFixed(1)} MB`;
}
