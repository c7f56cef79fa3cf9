import { ApplicationFailure } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import { derivedWorkflowIdProblem } from '../contract/workflow-id';
import { FailureType } from '../core/failure-types';
import { issueDetails } from '../core/issues';

// Names that become archive paths and object keys. Workflow ids are checked against the one
// workflow-id rule (contract/workflow-id.ts); creation ids and extensions come from Vidu (or, before
// the callback hardening, from whoever posted a callback), so they are escaped and allow-listed
// rather than trusted. The archive store's root check stays as a second line of defence.

/**
 * The archive folder of a workflow: the workflow id itself, once it passed the rule. A hostile id
 * (`x/../victim`, `..`, `/etc`) fails the activity as a non-retryable InvalidRequest: no retry
 * can make it safe.
 */
export function archiveFolder(workflowId: unknown): string {
  const problem = derivedWorkflowIdProblem(workflowId);
  if (problem) {
    throw ApplicationFailure.create({
      type: FailureType.InvalidRequest,
      message: `workflowId: ${problem}; nothing was written`,
      nonRetryable: true,
      details: [issueDetails([`workflowId: ${problem}`])],
    });
  }
  return workflowId as string;
}

/** Creation ids kept as they are: letters, digits, `_` and `-` (Vidu's are digits). No dots, so `<id>.cover.<ext>` cannot collide. */
const READABLE_CREATION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/**
 * The file name stem of a creation. Anything else than a plain id (a slash, `..`, an absolute
 * path, NUL, an overlong id…) becomes `_` + 40 hex digits of its sha256: stable across retries, and
 * never equal to a readable id (those cannot start with `_`). The manifest keeps the original id.
 */
export function creationFileStem(creationId: string): string {
  if (READABLE_CREATION_ID.test(creationId)) return creationId;
  return `_${createHash('sha256').update(creationId).digest('hex').slice(0, 40)}`;
}

/** The only extensions an archived file gets, by content type. */
const EXTENSION_BY_TYPE: Record<string, string> = {
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'audio/mpeg': 'mp3',
  'audio/wav': 'wav',
  'audio/mp4': 'm4a',
};

const ALLOWED_EXTENSIONS = new Set([...Object.values(EXTENSION_BY_TYPE), 'jpeg']);

/**
 * The file extension for a download: from the content type when it is a known media type, else
 * from the URL's path when that ends in an allowed extension, else `bin`. Never anything outside
 * the allow list, whatever the server or URL says.
 */
export function archiveExtension(contentType: string, url: string): string {
  const byType = EXTENSION_BY_TYPE[contentType.toLowerCase()];
  if (byType) return byType;
  let pathname = '';
  try {
    pathname = new URL(url).pathname;
  } catch {
    return 'bin';
  }
  const ext = /\.([A-Za-z0-9]{2,5})$/.exec(pathname)?.[1]?.toLowerCase();
  if (ext && ALLOWED_EXTENSIONS.has(ext)) return ext === 'jpeg' ? 'jpg' : ext;
  return 'bin';
}

/** `<stem>.<ext>` for the result, `<stem>.cover.<ext>` for its cover, `<stem>.wm.<ext>` for its watermarked copy. */
export function archiveFileName(creationId: string, role: 'main' | 'cover' | 'watermarked', ext: string): string {
  const safeExt = ALLOWED_EXTENSIONS.has(ext) || ext === 'bin' ? ext : 'bin';
  const stem = creationFileStem(creationId);
  if (role === 'watermarked') return `${stem}.wm.${safeExt}`;
  return role === 'cover' ? `${stem}.cover.${safeExt}` : `${stem}.${safeExt}`;
}
