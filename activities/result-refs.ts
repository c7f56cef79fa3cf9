import { isResultRef, parseResultRef } from '../contract/result-ref';
import type { Manifest } from './archive';
import { archiveFolder } from './archive-names';
import type { ArchiveStore } from './stores/archive-store';

/**
 * Replaces a `vidu-flow:<workflowId>/<creationId>` video_url by `video_creation_id` (see
 * contract/result-ref.ts for why), after checking the archive: the workflow must have archived
 * that creation, so only a finished result is accepted and a typo fails here, before any credit is
 * spent. Returns the problems; the request is changed in place only when there are none.
 */
export async function resolveResultRefs(request: Record<string, unknown>, archive: ArchiveStore | undefined): Promise<string[]> {
  const value = request.video_url;
  if (!isResultRef(value)) return [];
  const ref = parseResultRef('video_url', value);
  if (typeof ref === 'string') return [ref];
  if (!archive) return [`video_url: ${value} cannot be resolved: this worker has no archive store`];
  const manifest = await archive.readJson<Manifest>(`${archiveFolder(ref.workflowId)}/manifest.json`);
  if (!manifest) return [`video_url: ${value}: workflow ${ref.workflowId} has no archived result (is it finished, and archived to this store?)`];
  const file = manifest.files.find((f) => f.creationId === ref.creationId && f.role === 'video');
  if (!file) {
    const known = [...new Set(manifest.files.filter((f) => f.role === 'video').map((f) => f.creationId))];
    return [`video_url: ${value}: workflow ${ref.workflowId} archived no video creation ${ref.creationId} (its video creations: ${known.join(', ') || 'none'})`];
  }
  delete request.video_url;
  request.video_creation_id = ref.creationId;
  return [];
}
