import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Which media values name a file on the caller's disk: the one rule for the CLI (cli/args.ts,
// relative paths made absolute), the client (client/input-staging.ts, files staged before a start)
// and batch lines (contract/batch-input.ts, paths relative to the JSONL file's folder). The three
// used to disagree (issue 17 §3): the client took everything that was not http(s), data:, staged:
// or vidu-flow: for a file, so `ftp://x` and `` were "files" it tried to read (`/cwd/ftp:/x`,
// the working folder); the CLI and batch lines passed them on, and the worker
// (activities/media-source.ts) reads any such value as a path under VIDU_FLOW_INPUT_ROOTS.
//
// The rule: a media value is exactly one of
//   - a reference the worker resolves: an http(s) URL, a data: URI, a staged: or vidu-flow: reference;
//   - a local file: a path (absolute, or with no URL scheme at all) or a file: URL;
// and anything else (another scheme, an empty value) is refused by the contract
// (contract/generation-input.ts checkRequest), so it reaches neither the client's reader nor the worker.

/** A URL scheme at the start of a value (RFC 3986 §3.1). A Windows drive `C:` matches too: isAbsolute tells it apart. */
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** The references the worker resolves itself (activities/media-source.ts, contract/result-ref.ts). */
const REFERENCE = /^(https?:\/\/|data:|staged:|vidu-flow:)/i;

const FILE_URL = /^file:/i;

/** A path on the caller's disk, written as a path: absolute, or relative with no URL scheme. */
export function isLocalPath(value: string): boolean {
  return value !== '' && (path.isAbsolute(value) || !URL_SCHEME.test(value));
}

/** A file on the caller's disk: a local path or a file: URL (what the client stages before a start). */
export function isLocalFile(value: string): boolean {
  return isLocalPath(value) || isFileUrl(value);
}

/** `value` made absolute against `base` when it is a local path; anything else (file: URLs are absolute) unchanged. */
export function resolveLocalPath(value: string, base: string): string {
  return isLocalPath(value) ? path.resolve(base, value) : value;
}

/** Why a file: URL names no file: the same words from the client and the worker. */
export const BAD_FILE_URL = 'not a usable file:// URL (it needs an absolute path, no host and no encoded slash)';

/** Whether the value is a file: URL (any case; `file:/a` and `file:///a` alike). */
export function isFileUrl(value: string): boolean {
  return FILE_URL.test(value);
}

/** A file: URL's path; undefined when it names no usable path (a host, an encoded slash: BAD_FILE_URL). */
export function fileUrlPath(value: string): string | undefined {
  try {
    return fileURLToPath(value);
  } catch {
    return undefined;
  }
}

/** The file a local value names: a file: URL's path, else the path made absolute against `base`. */
export function localFilePath(value: string, base: string): string | undefined {
  return isFileUrl(value) ? fileUrlPath(value) : path.resolve(base, value);
}

/** Why a media value is none of the forms above; undefined when it is one. */
export function mediaValueProblem(value: string): string | undefined {
  if (value === '')
    return 'must not be empty: give an http(s) URL, a data: URI, a staged: or vidu-flow: reference, a local path or a file: URL';
  if (REFERENCE.test(value) || isLocalFile(value)) return undefined;
  return 'has a URL scheme vidu-flow does not read: give an http(s) URL, a data: URI, a staged: or vidu-flow: reference, a local path or a file: URL';
}
