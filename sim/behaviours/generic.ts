/**
 * The behaviour of an endpoint with nothing special about it, driven by its registry declaration:
 * one creation of the declared media type; a video lasts `duration` (else 5 s) at `resolution`
 * (else 720p), shaped by `aspect_ratio` or else by the first input image; the price follows the
 * output (the registry's price table through sim/pricing.ts). The response echoes the request, as Vidu's create
 * responses do (docs/vidu-api-more-endpoints.md §1–§9), with the task's own fields.
 */
import { mediaSlots } from '../../contract/media-fields';
import { ENDPOINTS, type EndpointSpec, type GenerationKind } from '../../vidu/endpoints';
import type { MediaProbe } from '../../vidu/media';
import { nominalSize } from '../creations';
import type { OutputSpec } from '../task';
import type { Behaviour, BehaviourContext } from './types';

const RATIO = /^\d+(?:\.\d+)?:\d+(?:\.\d+)?$/;
const DEFAULT_SECONDS = 5;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function firstImage(probes: Map<string, MediaProbe>): MediaProbe | undefined {
  for (const p of probes.values()) if (p.kind === 'image' || p.kind === 'video') return p;
  return undefined;
}

/** What a special behaviour decides about the output before the generic one builds the task. */
export interface OutputOverride {
  durationSeconds?: number;
  shape?: { width: number; height: number };
}

export function genericBehaviour(
  kind: GenerationKind,
  adjust?: (b: BehaviourContext, r: Record<string, unknown>, probes: Map<string, MediaProbe>) => OutputOverride,
): Behaviour {
  const spec: EndpointSpec = ENDPOINTS[kind];
  return (b, r, probes) => {
    const media = spec.result.media;
    const override = adjust?.(b, r, probes) ?? {};
    const model = str(r.model) ?? '';
    const resolution = str(r.resolution) ?? str(r.upscale_resolution) ?? '720p';
    const durationSeconds =
      media === 'image'
        ? 0
        : (override.durationSeconds ?? spec.result.durationOf?.(r) ?? num(r.duration) ?? DEFAULT_SECONDS);
    const ratio = str(r.aspect_ratio);
    const first = firstImage(probes);
    const shape =
      override.shape ??
      (ratio && RATIO.test(ratio) ? ratio : first ? { width: first.width, height: first.height } : '16:9');
    const offPeak = r.off_peak === true;
    // Work on a source video (upscale, lip-sync) is priced by the source's length, which the sim knows.
    const price = b.price(
      kind,
      r,
      override.durationSeconds !== undefined && kind !== 'extend'
        ? { sourceSeconds: override.durationSeconds }
        : undefined,
    );
    const output: OutputSpec =
      media === 'audio'
        ? { media: 'audio', width: 0, height: 0, durationSeconds, watermark: false }
        : { media, ...nominalSize(resolution, shape), durationSeconds, watermark: r.watermark === true };
    const images = mediaSlots(kind, r)
      .filter((slot) => slot.limit.kind === 'image')
      .map((slot) => slot.value);
    const seed = 'seed' in spec.request.shape ? b.seedOf(num(r.seed)) : undefined;
    const { callback_url: _cb, client_request_id: _id, ...echo } = r;
    return {
      price,
      init: {
        ...b.common(r as { payload?: string; callback_url?: string; client_request_id?: string }),
        kind,
        endpoint: kind,
        type: spec.result.taskType,
        model,
        prompt: str(r.prompt) ?? str(r.text) ?? '',
        images,
        durationSeconds,
        resolution: media === 'audio' ? '' : resolution,
        aspectRatio: ratio ?? '',
        output,
        bgm: r.bgm === true,
        offPeak,
        processingSeconds: b.processingSeconds,
      },
      respond: (t) => ({
        task_id: t.id,
        type: t.type,
        state: t.state,
        ...echo,
        ...(seed !== undefined ? { seed } : {}),
        ...(media !== 'audio' && 'duration' in spec.request.shape ? { duration: durationSeconds } : {}),
        credits: t.credits,
        payload: t.payload,
        created_at: t.createdAtText,
        client_request_id: t.clientRequestId,
      }),
    };
  };
}
