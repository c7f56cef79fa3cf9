// The per-model matrix machinery shared by every endpoint that takes a model: the shapes of a
// model's capabilities, the common presets, the checks and the defaults. The tables themselves
// live in each endpoint's registry file (vidu/endpoints/<kind>.ts). `source` records how sure we
// are: DOC = Vidu's own pages, 3P = only in third-party mirrors, INF = inferred from a sibling
// model, documented nowhere, FILE = added by the operator's models file (VIDU_FLOW_MODELS_FILE,
// vidu/models-file.ts). docs/vidu-api.md §12 item 2: model names differ between seeds, CN and EN
// pages; the union of every name seen is accepted, since the real service answers requests for
// models its current page no longer lists.

export type Source = 'DOC' | 'DOCc' | '3P' | 'INF' | 'FILE';

export interface ResolutionRule {
  readonly durations: readonly number[];
  readonly resolutions: readonly string[];
  readonly defaultResolution: string;
}

export interface VideoModelSpec {
  readonly durations: readonly number[];
  readonly defaultDuration: number;
  readonly resolutionRules: readonly ResolutionRule[];
  /** Endpoints where the output follows the input frames take no aspect_ratio. */
  readonly aspectRatios?: readonly string[];
  /** audio's default; docs/vidu-api.md §1: true for q3, false otherwise. Not filled in by the defaults. */
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

/** A model table: one row per model name. Video tables and image tables are checked differently. */
export type ModelTable =
  | { readonly type: 'video'; readonly models: Readonly<Record<string, VideoModelSpec>> }
  | { readonly type: 'image'; readonly models: Readonly<Record<string, ImageModelSpec>> }
  | { readonly type: 'names'; readonly models: Readonly<Record<string, { readonly source: Source }>> };

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

type Preset = Omit<VideoModelSpec, 'source' | 'aspectRatios'>;

/** A preset with every duration in [from, to] at the given resolutions. */
export function durationRange(
  from: number,
  to: number,
  resolutions: readonly string[],
  defaultResolution: string,
  defaultAudio = false,
  defaultDuration = 5,
): Preset {
  return {
    durations: range(from, to),
    defaultDuration,
    resolutionRules: [{ durations: range(from, to), resolutions, defaultResolution }],
    defaultAudio,
  };
}

export const Q3: Preset = durationRange(1, 16, ['540p', '720p', '1080p'], '720p', true);
export const Q2: Preset = durationRange(1, 10, ['540p', '720p', '1080p'], '720p');
// docs/vidu-api.md §2: q2-pro-fast offers 720p/1080p only [3P].
export const Q2_PRO_FAST: Preset = durationRange(1, 10, ['720p', '1080p'], '720p');
export const Q1: Preset = durationRange(5, 5, ['1080p'], '1080p');
export const VIDU_1X: Preset = {
  durations: [4, 8],
  defaultDuration: 4,
  resolutionRules: [
    { durations: [4], resolutions: ['360p', '720p', '1080p'], defaultResolution: '360p' },
    { durations: [8], resolutions: ['720p'], defaultResolution: '720p' },
  ],
  defaultAudio: false,
};

// Own-property lookup: a model called "constructor" must not resolve to Object.prototype.constructor.
export function lookup<T>(table: Readonly<Record<string, T>>, model: string): T | undefined {
  return Object.hasOwn(table, model) ? table[model] : undefined;
}

export function resolutionRuleFor(spec: VideoModelSpec, duration: number): ResolutionRule | undefined {
  return spec.resolutionRules.find((r) => r.durations.includes(duration));
}

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

export function durationsText(ds: readonly number[]): string {
  if (ds.length === 1) return `${ds[0]} s only`;
  const first = ds[0]!;
  const last = ds[ds.length - 1]!;
  if (ds.length > 2 && last - first === ds.length - 1) return `${first}–${last} s`;
  return `${ds.slice(0, -1).join(', ')} or ${last} s`;
}

export function unknownModel(kind: string, table: ModelTable, model: string): ModelIssue {
  const expected = Object.keys(table.models).join(', ');
  return {
    path: ['model'],
    message: `model: unknown model ${JSON.stringify(model)} for ${kind}; expected one of ${expected}`,
  };
}

function videoIssues(
  kind: string,
  table: Extract<ModelTable, { type: 'video' }>,
  req: ModelCheckedFields,
): ModelIssue[] {
  if (req.model === undefined) return [];
  const spec = lookup(table.models, req.model);
  if (!spec) return [unknownModel(kind, table, req.model)];
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

function imageIssues(
  kind: string,
  table: Extract<ModelTable, { type: 'image' }>,
  req: ModelCheckedFields,
): ModelIssue[] {
  if (req.model === undefined) return [];
  const spec = lookup(table.models, req.model);
  if (!spec) return [unknownModel(kind, table, req.model)];
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

/** Everything a model table has to say about a request's model/duration/resolution/aspect_ratio/image count. */
export function tableIssues(kind: string, table: ModelTable, req: ModelCheckedFields): ModelIssue[] {
  switch (table.type) {
    case 'video':
      return videoIssues(kind, table, req);
    case 'image':
      return imageIssues(kind, table, req);
    case 'names':
      return req.model === undefined || lookup(table.models, req.model) ? [] : [unknownModel(kind, table, req.model)];
  }
}

/**
 * Fills in the model-dependent defaults Vidu would apply (duration, then the resolution for that
 * duration), so the request we send and record says what will actually be generated. Expects a
 * request that passed its schema; throws for a model or duration the table does not know.
 */
export function applyTableDefaults<R extends object>(kind: string, table: ModelTable, request: R): R {
  const req = request as { model?: unknown; duration?: number; resolution?: string };
  if (typeof req.model !== 'string') throw new Error(`applyModelDefaults: ${kind} request has no model`);
  if (table.type === 'names') {
    if (!lookup(table.models, req.model))
      throw new Error(`applyModelDefaults: ${unknownModel(kind, table, req.model).message}`);
    return { ...request };
  }
  if (table.type === 'image') {
    const spec = lookup(table.models, req.model);
    if (!spec) throw new Error(`applyModelDefaults: ${unknownModel(kind, table, req.model).message}`);
    return { ...request, resolution: req.resolution ?? spec.defaultResolution };
  }
  const spec = lookup(table.models, req.model);
  if (!spec) throw new Error(`applyModelDefaults: ${unknownModel(kind, table, req.model).message}`);
  const duration = req.duration ?? spec.defaultDuration;
  const rule = resolutionRuleFor(spec, duration);
  if (!rule)
    throw new Error(
      `applyModelDefaults: duration: ${req.model} offers ${durationsText(spec.durations)} (got ${duration})`,
    );
  return { ...request, duration, resolution: req.resolution ?? rule.defaultResolution };
}
