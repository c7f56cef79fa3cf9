import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where an input came from; URLs are passed on to Vidu as they are, other sources are staged. */
export type MediaSource = 'url' | 'data-uri' | 'file' | 'staged';

export class MediaLoadError extends Error {}

const DOWNLOAD_TIMEOUT_MS = 30_000;

/**
 * Reads one input: an http(s) URL, a `data:<mime>;base64,` URI, or a path (or file:// URL) that the
 * worker can read. `maxBytes` stops reading early so a huge input fails fast with a clear message.
 */
export async function loadMedia(value: string, maxBytes: number, fetchImpl: typeof fetch = fetch): Promise<{ bytes: Buffer; source: MediaSource }> {
  if (/^https?:\/\//i.test(value)) return { bytes: await download(value, maxBytes, fetchImpl), source: 'url' };
  if (value.startsWith('data:')) return { bytes: decodeDataUri(value, maxBytes), source: 'data-uri' };
  const file = value.startsWith('file://') ? fileUrlPath(value) : value;
  return { bytes: await readLocal(file, maxBytes), source: 'file' };
}

/** A bad file:// URL (a host, an encoded slash) is bad input, not a worker fault. */
function fileUrlPath(value: string): string {
  try {
    return fileURLToPath(value);
  } catch (err) {
    throw new MediaLoadError(`not a usable file:// URL: ${value} (${(err as Error).message})`);
  }
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

async function readLocal(file: string, maxBytes: number): Promise<Buffer> {
  const resolved = path.resolve(file);
  let info;
  try {
    info = await stat(resolved);
  } catch {
    throw new MediaLoadError(`file not found: ${resolved} (inputs are URLs, data URIs, or paths the worker can read)`);
  }
  if (!info.isFile()) throw new MediaLoadError(`not a file: ${resolved}`);
  if (info.size > maxBytes) throw new MediaLoadError(`${mb(info.size)} exceeds the ${mb(maxBytes)} limit`);
  return readFile(resolved);
}

async function download(url: string, maxBytes: number, fetchImpl: typeof fetch): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetchImpl(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new MediaLoadError(`could not download ${url}: ${cause}`);
  }
  if (!res.ok || !res.body) throw new MediaLoadError(`could not download ${url}: HTTP ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await res.body.cancel();
    throw new MediaLoadError(`${mb(declared)} exceeds the ${mb(maxBytes)} limit`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new MediaLoadError(`more than the ${mb(maxBytes)} limit`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
