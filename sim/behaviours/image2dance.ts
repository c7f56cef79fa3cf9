/** image2dance (docs/vidu-api.md §4): the dance keeps the source image's size and, [INF], the motion video's length. */
import type { Image2DanceRequest } from '../../vidu/schemas';
import type { Behaviour } from './types';

export const image2dance: Behaviour = (b, body, probes) => {
  const r = body as Image2DanceRequest;
  const image = probes.get('image_url');
  const durationSeconds = Math.max(1, Math.round(probes.get('video_url')?.durationSeconds ?? 5));
  const size = image ? { width: image.width, height: image.height } : { width: 720, height: 1280 };
  return {
    price: b.price('image2dance', r as unknown as Record<string, unknown>),
    init: {
      ...b.common(r),
      kind: 'image2dance',
      endpoint: 'image2dance',
      type: 'image2dance',
      model: '',
      prompt: '',
      images: [r.image_url],
      durationSeconds,
      resolution: `${size.width}x${size.height}`,
      aspectRatio: '',
      output: { media: 'video', ...size, durationSeconds, watermark: false },
      bgm: false,
      offPeak: false,
      processingSeconds: b.processingSeconds,
    },
    respond: (t) => ({
      task_id: t.id,
      type: t.type,
      state: t.state,
      image_url: r.image_url,
      video_url: r.video_url,
      payload: t.payload,
      credits: t.credits,
      created_at: t.createdAtText,
      client_request_id: t.clientRequestId,
    }),
  };
};
