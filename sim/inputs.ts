/**
 * Input media checks, as Vidu does them before accepting a task: data URIs
 * are decoded, URLs are downloaded, and the bytes are probed and held to the
 * endpoint's documented limits (vidu/media/limits).
 */
import { mediaSlots, type MediaEndpoint } from '../contract/media-fields';
import { probeMedia, checkMedia, type MediaLimit, type MediaProbe } from '../vidu/media';
import { audioDurationOfBytes, LIBRARY_AUDIO_FORMATS } from '../vidu/media/audio-duration';
import { ViduHttpError } from './http-errors';

export interface MediaInput {
  /** Field path as shown in messages, e.g. "images[0]" or "subjects[1].videos[0]". */
  path: string;
  value: string;
  limit: MediaLimit;
}

type Problem = { reason: 'ImageDownloadFailure' | 'ImageFormatInvalid' | 'PageSizeOutOfRange'; message: string };
type Loaded = { ok: true; bytes: Buffer } | { ok: false; problem: Problem };

// Which problem is reported when inputs fail in different ways ([INF]).
const PRIORITY: readonly Problem['reason'][] = ['ImageDownloadFailure', 'ImageFormatInvalid', 'PageSizeOutOfRange'];

const DATA_URI = /^data:([^,;]+)((?:;[^,;]*)*);base64,(.*)$/is;

export interface FetchOptions {
  timeoutMs: number;
  maxBytes: number;
}

/** Every media field of a validated create request, with the limit that applies to it (from the registry). */
export function mediaInputsOf(endpoint: MediaEndpoint, req: Record<string, unknown>): MediaInput[] {
  return mediaSlots(endpoint, req).map((slot) => ({ path: slot.path, value: slot.value, limit: slot.limit }));
}

/**
 * Load, probe and check every input (in parallel); throws the Vidu 400 for
 * the first failing kind of problem, listing every input that failed that way.
 * Returns the probes by path (output sizes follow some of them).
 */
export async function checkMediaInputs(inputs: MediaInput[], opts: FetchOptions): Promise<Map<string, MediaProbe>> {
  const probes = new Map<string, MediaProbe>();
  const results = await Promise.all(
    inputs.map(async (input): Promise<Problem[]> => {
      const loaded = await load(input, opts);
      if (!loaded.ok) return [loaded.problem];
      let probe: MediaProbe;
      try {
        probe = probeMedia(loaded.bytes);
        // As Vidu does, the length of every accepted audio format is judged, not only a WAV's.
        if (
          probe.kind === 'audio' &&
          probe.durationSeconds === undefined &&
          LIBRARY_AUDIO_FORMATS.includes(probe.format)
        ) {
          const durationSeconds = await audioDurationOfBytes(loaded.bytes, probe.mime);
          if (durationSeconds !== undefined) probe = { ...probe, durationSeconds };
        }
      } catch (err) {
        return [{ reason: 'ImageFormatInvalid', message: `${input.path}: ${(err as Error).message}` }];
      }
      const { limit } = input;
      if (probe.kind !== limit.kind || !(limit.formats as readonly string[]).includes(probe.format)) {
        return [
          {
            reason: 'ImageFormatInvalid',
            message: `${input.path}: ${probe.format} ${probe.kind} is not accepted; ${limit.endpoint} takes ${limit.formats.join(', ')}`,
          },
        ];
      }
      probes.set(input.path, probe);
      return checkMedia(probe, loaded.bytes.byteLength, limit, input.path).map((message) => ({
        reason: 'PageSizeOutOfRange',
        message,
      }));
    }),
  );
  const problems = results.flat();
  const reason = PRIORITY.find((r) => problems.some((p) => p.reason === r));
  if (reason) {
    throw new ViduHttpError(
      reason,
      problems
        .filter((p) => p.reason === reason)
        .map((p) => p.message)
        .join('; '),
    );
  }
  return probes;
}

async function load(input: MediaInput, opts: FetchOptions): Promise<Loaded> {
  const limitBytes = input.limit.maxMegabytes * 1024 * 1024;
  if (/^data:/i.test(input.value)) {
    const m = DATA_URI.exec(input.value);
    if (!m) {
      return {
        ok: false,
        problem: {
          reason: 'ImageFormatInvalid',
          message: `${input.path}: data URI must look like data:<type>;base64,<data>`,
        },
      };
    }
    return { ok: true, bytes: Buffer.from(m[3] ?? '', 'base64') };
  }
  return download(input, Math.min(opts.maxBytes, limitBytes + 1), opts.timeoutMs, limitBytes);
}

async function download(input: MediaInput, cap: number, timeoutMs: number, limitBytes: number): Promise<Loaded> {
  const fail = (detail: string): Loaded => ({
    ok: false,
    problem: {
      reason: 'ImageDownloadFailure',
      message: `${input.path}: could not download ${shortUrl(input.value)}: ${detail}`,
    },
  });
  const tooBig = (): Loaded =>
    cap > limitBytes
      ? {
          ok: false,
          problem: {
            reason: 'PageSizeOutOfRange',
            message: `${input.path}: file exceeds the ${input.limit.maxMegabytes} MB limit`,
          },
        }
      : fail(`larger than the simulator's download cap of ${cap} bytes`);
  try {
    const res = await fetch(input.value, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      return fail(`HTTP ${res.status}`);
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > cap) {
      await res.body?.cancel().catch(() => undefined);
      return tooBig();
    }
    const chunks: Buffer[] = [];
    let total = 0;
    if (res.body) {
      for await (const chunk of res.body) {
        const buf = Buffer.from(chunk as Uint8Array);
        total += buf.byteLength;
        if (total > cap) return tooBig();
        chunks.push(buf);
      }
    }
    return { ok: true, bytes: Buffer.concat(chunks) };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError') return fail(`no answer within ${timeoutMs} ms`);
    return fail(e.cause?.code ?? e.cause?.message ?? e.message);
  }
}

/** URLs can be presigned; never echo a query string (it may hold a signature) into an error message. */
function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
