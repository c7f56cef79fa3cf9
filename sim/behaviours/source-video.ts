/**
 * extend, upscale and lip-sync work on a source video: a creation of an earlier task (video_creation_id,
 * which wins over video_url, as upscale-new documents) or the video at video_url. The result
 * keeps the source's shape; extend adds `duration` seconds (default 5) to its length, upscale
 * keeps it. An unknown creation id is answered 404 CreationNotFound [INF: docs/vidu-api.md §9 lists it].
 */
import { EXTEND_DEFAULT_SECONDS } from '../../vidu/endpoints/extend';
import type { MediaProbe } from '../../vidu/media';
import { ViduHttpError } from '../http-errors';
import { genericBehaviour, type OutputOverride } from './generic';
import type { Behaviour, BehaviourContext } from './types';

function source(
  b: BehaviourContext,
  r: Record<string, unknown>,
  probes: Map<string, MediaProbe>,
): OutputOverride & { durationSeconds: number } {
  if (typeof r.video_creation_id === 'string') {
    const c = b.creation(r.video_creation_id);
    if (!c || c.media !== 'video')
      throw new ViduHttpError('CreationNotFound', `video_creation_id: no video creation ${r.video_creation_id}`);
    return { durationSeconds: c.durationSeconds, shape: { width: c.width, height: c.height } };
  }
  const probe = probes.get('video_url');
  return {
    durationSeconds: probe?.durationSeconds ?? EXTEND_DEFAULT_SECONDS,
    ...(probe ? { shape: { width: probe.width, height: probe.height } } : {}),
  };
}

export const extend: Behaviour = genericBehaviour('extend', (b, r, probes) => {
  const src = source(b, r, probes);
  return {
    ...src,
    durationSeconds: src.durationSeconds + (typeof r.duration === 'number' ? r.duration : EXTEND_DEFAULT_SECONDS),
  };
});

export const upscale: Behaviour = genericBehaviour('upscale', (b, r, probes) => source(b, r, probes));

/** lip-sync keeps the face video's shape and length. */
export const lipSync: Behaviour = genericBehaviour('lipSync', (b, r, probes) => source(b, r, probes));
