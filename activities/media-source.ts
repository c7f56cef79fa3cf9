import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputPathRefused, resolveInsideRoots } from './input-roots';
import { PrivateAddressRefused } from '../platform/net/address-policy';
import {
  fileChunks,
  StagingLimitExceeded,
  type IncomingFile,
  type StagingStore,
} from '../platform/stores/staging-store';
import { BAD_FILE_URL, fileUrlPath, isFileUrl } from '../contract/local-path';
import { OPERATOR_OWNER, ownsStagedRef, parseStagedRef } from '../contract/staged-ref';

/** Where an input came from; URLs are passed on to Vidu as they are, other sources are staged. */
export type MediaSource = 'url' | 'data-uri' | 'file' | 'staged';

export class MediaLoadError extends Error {
  override readonly name = 'MediaLoadError';
}

/** A download that receives no byte for this long is abandoned. */
const DOWNLOAD_IDLE_MS = 30_000;
/** How often the idle budget is checked: a stall is noticed at most this late. */
const IDLE_CHECK_MS = 1_000;

export interface MediaSourceDeps {
  staging: StagingStore;
  /** The worker passes its guarded fetch (private addresses refused); default: global fetch. */
  fetch?: typeof fetch;
  /** VIDU_FLOW_INPUT_ROOTS; local paths elsewhere are refused. Default: none. */
  inputRoots?: readonly string[];
  /**
   * Whose input this is (contract/staged-ref.ts; default: the operator). A `staged:`
   * reference of another owner is "not found"; local paths are the operator's alone.
   */
  owner?: string;
}

export interface ReceivedMedia {
  source: MediaSource;
  /** The bytes, in a file of the staging store: probe it, then commit or discard it. */
  file: IncomingFile;
}

/**
 * Reads one input into the staging store, streaming: an http(s) URL, a `data:<mime>;base64,` URI,
 * a `staged:` reference, or a path (or file:// URL) inside VIDU_FLOW_INPUT_ROOTS. `maxBytes`
 * stops reading early so a huge input fails fast with a clear message. Memory stays flat whatever
 * the size: bytes go to a temporary file, hashed on the way.
 */
