import type { Kind } from './schemas/common';

// Per-model capabilities of the generation endpoints (FACTS §1, §2, §3).
// `source` records how sure we are: DOC = Vidu's own pages, 3P = only in
// third-party mirrors, INF = inferred from a sibling model, documented nowhere.
// FACTS §12 item 2: model names differ between seeds, CN and EN pages; the
// union of every name seen is accepted, since the real service answers
// requests for models its current page no longer lists (the seed img2video
// example sends viduq2-pro).

export type Source = 'DOC' | '3P' | 'INF';
export type VideoKind = 'img2video' | 'reference2video';

export interface ResolutionRule {
  readonly durations: readonly number[];
  readonly resolutions: readonly string[];
  readonly defaultResolution: string;
}

export interface VideoModelSpec {
  readonly durations: readonly number[];
  readonly defaultDuration: number;
  readonly resolutionRules: readonly ResolutionRule[];
  /** Only reference2video takes aspect_ratio; img2video follows the image. */
  readonly aspectRatios?: readonly string[];
  /** audio's default; FACTS §1: true for q3, false otherwise. Not filled in by applyModelDefaults. */
  readonly defaultAudio: boolean;
  readonly source: Source;
}

export interface ImageModelSpec {
  readonly minImages: number;
  readonly maxImages: number;
  readonly aspectRatios: readonly string[];
  readonly resolutions: readonly string[];
  readonly defaultResolution: string;
  readonly source: Source;
}

