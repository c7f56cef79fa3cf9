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

/**
 * one-click/mv's media (docs/vidu-api-more-endpoints.md §10.1): 1–7 images, and the song, 10–180 s
 * for a finished video (up to 300 s is for a shot list only, which vidu-flow does not ask for).
 * No size limit is documented for either: the AD film's 50 MB for images and lip-sync's 100 MB
 * for audio are assumed [INF]. Raw AAC is not recognised by vidu-flow's probe (as for lip-sync):
 * it is refused before any credit is spent; send AAC inside M4A.
 */
export const MUSIC_VIDEO_MEDIA: Readonly<Record<string, MediaLimit>> = {
  images: { ...(AD_ONE_CLICK_MEDIA.images as MediaLimit), endpoint: 'one-click/mv', source: 'INF' },
  audio_url: {
    endpoint: 'one-click/mv',
    kind: 'audio',
    formats: ['mp3', 'wav', 'm4a'],
    maxMegabytes: 100,
    maxAspectRatio: 1,
    minDurationSeconds: 10,
    maxDurationSeconds: 180,
    source: 'DOC',
  },
};

/** The one-click films (create → sub-tasks → edits → compose): the AD film and the music video. */
export type FilmEndpoint = 'ad-one-click' | 'one-click-mv';

export function isFilmEndpoint(value: unknown): value is FilmEndpoint {
  return value === 'ad-one-click' || value === 'one-click-mv';
}

/** Anything whose request carries media vidu-flow stages: a generation kind, or a film's create call. */
export type MediaEndpoint = GenerationKind | FilmEndpoint;

export function mediaLimitsOf(endpoint: MediaEndpoint): Readonly<Record<string, MediaLimit>> {
  if (endpoint === 'ad-one-click') return AD_ONE_CLICK_MEDIA;
  if (endpoint === 'one-click-mv') return MUSIC_VIDEO_MEDIA;
  return ENDPOINTS[endpoint].media;
}

export { type CliFlag, type EndpointSpec } from './spec';
