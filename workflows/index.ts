// The workflow types vidu-flow registers. Each generation kind is its own workflow type (so the
// Web UI and visibility queries can tell them apart) over one shared core.
import { adFilm as runAdFilm } from './ad-film';
import type { AdFilmInput, AdFilmResult } from './ad-film-types';
import { runGeneration } from './generation';
import { GenerationMetrics, modelLabel } from './metrics';
import type { GenerationInput, GenerationResult } from './types';
import { withCompletionWebhook } from './webhook-delivery';

export async function img2video(input: GenerationInput): Promise<GenerationResult> {
  return withCompletionWebhook(() => runGeneration('img2video', input));
}

export async function reference2video(input: GenerationInput): Promise<GenerationResult> {
  return withCompletionWebhook(() => runGeneration('reference2video', input));
}

export async function reference2image(input: GenerationInput): Promise<GenerationResult> {
  return withCompletionWebhook(() => runGeneration('reference2image', input));
}

export async function image2dance(input: GenerationInput): Promise<GenerationResult> {
  return withCompletionWebhook(() => runGeneration('image2dance', input));
}

/** The AD film, with its generation metrics (started, succeeded, failed by type, credits). */
export async function adFilm(input: AdFilmInput): Promise<AdFilmResult> {
  const metrics = new GenerationMetrics('adFilm', input.options?.priority ?? 'interactive');
  metrics.model = modelLabel((input.request as { model?: unknown }).model ?? 'ad-one-click');
  return withCompletionWebhook(() => metrics.around(() => runAdFilm(input), (result) => result.credits));
}
export { adFilmEdit } from './ad-film-edit';
export { viduSlots } from './admission';
export { batch } from './batch';
// Completion webhooks: a generation or AD film started with a notify target ends by starting this child.
export { webhookDelivery } from './webhook-delivery';
