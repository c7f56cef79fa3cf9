// The endpoint registry: every Vidu generation endpoint vidu-flow runs, one file each. Adding an
// endpoint = one file here (plus its simulator behaviour where it is special, and its tests);
// the kind list below is the only other line to write.
import type { z } from 'zod';
import { WEB_IMAGES, type MediaLimit } from '../media/limits';
import { audioTts } from './audio-tts';
import { extend } from './extend';
import { image2dance } from './image2dance';
import { img2video } from './img2video';
import { lipSync } from './lip-sync';
import { multiframe } from './multiframe';
import { reference2image } from './reference2image';
import { reference2video } from './reference2video';
import { startEnd2video } from './start-end2video';
import { template } from './template';
import { text2audio } from './text2audio';
import { text2video } from './text2video';
import { upscale } from './upscale';
import type { EndpointSpec } from './spec';
import { templateStory } from './template-story';
import { timing2audio } from './timing2audio';
import { audioClone } from './audio-clone';

export const ENDPOINTS = {
  img2video,
  reference2video,
  reference2image,
  image2dance,
  text2video,
  startEnd2video,
  multiframe,
  upscale,
  text2audio,
  audioTts,
  template,
  extend,
  lipSync,
  templateStory,
  timing2audio,
  audioClone,
} as const;

/** A generation kind: a workflow type, one per endpoint. */
export type GenerationKind = keyof typeof ENDPOINTS;

/** Every generation kind, in registry order. */
export const GENERATION_KINDS = Object.keys(ENDPOINTS) as [GenerationKind, ...GenerationKind[]];

// Each entry is filed under its own kind (a copy-paste slip would fail to compile here).
ENDPOINTS satisfies { [K in GenerationKind]: EndpointSpec & { kind: K } };

export function isGenerationKind(value: unknown): value is GenerationKind {
  return typeof value === 'string' && Object.hasOwn(ENDPOINTS, value);
}

export function endpointOf(kind: GenerationKind): EndpointSpec {
  return ENDPOINTS[kind];
}

/** The request body type of each kind, after parsing. */
export type RequestOf<K extends GenerationKind> = z.output<(typeof ENDPOINTS)[K]['request']>;

/** ad-one-click's media (docs/vidu-api.md §5): the AD film is not a generation kind but stages its images alike. */
export const AD_ONE_CLICK_MEDIA: Readonly<Record<string, MediaLimit>> = {
  images: {
    endpoint: 'ad-one-click',
    kind: 'image',
    formats: WEB_IMAGES,
    maxMegabytes: 50,
    maxAspectRatio: 4,
    source: 'DOC',
  },
};

/** Anything whose request carries media vidu-flow stages: a generation kind, or the AD film's create call. */
export type MediaEndpoint = GenerationKind | 'ad-one-click';

export function mediaLimitsOf(endpoint: MediaEndpoint): Readonly<Record<string, MediaLimit>> {
  return endpoint === 'ad-one-click' ? AD_ONE_CLICK_MEDIA : ENDPOINTS[endpoint].media;
}

export { type CliFlag, type EndpointSpec } from './spec';
