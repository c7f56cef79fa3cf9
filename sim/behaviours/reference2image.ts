/** reference2image (docs/vidu-api.md §3): one image, shaped by aspect_ratio ("auto" = the first input image's). */
import type { Reference2ImageRequest } from '../../vidu/schemas';
import { nominalSize } from '../creations';
import type { Behaviour } from './types';

export const reference2image: Behaviour = (b, body, probes) => {
  const r = body as Reference2ImageRequest & { resolution: string };
  const first = probes.get('images[0]');
  // "auto" = the first input image's ratio (docs/vidu-api.md §3); with no image, 16:9.
  const shape = r.aspect_ratio === 'auto' ? (first ?? '16:9') : r.aspect_ratio;
  const seed = b.seedOf(r.seed);
  return {
    price: b.price('reference2image', r as unknown as Record<string, unknown>),
    init: {
      ...b.common(r),
      kind: 'reference2image',
      endpoint: 'reference2image',
      type: 'reference2image',
      model: r.model,
      prompt: r.prompt,
      images: r.images ?? [],
      durationSeconds: 0,
      resolution: r.resolution,
      aspectRatio: r.aspect_ratio,
      output: { media: 'image', ...nominalSize(r.resolution, shape), durationSeconds: 0, watermark: false },
      bgm: false,
      offPeak: false,
      processingSeconds: b.processingSeconds,
    },
    respond: (t) => ({
      task_id: t.id,
      type: t.type,
      state: t.state,
      model: t.model,
      images: t.images,
      prompt: t.prompt,
      seed,
      aspect_ratio: t.aspectRatio,
      resolution: t.resolution,
      credits: t.credits,
      callback_url: t.callbackUrl ?? '',
      payload: t.payload,
      created_at: t.createdAtText,
      client_request_id: t.clientRequestId,
    }),
  };
};
