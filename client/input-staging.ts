import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mediaSlots, type MediaEndpoint } from '../contract/media-fields';
import { fileChunks, StagingLimitExceeded, type IncomingFile, type InputStaging } from '../activities/stores/staging-store';
import { BYTES_PER_MEGABYTE } from '../vidu/media/limits';
import { detectFormat } from '../vidu/media/detect';
import { limitFor } from '../activities/stage';

// The client reads its caller's own files: local paths and file:// URLs in a request are streamed
// into the staging store here, before the workflow starts, and replaced by `staged:` references.
// The worker then never reads a path a caller chose (it reads local paths only under its
// operator's VIDU_FLOW_INPUT_ROOTS). Large data: URIs are staged too, so they do not travel
// inside the workflow input, which Temporal limits to 2 MB.

/** data: URIs longer than this are staged rather than sent in the workflow input. */
export const STAGE_DATA_URI_OVER = 256 * 1024;

// vidu-flow: result references are resolved by the worker (contract/result-ref.ts), not read here.
const URL_LIKE = /^(https?:\/\/|data:|staged:|vidu-flow:)/i;

export function isLocalInput(value: string): boolean {
  return !URL_LIKE.test(value);
}

/**
 * Returns a copy of `request` whose local files and large data URIs are staged. Problems (a file
 * that cannot be read, one over its documented limit) come back as issues naming the field.
 */
export async function stageCallerInputs(
  endpoint: MediaEndpoint,
  request: Record<string, unknown>,
  staging: InputStaging,
  cwd = process.cwd(),
): Promise<{ request: Record<string, unknown>; issues: string[] }> {
  const copy = structuredClone(request);
  const issues: string[] = [];
  for (const slot of mediaSlots(endpoint, copy)) {
    const maxBytes = limitFor(endpoint, slot.field).maxMegabytes * BYTES_PER_MEGABYTE;
    try {
      if (isLocalInput(slot.value)) slot.set(await stageFile(slot.value, maxBytes, staging, cwd));
      else if (slot.value.startsWith('data:') && slot.value.length > STAGE_DATA_URI_OVER) {
        const staged = await stageDataUri(slot.value, maxBytes, staging);
        if (staged) slot.set(staged);
      }
    } catch (err) {
      if (err instanceof StagingProblem) issues.push(`${slot.path}: ${err.message}`);
      else throw err;
    }
  }
  return { request: copy, issues };
}

class StagingProblem extends Error {}

async function stageFile(value: string, maxBytes: number, staging: InputStaging, cwd: string): Promise<string> {
  let file: string;
  try {
    file = value.startsWith('file:') ? fileURLToPath(value) : path.resolve(cwd, value);
  } catch {
    throw new StagingProblem('not a usable file:// URL (it needs an absolute path, no host and no encoded slash)');
  }
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
      if (err instanceof StagingLimitExceeded) throw new StagingProblem(`${file} grew past the ${mb(maxBytes)} limit while being read`);
      throw new StagingProblem(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    });
  } finally {
    await fh.close();
  }
  return incoming.commit(await extensionOf(incoming.path));
}

/** Well-formed base64 data URIs only; anything else is left for the worker to judge and report. */
async function stageDataUri(uri: string, maxBytes: number, staging: InputStaging): Promise<string | undefined> {
  const match = /^data:[\w.+-]+\/[\w.+-]+(;[^,]*)?,/.exec(uri);
  if (!match || !(match[1] ?? '').includes('base64')) return undefined;
  const bytes = Buffer.from(uri.slice(match[0].length), 'base64');
  if (bytes.length > maxBytes) throw new StagingProblem(`${mb(bytes.length)} exceeds the ${mb(maxBytes)} limit`);
  const incoming = await staging.receive([bytes], maxBytes);
  return incoming.commit(await extensionOf(incoming.path));
}

/** The reference's extension is cosmetic (the worker sniffs the bytes); `bin` when unknown. */
async function extensionOf(file: string): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await fh.read(head, 0, 64, 0);
    return detectFormat(head.subarray(0, bytesRead))?.format ?? 'bin';
  } finally {
    await fh.close();
  }
}

function mb(bytes: number): string {
  return `${(bytes / BYTES_PER_MEGABYTE).toFixed(1)} MB`;
}