export interface ModelMatrix {
  readonly img2video: Readonly<Record<string, VideoModelSpec>>;
  readonly reference2video: Readonly<Record<string, VideoModelSpec>>;
  readonly reference2image: Readonly<Record<string, ImageModelSpec>>;
  readonly image2dance: Readonly<Record<string, never>>;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

const Q3: Omit<VideoModelSpec, 'source' | 'aspectRatios'> = {
  durations: range(1, 16),
  defaultDuration: 5,
  resolutionRules: [{ durations: range(1, 16), resolutions: ['540p', '720p', '1080p'], defaultResolution: '720p' }],
  defaultAudio: true,
};
const Q2: Omit<VideoModelSpec, 'source' | 'aspectRatios'> = {
  durations: range(1, 10),
  defaultDuration: 5,
  resolutionRules: [{ durations: range(1, 10), resolutions: ['540p', '720p', '1080p'], defaultResolution: '720p' }],
  defaultAudio: false,
};
// FACTS §2: q2-pro-fast offers 720p/1080p only [3P].
const Q2_PRO_FAST: Omit<VideoModelSpec, 'source' | 'aspectRatios'> = {
  ...Q2,
  resolutionRules: [{ durations: range(1, 10), resolutions: ['720p', '1080p'], defaultResolution: '720p' }],
};
const Q1: Omit<VideoModelSpec, 'source' | 'aspectRatios'> = {
  durations: [5],
  defaultDuration: 5,
  resolutionRules: [{ durations: [5], resolutions: ['1080p'], defaultResolution: '1080p' }],
  defaultAudio: false,
};
const VIDU_1X: Omit<VideoModelSpec, 'source' | 'aspectRatios'> = {
  durations: [4, 8],
  defaultDuration: 4,
  resolutionRules: [
    { durations: [4], resolutions: ['360p', '720p', '1080p'], defaultResolution: '360p' },
    { durations: [8], resolutions: ['720p'], defaultResolution: '720p' },
  ],
  defaultAudio: false,
};

const REF_BASE_RATIOS = ['16:9', '9:16', '1:1'] as const;
// FACTS §2: q2 adds 4:3 and 3:4 [3P]; q3 is given the same set [INF], erring
// on the side of accepting.
const REF_WIDE_RATIOS = [...REF_BASE_RATIOS, '4:3', '3:4'] as const;

const IMG2VIDEO: Record<string, VideoModelSpec> = {
  'viduq3-pro': { ...Q3, source: 'DOC' },
  'viduq3-turbo': { ...Q3, source: 'DOC' },
  viduq2: { ...Q2, source: 'DOC' },
  'viduq2-pro': { ...Q2, source: '3P' },
  'viduq2-turbo': { ...Q2, source: '3P' },
  // Listed by mirrors for img2video; its matrix is only given for reference2video.
  'viduq2-pro-fast': { ...Q2_PRO_FAST, source: 'INF' },
  viduq1: { ...Q1, source: 'DOC' },
  'viduq1-classic': { ...Q1, source: '3P' },
  'vidu2.0': { ...VIDU_1X, source: 'DOC' },
  'vidu1.5': { ...VIDU_1X, source: 'DOC' },
};

const REFERENCE2VIDEO: Record<string, VideoModelSpec> = {
  // FACTS §12 item 2: no official copy lists q3 models for reference2video,
  // but CN mirrors list viduq3/viduq3-mix and another viduq3-pro; their
  // durations/resolutions are taken from img2video's q3 row [INF].
  'viduq3-pro': { ...Q3, aspectRatios: REF_WIDE_RATIOS, source: 'INF' },
  viduq3: { ...Q3, aspectRatios: REF_WIDE_RATIOS, source: 'INF' },
  'viduq3-mix': { ...Q3, aspectRatios: REF_WIDE_RATIOS, source: 'INF' },
  viduq2: { ...Q2, aspectRatios: REF_WIDE_RATIOS, source: '3P' },
  'viduq2-pro': { ...Q2, aspectRatios: REF_WIDE_RATIOS, source: '3P' },
  'viduq2-turbo': { ...Q2, aspectRatios: REF_WIDE_RATIOS, source: '3P' },
  'viduq2-pro-fast': { ...Q2_PRO_FAST, aspectRatios: REF_WIDE_RATIOS, source: '3P' },
  viduq1: { ...Q1, aspectRatios: REF_BASE_RATIOS, source: 'DOC' },
  'viduq1-classic': { ...Q1, aspectRatios: REF_BASE_RATIOS, source: '3P' },
  'vidu2.0': {
    durations: [4],
    defaultDuration: 4,
    resolutionRules: [{ durations: [4], resolutions: ['360p', '720p'], defaultResolution: '360p' }],
    aspectRatios: REF_BASE_RATIOS,
    defaultAudio: false,
    source: 'DOC',
  },
  'vidu1.5': { ...VIDU_1X, aspectRatios: REF_BASE_RATIOS, source: 'DOC' },
};

const IMAGE_BASE_RATIOS = ['16:9', '9:16', '1:1', '3:4', '4:3'] as const;
const REFERENCE2IMAGE: Record<string, ImageModelSpec> = {
  viduq2: {
    minImages: 0,
    maxImages: 7,
    aspectRatios: [...IMAGE_BASE_RATIOS, '21:9', '2:3', '3:2', 'auto'],
    resolutions: ['1080p', '2K', '4K'],
    defaultResolution: '1080p',
    source: 'DOC',
  },
  viduq1: {
    minImages: 1,
    maxImages: 7,
    aspectRatios: IMAGE_BASE_RATIOS,
    resolutions: ['1080p'],
    defaultResolution: '1080p',
    source: 'DOC',
  },
};

export const MODEL_MATRIX: ModelMatrix = {
  img2video: IMG2VIDEO,
  reference2video: REFERENCE2VIDEO,
  reference2image: REFERENCE2IMAGE,
  image2dance: {},
};

/** Model names accepted by an endpoint; image2dance takes no model. */
export function modelsFor(kind: Kind): readonly string[] {
  return Object.keys(MODEL_MATRIX[kind]);
}

// Own-property lookup: a model called "constructor" must not resolve to
// Object.prototype.constructor.
function lookup<T>(table: Readonly<Record<string, T>>, model: string): T | undefined {
  return Object.hasOwn(table, model) ? table[model] : undefined;
}

export function videoModelSpec(kind: VideoKind, model: string): VideoModelSpec | undefined {
  return lookup(MODEL_MATRIX[kind], model);
}

export function imageModelSpec(model: string): ImageModelSpec | undefined {
  return lookup(MODEL_MATRIX.reference2image, model);
}

export function resolutionRuleFor(spec: VideoModelSpec, duration: number): ResolutionRule | undefined {
  return spec.resolutionRules.find((r) => r.durations.includes(duration));
}

// ---------------------------------------------------------------------------
// Validation against the matrix. Returns plain issues so the schemas (and the
// simulator, if it wants) can report them without depending on Zod here.

export interface ModelIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export interface ModelCheckedFields {
  readonly model?: string | undefined;
  readonly duration?: number | undefined;
  readonly resolution?: string | undefined;
  readonly aspect_ratio?: string | undefined;
  readonly images?: readonly string[] | undefined;
}

function listText(items: readonly string[]): string {
  return items.length === 1 ? `${items[0]} only` : items.join(', ');
}

function durationsText(ds: readonly number[]): string {
  if (ds.length === 1) return `${ds[0]} s only`;
  const first = ds[0]!;
  const last = ds[ds.length - 1]!;
  if (ds.length > 2 && last - first === ds.length - 1) return `${first}–${last} s`;
  return `${ds.slice(0, -1).join(', ')} or ${last} s`;
}

function unknownModel(kind: Kind, model: string): ModelIssue {
  const expected = modelsFor(kind).join(', ');
  return { path: ['model'], message: `model: unknown model ${JSON.stringify(model)} for ${kind}; expected one of ${expected}` };
}

function videoIssues(kind: VideoKind, req: ModelCheckedFields): ModelIssue[] {
  if (req.model === undefined) return [];
  const spec = videoModelSpec(kind, req.model);
  if (!spec) return [unknownModel(kind, req.model)];
  const issues: ModelIssue[] = [];
  const duration = req.duration ?? spec.defaultDuration;
  const rule = resolutionRuleFor(spec, duration);
  if (req.duration !== undefined && (!spec.durations.includes(req.duration) || !rule)) {
    issues.push({
      path: ['duration'],
      message: `duration: ${req.model} offers ${durationsText(spec.durations)} (got ${req.duration})`,
    });
  } else if (rule && req.resolution !== undefined && !rule.resolutions.includes(req.resolution)) {
    const at = req.duration === undefined ? `${duration} s (the default duration)` : `${duration} s`;
    issues.push({
      path: ['resolution'],
      message: `resolution: ${req.model} at ${at} offers ${listText(rule.resolutions)} (got ${req.resolution})`,
    });
  }
  if (spec.aspectRatios && req.aspect_ratio !== undefined && !spec.aspectRatios.includes(req.aspect_ratio)) {
    issues.push({
      path: ['aspect_ratio'],
      message: `aspect_ratio: ${req.model} offers ${listText(spec.aspectRatios)} (got ${req.aspect_ratio})`,
    });
  }
  return issues;
}

function imageIssues(req: ModelCheckedFields): ModelIssue[] {
  if (req.model === undefined) return [];
  const spec = imageModelSpec(req.model);
  if (!spec) return [unknownModel('reference2image', req.model)];
  const issues: ModelIssue[] = [];
  const count = req.images?.length ?? 0;
  if (count < spec.minImages || count > spec.maxImages) {
    issues.push({
      path: ['images'],
      message: `images: ${req.model} needs ${spec.minImages}–${spec.maxImages} images (got ${count})`,
    });
  }
  if (req.aspect_ratio !== undefined && !spec.aspectRatios.includes(req.aspect_ratio)) {
    issues.push({
      path: ['aspect_ratio'],
      message: `aspect_ratio: ${req.model} offers ${listText(spec.aspectRatios)} (got ${req.aspect_ratio})`,
    });
  }
  if (req.resolution !== undefined && !spec.resolutions.includes(req.resolution)) {
    issues.push({
      path: ['resolution'],
      message: `resolution: ${req.model} offers ${listText(spec.resolutions)} (got ${req.resolution})`,
    });
  }
  return issues;
}

/** Everything the matrix has to say about a request's model/duration/resolution/aspect_ratio/image count. */
export function modelIssues(kind: Kind, req: ModelCheckedFields): ModelIssue[] {
  switch (kind) {
    case 'img2video':
    case 'reference2video':
      return videoIssues(kind, req);
    case 'reference2image':
      return imageIssues(req);
    case 'image2dance':
      return [];
  }
}

// ---------------------------------------------------------------------------

interface VideoDefaultable {
  readonly model: string;
  readonly duration?: number | undefined;
  readonly resolution?: string | undefined;
}
interface ImageDefaultable {
  readonly model: string;
  readonly resolution?: string | undefined;
}

/**
 * Fills in the model-dependent defaults Vidu would apply (duration, then the
 * resolution for that duration), so the request we send and record says what
 * will actually be generated. Expects a request that passed its schema;
 * throws for a model or duration the matrix does not know.
 */
export function applyModelDefaults<R extends VideoDefaultable>(
  kind: VideoKind,
  request: R,
): R & { duration: number; resolution: string };
export function applyModelDefaults<R extends ImageDefaultable>(
  kind: 'reference2image',
  request: R,
): R & { resolution: string };
export function applyModelDefaults<R extends object>(kind: 'image2dance', request: R): R;
export function applyModelDefaults<R extends object>(
  kind: Kind,
  request: R,
): R & { duration?: number; resolution?: string };
export function applyModelDefaults(kind: Kind, request: object): object {
  if (kind === 'image2dance') return { ...request };
  const req = request as Partial<VideoDefaultable>;
  if (typeof req.model !== 'string') throw new Error(`applyModelDefaults: ${kind} request has no model`);
  if (kind === 'reference2image') {
    const spec = imageModelSpec(req.model);
    if (!spec) throw new Error(`applyModelDefaults: ${unknownModel(kind, req.model).message}`);
    return { ...request, resolution: req.resolution ?? spec.defaultResolution };
  }
  const spec = videoModelSpec(kind, req.model);
  if (!spec) throw new Error(`applyModelDefaults: ${unknownModel(kind, req.model).message}`);
  const duration = req.duration ?? spec.defaultDuration;
  const rule = resolutionRuleFor(spec, duration);
  if (!rule) {
    throw new Error(`applyModelDefaults: duration: ${req.model} offers ${durationsText(spec.durations)} (got ${duration})`);
  }
  return { ...request, duration, resolution: req.resolution ?? rule.defaultResolution };
}
