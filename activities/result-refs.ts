import { isResultRef, parseResultRef } from '../contract/result-ref';
import type { Manifest } from './archive';
import { archiveFolder } from './archive-names';
import type { ArchiveStore } from '../platform/stores/archive-store';
import type { OwnerLookup } from './workflow-owner';

export interface ResultRefScope {
  /** The referencing workflow's owner (contract/staged-ref.ts). */
  owner: string;
  /** The owner of a referenced workflow; undefined when it does not exist. */
  ownerOf: OwnerLookup;
}

/**
 * Replaces a `vidu-flow:<workflowId>/<creationId>` video_url by `video_creation_id` (see
 * contract/result-ref.ts for why), after checking the archive: the workflow must have archived
 * that creation, so only a finished result is accepted and a typo fails here, before any credit is
 * spent. Returns the problems; the request is changed in place only when there are none.
 *
 * Only the caller's own results (issue 16 item 3): the referenced workflow must have the
 * referencing workflow's owner. Another owner's workflow, one that does not exist and one with no
 * archived result all get the same answer, which repeats only the caller's own text; the creation
 * ids of a manifest are listed only for the caller's own workflow.
 */
export async function resolveResultRefs(
  request: Record<string, unknown>,
  archive: ArchiveStore | undefined,
  scope: ResultRefScope,
): Promise<string[]> {
  const value = request.video_url;
  if (!isResultRef(value)) return [];
  const ref = parseResultRef('video_url', value);
  if (typeof ref === 'string') return [ref];
  if (!archive) return [`video_url: ${value} cannot be resolved: this worker has no archive store`];
  const none = `video_url: ${value}: no finished, archived result of yours has this workflow id`;
  if ((await scope.ownerOf(ref.workflowId)) !== scope.owner) return [none];
  const manifest = await archive.readJson<Manifest>(`${archiveFolder(ref.workflowId)}/manifest.json`);
  if (!manifest) return [none];
  const file = manifest.files.find((f) => f.creationId === ref.creationId && f.role === 'video');
  if (!file) {
    const known = [...new Set(manifest.files.filter((f) => f.role === 'video').map((f) => f.creationId))];
    return [
      `video_url: ${value}: your workflow ${ref.workflowId} archived no video creation ${ref.creationId} (its video creations: ${known.join(', ') || 'none'})`,
    ];
  }
  delete request.video_url;
  request.video_creation_id = ref.creationId;
  return [];
}
