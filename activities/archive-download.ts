import { Context } from '@temporalio/activity';

// One guarded download for the archive: however large or slow the file, the activity stays alive
// (heartbeats while bytes arrive), stops at once when Temporal cancels or times it out (the request
// is aborted, nothing keeps downloading in the background), and gives up with a clear error when
// the server goes quiet (idle timeout) or sends more than the size cap.

export interface DownloadLimits {
  /** Fail the attempt when no byte arrived for this long. */
  idleTimeoutMs: number;
  /** Fail the attempt when a file is larger than this. */
  maxBytes: number;
}

export const DEFAULT_DOWNLOAD_LIMITS: DownloadLimits = {
  idleTimeoutMs: 60_000,
  maxBytes: 2 * 1024 ** 3,
};

/** Heartbeats at most this often (the SDK throttles further, to 0.8 × heartbeatTimeout). */
const BEAT_EVERY_MS = 1_000;

/** The URL answered 403, 404 or 410: it probably outlived its hour; fresh URLs may help. */
export class UrlExpired extends Error {
  override readonly name = 'UrlExpired';
}

/** A download that failed in a way a later attempt may not (stall, too large, HTTP error). */
export class DownloadFailed extends Error {
  override readonly name = 'DownloadFailed';
}

export interface DownloadRequest<T> {
  fetch: typeof fetch;
  url: string;
  /** What is downloaded, for error messages: `creation 123 (cover)`. Never the URL (it may carry a token). */
  what: string;
  limits: DownloadLimits;
  /** Called with the bytes received so far, at most every second, also while waiting for bytes. */
  onProgress(bytes: number): void;
  /** Consumes the body (e.g. writes it to the archive store); a failing body makes it reject. */
  sink(contentType: string, body: AsyncIterable<Uint8Array>): Promise<T>;
}

/** The activity context, when running in one (unit tests may call activities directly). */
function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

export async function guardedDownload<T>(req: DownloadRequest<T>): Promise<T> {
  const { limits, what } = req;
  const cancelled = activityContext()?.cancellationSignal;
  if (cancelled?.aborted) throw cancelled.reason;
  const controller = new AbortController();
  let failure: Error | undefined;
  const fail = (err: Error): Error => {
    failure ??= err;
    controller.abort(failure);
    return failure;
  };
  const onCancel = (): void => controller.abort(cancelled?.reason);
  cancelled?.addEventListener('abort', onCancel, { once: true });

  let bytes = 0;
  let lastByteAt = Date.now();
  let lastBeatAt = 0;
  const beat = (): void => {
    lastBeatAt = Date.now();
    req.onProgress(bytes);
  };
  // Runs while the request is open: ends a stalled download, and keeps heartbeating while a slow
  // server is still within its idle budget (the heartbeat timeout is shorter than the idle timeout).
  const ticker = setInterval(
    () => {
      const idle = Date.now() - lastByteAt;
      if (idle >= limits.idleTimeoutMs) {
        fail(
          new DownloadFailed(
            `${what}: no byte received for ${seconds(idle)} s (idle timeout ${seconds(limits.idleTimeoutMs)} s); this attempt gives up`,
          ),
        );
      } else if (Date.now() - lastBeatAt >= BEAT_EVERY_MS) {
        beat();
      }
    },
    Math.min(BEAT_EVERY_MS, Math.max(50, limits.idleTimeoutMs / 4)),
  );
  try {
    const res = await req.fetch(req.url, { signal: controller.signal });
    if (res.status === 403 || res.status === 404 || res.status === 410) {
      await res.body?.cancel().catch(() => undefined);
      throw new UrlExpired(`${what}: result URL answered ${res.status}`);
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel().catch(() => undefined);
      throw new DownloadFailed(`${what}: download failed with HTTP ${res.status}`);
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      await res.body.cancel().catch(() => undefined);
      throw fail(tooLarge(what, declared, limits.maxBytes));
    }
    const contentType = (res.headers.get('content-type') ?? 'application/octet-stream')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    const source = res.body as unknown as AsyncIterable<Uint8Array>;
    lastByteAt = Date.now();
    async function* counted(): AsyncIterable<Uint8Array> {
      for await (const chunk of source) {
        bytes += chunk.byteLength;
        lastByteAt = Date.now();
        if (bytes > limits.maxBytes) throw fail(tooLarge(what, bytes, limits.maxBytes));
        if (lastByteAt - lastBeatAt >= BEAT_EVERY_MS) beat();
        yield chunk;
      }
    }
    const result = await req.sink(contentType, counted());
    beat();
    return result;
  } catch (err) {
    // Cancelled or timed out by Temporal: report the cancellation itself, so the SDK records the
    // attempt as cancelled rather than failed.
    if (cancelled?.aborted) throw cancelled.reason;
    if (failure) throw failure;
    throw err;
  } finally {
    clearInterval(ticker);
    cancelled?.removeEventListener('abort', onCancel);
  }
}

function tooLarge(what: string, bytes: number, max: number): DownloadFailed {
  return new DownloadFailed(
    `${what}: the file is larger than the archive size cap (${bytes} > ${max} bytes); raise the cap to archive it`,
  );
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 1 : 0);
}
