/**
 * The simulator's behaviour per generation endpoint. An endpoint of the registry without an entry
 * here is answered by the generic behaviour (generic.ts), driven by its registry declaration.
 */
import type { GenerationKind } from '../../vidu/endpoints';
import { audioClone } from './audio-clone';
import { image2dance } from './image2dance';
import { reference2image } from './reference2image';
import { extend, lipSync, upscale } from './source-video';
import type { Behaviour } from './types';
import { img2video, reference2video } from './video';

export const BEHAVIOURS: Partial<Record<GenerationKind, Behaviour>> = {
  img2video,
  reference2video,
  reference2image,
  image2dance,
  extend,
  upscale,
  lipSync,
  audioClone,
};

export type { Behaviour, BehaviourContext } from './types';