export async function receiveMedia(value: string, maxBytes: number, deps: MediaSourceDeps): Promise<ReceivedMedia> {
  if (/^https?:\/\//i.test(value)) return { source: 'url', file: await download(value, maxBytes, deps) };
  if (value.startsWith('data:'))
    return { source: 'data-uri', file: await receiveBytes(decodeDataUri(value, maxBytes), maxBytes, deps.staging) };
  const owner = deps.owner ?? OPERATOR_OWNER;
  if (value.startsWith('staged:'))
    return { source: 'staged', file: await alreadyStaged(value, maxBytes, deps.staging, owner) };
  // The worker's disk is the operator's: a workflow an API key started never reads it (the API
  // refuses such values already; this holds for a batch line too, which the worker reads).
  if (owner !== OPERATOR_OWNER)
    throw new MediaLoadError(
      'must be an http(s) URL, a data: URI or a vidu-flow: reference (local paths are refused for API callers)',
    );
  // A path as given (readLocal checks it against the input roots), or a file: URL's path (contract/local-path.ts).
  const file = isFileUrl(value) ? fileUrlPath(value) : value;
  if (file === undefined) throw new MediaLoadError(BAD_FILE_URL);
  return { source: 'file', file: await readLocal(file, maxBytes, deps) };
}

function decodeDataUri(uri: string, maxBytes: number): Buffer {
  const match = /^data:([\w.+-]+\/[\w.+-]+)?(;[^,]*)?,/.exec(uri);
  if (!match) throw new MediaLoadError('malformed data URI; expected data:<mime>;base64,<data>');
  if (!match[1]) throw new MediaLoadError('data URI has no content type; Vidu needs e.g. data:image/png;base64,…');
  if (!(match[2] ?? '').includes('base64')) throw new MediaLoadError('data URI is not base64-encoded');
  const bytes = Buffer.from(uri.slice(match[0].length), 'base64');
  if (bytes.length > maxBytes) throw new MediaLoadError(`${mb(bytes.length)} exceeds the ${mb(maxBytes)} limit`);
  return bytes;
}

async function receiveBytes(bytes: Buffer, maxBytes: number, staging: StagingStore): Promise<IncomingFile> {
  return staging.receive([bytes], maxBytes);
}

/**
 * A reference the client (or an earlier stage) made: probed where it lies, never copied. Only the
 * owner's own: another owner's reference fails exactly like one that does not exist.
 */
async function alreadyStaged(
  ref: string,
  maxBytes: number,
  staging: StagingStore,
  owner: string,
): Promise<IncomingFile> {
  let file: string;
  let size: number;
  try {
    if (!ownsStagedRef(owner, ref)) throw new Error('not this owner');
    file = await staging.localPath(ref);
    size = (await stat(file)).size;
  } catch {
    throw new MediaLoadError(
      'staged input not found in the staging store (the client and the worker must share STAGING_DIR)',
    );
  }
  if (size > maxBytes) throw new MediaLoadError(`${mb(size)} exceeds the ${mb(maxBytes)} limit`);
  // ownsStagedRef parsed it already: well formed.
  const sha256 = parseStagedRef(ref)!.name.split('.')[0]!;
  return { path: file, size, sha256, commit: async () => ref, discard: async () => undefined };
}

async function readLocal(file: string, maxBytes: number, deps: MediaSourceDeps): Promise<IncomingFile> {
  let real: string;
  try {
    real = await resolveInsideRoots(file, deps.inputRoots ?? []);
  } catch (err) {
    if (err instanceof InputPathRefused) throw new MediaLoadError(err.message);
    throw err;
  }
  const shown = path.resolve(file);
  const fh = await open(real, 'r').catch(() => {
    throw new MediaLoadError(`cannot open ${shown}`);
  });
  try {
    const info = await fh.stat();
    if (!info.isFile()) throw new MediaLoadError(`not a file: ${shown}`);
    if (info.size > maxBytes) throw new MediaLoadError(`${mb(info.size)} exceeds the ${mb(maxBytes)} limit`);
    return await deps.staging.receive(fileChunks(fh), maxBytes).catch((err: unknown) => {
      if (err instanceof StagingLimitExceeded)
        throw new MediaLoadError(`${shown} grew past the ${mb(maxBytes)} limit while being read`);
      throw err;
    });
  } finally {
    await fh.close();
  }
}

async function download(url: string, maxBytes: number, deps: MediaSourceDeps): Promise<IncomingFile> {
  const fetchImpl = deps.fetch ?? fetch;
  const abort = new AbortController();
  // One timer for the whole download, not one re-armed per chunk (thousands for a large file):
  // each chunk only notes the time, and the timer aborts once nothing arrived for the idle budget.
  let lastByteAt = Date.now();
  const timer = setInterval(() => {
    if (Date.now() - lastByteAt >= DOWNLOAD_IDLE_MS) abort.abort();
  }, IDLE_CHECK_MS);
  try {
    let res: Response;
    try {
      res = await fetchImpl(url, { signal: abort.signal });
    } catch (err) {
      throw new MediaLoadError(`could not download ${url}: ${describe(err)}`);
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel().catch(() => undefined);
      throw new MediaLoadError(`could not download ${url}: HTTP ${res.status}`);
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > maxBytes) {
      await res.body.cancel().catch(() => undefined);
      throw new MediaLoadError(`${mb(declared)} exceeds the ${mb(maxBytes)} limit`);
    }
    async function* body(stream: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
      for await (const chunk of stream) {
        lastByteAt = Date.now();
        yield chunk;
      }
    }
    try {
      return await deps.staging.receive(body(res.body as unknown as AsyncIterable<Uint8Array>), maxBytes);
    } catch (err) {
      const idle = abort.signal.aborted;
      abort.abort(); // stops the transfer whatever went wrong
      if (err instanceof StagingLimitExceeded) throw new MediaLoadError(`more than the ${mb(maxBytes)} limit`);
      if (idle || (err as Error).name === 'AbortError' || (err as Error).name === 'TypeError') {
        throw new MediaLoadError(`could not download ${url}: ${describe(err)}`);
      }
      throw err;
    }
  } finally {
    clearInterval(timer);
  }
}

function describe(err: unknown): string {
  if (err instanceof PrivateAddressRefused) return err.message;
  if ((err as Error).name === 'AbortError') return `no data for ${DOWNLOAD_IDLE_MS / 1000} s`;
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof PrivateAddressRefused) return cause.message;
  return (cause as { code?: string } | undefined)?.code ?? (err as Error).message;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
