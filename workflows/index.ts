// The workflow types vidu-flow registers. Each generation kind is its own workflow type (so the
// Web UI and visibility queries can tell them apart) over one shared core.
import { runGeneration } from './generation';
import type { GenerationInput, GenerationResult } from './types';

export async function img2video(input: GenerationInput): Promise<GenerationResult> {
  return runGeneration('img2video', input);
}

export async function reference2video(input: GenerationInput): Promise<GenerationResult> {
  return runGeneration('reference2video', input);
}

export async function reference2image(input: GenerationInput): Promise<GenerationResult> {
  return runGeneration('reference2image', input);
}

export async function image2dance(input: GenerationInput): Promise<GenerationResult> {
  return runGeneration('image2dance', input);
}

export { adFilm } from './ad-film';
export { adFilmEdit } from './ad-film-edit';
export { viduSlots } from './admission';
export { batch } from './batch';
