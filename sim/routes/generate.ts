/**
 * POST /ent/v2/img2video, reference2video, reference2image, image2dance:
 * validate, check media, price, and answer the task object (FACTS §1–§4).
 */
import type { FastifyInstance } from 'fastify';
import { applyModelDefaults } from '../../vidu/models';
import { Image2DanceRequest, Img2VideoRequest, Reference2ImageRequest, Reference2VideoRequest } from '../../vidu/schemas';
import type { SimContext } from '../context';
import { nominalSize } from '../creations';
import { checkMediaInputs, mediaInputsOf } from '../inputs';
import { priceOf } from '../pricing';
import { submitTask, type Prepared } from '../submit';
import type { SimTask } from '../task';
import { parseRequest } from '../validation';

const SEED_MAX = 2_147_483_647;

// [INF] Responses show "unspecified" when wm_position is unset; set values are
// shown by the protobuf-style name that suggests.
const WM_POSITION_NAMES = { 1: 'top_left', 2: 'top_right', 3: 'bottom_right', 4: 'bottom_left' } as const;

export function registerGenerateRoutes(app: FastifyInstance, ctx: SimContext): void {
  const fetchOpts = { timeoutMs: ctx.config.fetchTimeoutMs, maxBytes: ctx.config.fetchMaxBytes };
  // "omitted or 0 ⇒ random; the response returns the actual seed" (FACTS §1).
  const seedOf = (seed: number | undefined) => (seed ? seed : ctx.rng.int(1, SEED_MAX));
  const common = (r: { payload?: string | undefined; callback_url?: string | undefined; client_request_id?: string | undefined }) => ({
    request: r as Record<string, unknown>,
    clientRequestId: r.client_request_id ?? '',
    callbackUrl: r.callback_url,
    payload: r.payload ?? '',
  });

  /** img2video and reference2video differ only in their inputs and in what decides the video's shape. */
  const prepareVideo = (
    kind: 'img2video' | 'reference2video',
    r: VideoRequest,
    images: string[],
    aspectRatio: string,
    shape: string | { width: number; height: number },
  ): Prepared => {
    const seed = seedOf(r.seed);
    return {
      price: priceOf({ kind, model: r.model, durationSeconds: r.duration, resolution: r.resolution }, { offPeak: r.off_peak, isRec: r.is_rec ?? false }),
      init: {
        ...common(r),
        kind,
        endpoint: kind,
        // [INF] FACTS §2: reference tasks have been seen typed "img2video" and
        // "character2video"; the sim names its endpoint.
        type: kind,
        model: r.model,
        prompt: r.prompt ?? '',
        images,
        durationSeconds: r.duration,
        resolution: r.resolution,
        aspectRatio,
        output: { media: 'video', ...nominalSize(r.resolution, shape), durationSeconds: r.duration, watermark: r.watermark },
        bgm: r.bgm ?? false,
        offPeak: r.off_peak,
        processingSeconds: ctx.config.processingSeconds,
      },
      respond: (t) => videoTaskObject(t, seed, r),
    };
  };

  app.post('/ent/v2/img2video', { config: { endpoint: 'img2video' } }, (req) =>
    submitTask(ctx, req, async () => {
      const r = applyModelDefaults('img2video', parseRequest(Img2VideoRequest, req.body));
      const probes = await checkMediaInputs(mediaInputsOf('img2video', r), fetchOpts);
      // The start frame decides the shape; aspect_ratio is only echoed ("" when unset, as documented).
      return prepareVideo('img2video', r, r.images, r.aspect_ratio ?? '', probes.get('images[0]') ?? '16:9');
    }),
  );

  app.post('/ent/v2/reference2video', { config: { endpoint: 'reference2video' } }, (req) =>
    submitTask(ctx, req, async () => {
      const r = applyModelDefaults('reference2video', parseRequest(Reference2VideoRequest, req.body));
      await checkMediaInputs(mediaInputsOf('reference2video', r), fetchOpts);
      const images = r.images ?? r.subjects?.flatMap((s) => s.images ?? []) ?? [];
      return prepareVideo('reference2video', r, images, r.aspect_ratio, r.aspect_ratio);
    }),
  );

  app.post('/ent/v2/reference2image', { config: { endpoint: 'reference2image' } }, (req) =>
    submitTask(ctx, req, async (): Promise<Prepared> => {
      const r = applyModelDefaults('reference2image', parseRequest(Reference2ImageRequest, req.body));
      const probes = await checkMediaInputs(mediaInputsOf('reference2image', r), fetchOpts);
      const first = probes.get('images[0]');
      // "auto" = the first input image's ratio (FACTS §3); with no image, 16:9.
      const shape = r.aspect_ratio === 'auto' ? (first ?? '16:9') : r.aspect_ratio;
      const seed = seedOf(r.seed);
      return {
        price: priceOf({ kind: 'reference2image', resolution: r.resolution }),
        init: {
          ...common(r),
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
          processingSeconds: ctx.config.processingSeconds,
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
    }),
  );

  app.post('/ent/v2/image2dance', { config: { endpoint: 'image2dance' } }, (req) =>
    submitTask(ctx, req, async (): Promise<Prepared> => {
      const r = parseRequest(Image2DanceRequest, req.body);
      const probes = await checkMediaInputs(mediaInputsOf('image2dance', r), fetchOpts);
      const image = probes.get('image_url');
      // The dance keeps the source image's size (FACTS §4) and, [INF], the motion video's length.
      const durationSeconds = Math.max(1, Math.round(probes.get('video_url')?.durationSeconds ?? 5));
      const size = image ? { width: image.width, height: image.height } : { width: 720, height: 1280 };
      return {
        price: priceOf({ kind: 'image2dance' }),
        init: {
          ...common(r),
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
          processingSeconds: ctx.config.processingSeconds,
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
    }),
  );
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

/** The img2video/reference2video task object, in the documented field order (FACTS §1). */
function videoTaskObject(t: SimTask, seed: number, r: VideoRequest) {
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
