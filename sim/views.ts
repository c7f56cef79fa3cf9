/**
 * Wire shapes built from internal records: the Get Generation / callback body
 * and list items. Media URLs are issued at the moment a view is built.
 */
import { filesOf } from './creations';
import type { TaskSnapshot } from './engine';
import type { MediaSigner } from './media-urls';
import type { SimCreation, SimTask } from './task';

export interface CreationView {
  id: string;
  url: string;
  cover_url: string;
  watermarked_url: string;
  video?: { duration: number; fps: number; resolution: { width: number; height: number } };
}

export function creationView(c: SimCreation, signer: MediaSigner, issuedAt: number): CreationView {
  const files = filesOf(c);
  return {
    id: c.id,
    url: signer.issue(files.main, issuedAt),
    cover_url: files.cover ? signer.issue(files.cover, issuedAt) : '',
    watermarked_url: files.wm ? signer.issue(files.wm, issuedAt) : '',
    ...(c.media === 'video'
      ? { video: { duration: c.durationSeconds, fps: c.fps, resolution: { width: c.width, height: c.height } } }
      : {}),
  };
}

/** Get Generation body (docs/vidu-api.md §6); callbacks send the same shape with the snapshot taken at the transition. */
export function generationBody(
  task: SimTask,
  snap: TaskSnapshot,
  signer: MediaSigner,
  issuedAt: number,
): Record<string, unknown> {
  return {
    id: task.id,
    state: snap.state,
    err_code: snap.errCode,
    credits: snap.credits,
    payload: task.payload,
    bgm: task.bgm,
    off_peak: task.offPeak,
    progress: snap.progress,
    creations: snap.state === 'success' ? task.creations.map((c) => creationView(c, signer, issuedAt)) : [],
  };
}

/** One task in GET /ent/v2/tasks (docs/vidu-api.md §7, plus state/credits/created_at which the stored doc copy cuts off). */
export function listItem(task: SimTask, keyId: string, signer: MediaSigner, issuedAt: number): Record<string, unknown> {
  return {
    id: task.id,
    key_id: keyId,
    type: task.type,
    model: task.model,
    prompt: task.prompt,
    images: task.images,
    duration: task.durationSeconds,
    resolution: task.resolution,
    aspect_ratio: task.aspectRatio,
    state: task.state,
    err_code: task.errCode,
    credits: task.credits,
    off_peak: task.offPeak,
    created_at: task.createdAtText,
    payload: task.payload,
    client_request_id: task.clientRequestId,
    creations: task.state === 'success' ? task.creations.map((c) => creationView(c, signer, issuedAt)) : [],
  };
}
