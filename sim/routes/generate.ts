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

  app.post('/ent/v2/img2video', { config: { endpoint: 'img2video' } }, (req) =>
    submitTask(ctx, req, async (): Promise<Prepared> => {
      const r = applyModelDefaults('img2video', parseRequest(Img2VideoRequest, req.body));
      const probes = await checkMediaInputs(mediaInputsOf('img2video', r), fetchOpts);
      const frame = probes.get('images[0]');
      const seed = seedOf(r.seed);
      const isRec = r.is_rec ?? false;
      return {
        price: priceOf(
          { kind: 'img2video', model: r.model, durationSeconds: r.duration, resolution: r.resolution },
          { offPeak: r.off_peak, isRec },
        ),
        init: {
          ...common(r),
          kind: 'img2video',
          endpoint: 'img2video',
          type: 'img2video',
          model: r.model,
          prompt: r.prompt ?? '',
          images: r.images,
          durationSeconds: r.duration,
          resolution: r.resolution,
          aspectRatio: '',
          // The start frame decides the shape of the video.
          output: { media: 'video', ...nominalSize(r.resolution, frame ?? '16:9'), durationSeconds: r.duration, watermark: r.watermark },
          bgm: r.bgm ?? false,
          offPeak: r.off_peak,
          processingSeconds: ctx.config.processingSeconds,
        },
        respond: (t) => ({
          ...videoTaskObject(t, 'img2video', seed, r.movement_amplitude, isRec, r),
          // img2video has no aspect_ratio of its own: "" as in the documented example.
          aspect_ratio: r.aspect_ratio ?? '',
        }),
      };
    }),
  );

  app.post('/ent/v2/reference2video', { config: { endpoint: 'reference2video' } }, (req) =>
    submitTask(ctx, req, async (): Promise<Prepared> => {
      const r = applyModelDefaults('reference2video', parseRequest(Reference2VideoRequest, req.body));
      await checkMediaInputs(mediaInputsOf('reference2video', r), fetchOpts);
      const seed = seedOf(r.seed);
      const isRec = r.is_rec ?? false;
      const images = r.images ?? r.subjects?.flatMap((s) => s.images ?? []) ?? [];
      return {
        price: priceOf(
          { kind: 'reference2video', model: r.model, durationSeconds: r.duration, resolution: r.resolution },
          { offPeak: r.off_peak, isRec },
        ),
        init: {
          ...common(r),
          kind: 'reference2video',
          endpoint: 'reference2video',
          // [INF] FACTS §2: seen as "img2video" and "character2video"; the sim names its endpoint.
          type: 'reference2video',
          model: r.model,
          prompt: r.prompt,
          images,
          durationSeconds: r.duration,
          resolution: r.resolution,
          aspectRatio: r.aspect_ratio,
          output: { media: 'video', ...nominalSize(r.resolution, r.aspect_ratio), durationSeconds: r.duration, watermark: r.watermark },
          bgm: r.bgm ?? false,
          offPeak: r.off_peak,
          processingSeconds: ctx.config.processingSeconds,
        },
        respond: (t) => ({ ...videoTaskObject(t, 'reference2video', seed, r.movement_amplitude, isRec, r), images }),
      };
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

interface VideoRequestEcho {
  watermark: boolean;
  wm_position?: 1 | 2 | 3 | 4 | undefined;
  wm_url?: string | undefined;
  meta_data?: string | undefined;
}

/** The img2video/reference2video task object, in the documented field order (FACTS §1). */
function videoTaskObject(t: SimTask, type: string, seed: number, movement: string, isRec: boolean, r: VideoRequestEcho) {
  return {
    task_id: t.id,
    type,
    state: t.state,
    model: t.model,
    style: 'general',
    prompt: t.prompt,
    images: t.images,
    duration: t.durationSeconds,
    seed,
    aspect_ratio: t.aspectRatio,
    resolution: t.resolution,
    movement_amplitude: movement,
    created_at: t.createdAtText,
    credits: t.credits,
    payload: t.payload,
    cus_priority: 0,
    off_peak: t.offPeak,
    watermark: r.watermark,
    is_rec: isRec,
    wm_position: r.wm_position ? WM_POSITION_NAMES[r.wm_position] : 'unspecified',
    wm_url: r.wm_url ?? '',
    meta_data: r.meta_data ?? '',
    client_request_id: t.clientRequestId,
  };
}
