/**
 * img2video and reference2video: the video task object (docs/vidu-api.md §1, §2). They differ only in their
 * inputs and in what decides the video's shape.
 */
import type { MediaProbe } from '../../vidu/media';
import { nominalSize } from '../creations';
import type { Prepared } from '../submit';
import type { SimTask } from '../task';
import type { Behaviour, BehaviourContext } from './types';
import { ViduHttpError } from '../http-errors';

// [INF] Responses show "unspecified" when wm_position is unset; set values are
// shown by the protobuf-style name that suggests.
const WM_POSITION_NAMES = { 1: 'top_left', 2: 'top_right', 3: 'bottom_right', 4: 'bottom_left' } as const;

const prepareVideo = (
  kind: 'img2video' | 'reference2video',
  b: BehaviourContext,
  r: VideoRequest,
  images: string[],
  aspectRatio: string,
  shape: string | { width: number; height: number },
): Prepared => {
  const seed = b.seedOf(r.seed);
  return {
    price: b.price(kind, r as unknown as Record<string, unknown>),
    init: {
      ...b.common(r),
      kind,
      endpoint: kind,
      // [INF] docs/vidu-api.md §2: reference tasks have been seen typed "img2video" and
      // "character2video"; the sim names its endpoint.
      type: kind,
      model: r.model,
      prompt: r.prompt ?? '',
      images,
      durationSeconds: r.duration,
      resolution: r.resolution,
      aspectRatio,
      output: {
        media: 'video',
        ...nominalSize(r.resolution, shape),
        durationSeconds: r.duration,
        watermark: r.watermark,
      },
      bgm: r.bgm ?? false,
      offPeak: r.off_peak,
      processingSeconds: b.processingSeconds,
    },
    respond: (t) => videoTaskObject(t, seed, r),
  };
};

/** The start frame decides the shape; aspect_ratio is only echoed ("" when unset, as documented). */
export const img2video: Behaviour = (b, body, probes) => {
  const r = body as unknown as VideoRequest & { images: string[]; aspect_ratio?: string };
  return prepareVideo('img2video', b, r, r.images, r.aspect_ratio ?? '', shapeOf(probes.get('images[0]')) ?? '16:9');
};

export const reference2video: Behaviour = (b, body) => {
  const r = body as unknown as VideoRequest & {
    images?: string[];
    subjects?: Array<{ images?: string[]; server_id?: string }>;
    aspect_ratio: string;
  };
  // docs/vidu-api-subjects.md §1.5: a server_id names a subject of the account's library [INF: refused when unknown].
  r.subjects?.forEach((s, i) => {
    if (s.server_id !== undefined && !b.subjectExists?.(s.server_id)) {
      throw new ViduHttpError('FieldInvalid', `subjects[${i}].server_id: subject ${s.server_id} not found`);
    }
  });
  const images = r.images ?? r.subjects?.flatMap((s) => s.images ?? []) ?? [];
  return prepareVideo('reference2video', b, r, images, r.aspect_ratio, r.aspect_ratio);
};

function shapeOf(probe: MediaProbe | undefined): { width: number; height: number } | undefined {
  return probe ? { width: probe.width, height: probe.height } : undefined;
}

/** The fields of an img2video / reference2video request (after model defaults) the sim uses. */
interface VideoRequest {
  model: string;
  duration: number;
  resolution: string;
  prompt?: string | undefined;
  seed?: number | undefined;
  movement_amplitude: string;
  is_rec?: boolean | undefined;
  off_peak: boolean;
  bgm?: boolean | undefined;
  watermark: boolean;
  wm_position?: 1 | 2 | 3 | 4 | undefined;
  wm_url?: string | undefined;
  meta_data?: string | undefined;
  payload?: string | undefined;
  callback_url?: string | undefined;
  client_request_id?: string | undefined;
}

/** The img2video/reference2video task object, in the documented field order (docs/vidu-api.md §1). */
export function videoTaskObject(t: SimTask, seed: number, r: VideoRequest) {
  return {
    task_id: t.id,
    type: t.type,
    state: t.state,
    model: t.model,
    style: 'general',
    prompt: t.prompt,
    images: t.images,
    duration: t.durationSeconds,
    seed,
    aspect_ratio: t.aspectRatio,
    resolution: t.resolution,
    movement_amplitude: r.movement_amplitude,
    created_at: t.createdAtText,
    credits: t.credits,
    payload: t.payload,
    cus_priority: 0,
    off_peak: t.offPeak,
    watermark: r.watermark,
    is_rec: r.is_rec ?? false,
    wm_position: r.wm_position ? WM_POSITION_NAMES[r.wm_position] : 'unspecified',
    wm_url: r.wm_url ?? '',
    meta_data: r.meta_data ?? '',
    client_request_id: t.clientRequestId,
  };
}
