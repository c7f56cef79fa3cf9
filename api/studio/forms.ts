import type { z } from 'zod';
import { ENDPOINTS, AD_ONE_CLICK_MEDIA, type GenerationKind } from '../../vidu/endpoints';
import type { MediaLimit } from '../../vidu/media/limits';
import type { ModelTable } from '../../vidu/model-matrix';
import type { EndpointSpec } from '../../vidu/endpoints/spec';
import { BoolLike } from '../../vidu/schemas/common';
import { AdOneClickRequest } from '../../vidu/schemas/requests/ad-one-click';

// The studio's "new generation" forms, derived from the endpoint registry (vidu/endpoints/) and
// its model matrix, never written by hand: one form per endpoint, a field per top-level request
// field a person sets, and for each model the durations, resolutions and ratios it offers. The
// browser only renders this; the API's own checks (POST /v1/generations/{kind}) stay the judge,
// and their 422 field errors are shown beside the field they name.

export type FieldControl =
  | 'media'
  | 'media-list'
  | 'textarea'
  | 'select'
  | 'number'
  | 'checkbox'
  | 'text'
  | 'model'
  | 'duration'
  | 'resolution'
  | 'ratio';

export interface StudioField {
  /** The Vidu request field (`images`, `duration`, …): also the `request.<name>` of the API's field errors. */
  name: string;
  control: FieldControl;
  required: boolean;
  /** select: the enum's values. */
  options?: string[];
  /** media: what the upload must be, and how many a list takes at most. */
  media?: { kind: MediaLimit['kind']; maxItems: number; minItems: number; formats: string[]; maxMegabytes: number };
  /** The schema's default, shown pre-filled. */
  default?: string | number | boolean;
}

export interface StudioModel {
  durations?: number[];
  defaultDuration?: number;
  /** duration → resolutions allowed with it (video tables); image tables list one set under "*". */
  resolutions?: Record<string, string[]>;
  defaultResolution?: string;
  aspectRatios?: string[];
}

export interface StudioForm {
  /** A generation kind, or `adFilm` (POST /v1/ad-films). */
  kind: GenerationKind | 'adFilm';
  summary: string;
  result: 'video' | 'image' | 'audio';
  upscalable: boolean;
  fields: StudioField[];
  /** Model name → what it offers; absent when the endpoint takes no model. */
  models?: Record<string, StudioModel>;
}

/** Fields no person types in a form: vidu-flow sets or refuses them (callbacks, ids), or they are for machines (payload, metadata, watermark placement). */
const HIDDEN_FIELDS = new Set([
  'callback_url',
  'client_request_id',
  'payload',
  'meta_data',
  'wm_url',
  'wm_position',
  'watermark',
  'video_creation_id',
  'voice_id',
  'is_rec',
]);
const MATRIX_CONTROLS: Record<string, FieldControl> = {
  model: 'model',
  duration: 'duration',
  resolution: 'resolution',
  aspect_ratio: 'ratio',
};

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  entries?: Record<string, string>;
  element?: z.ZodType;
  defaultValue?: unknown;
  checks?: Array<{ _zod: { def: { check: string; minimum?: number; maximum?: number } } }>;
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The schema under optional/default/nullable wrappers, whether it was optional, and its default. */
export function unwrapField(schema: z.ZodType): { inner: z.ZodType; optional: boolean; default?: unknown } {
  let s = schema;
  let optional = false;
  let dflt: unknown;
  for (;;) {
    const d = defOf(s);
    if (d.type === 'optional' || d.type === 'nullable') optional = true;
    else if (d.type === 'default' || d.type === 'prefault') {
      optional = true;
      dflt ??= typeof d.defaultValue === 'function' ? (d.defaultValue as () => unknown)() : d.defaultValue;
    } else break;
    s = d.innerType!;
  }
  return { inner: s, optional, ...(dflt !== undefined ? { default: dflt } : {}) };
}

function controlOf(
  name: string,
  inner: z.ZodType,
  table: ModelTable | undefined,
): Pick<StudioField, 'control' | 'options'> {
  const matrix = MATRIX_CONTROLS[name];
  if (matrix && table && (name !== 'aspect_ratio' || hasRatios(table))) return { control: matrix };
  const d = defOf(inner);
  if (d.type === 'enum') return { control: 'select', options: Object.values(d.entries ?? {}) };
  if (inner === BoolLike || d.type === 'boolean') return { control: 'checkbox' };
  if (d.type === 'pipe' || d.type === 'number' || d.type === 'int') return { control: 'number' };
  if (name === 'prompt' || name === 'text') return { control: 'textarea' };
  return { control: 'text' };
}

function hasRatios(table: ModelTable): boolean {
  if (table.type === 'image') return true;
  if (table.type === 'video') return Object.values(table.models).some((m) => m.aspectRatios !== undefined);
  return false;
}

function mediaField(name: string, schema: z.ZodType, limit: MediaLimit): StudioField {
  const { inner, optional } = unwrapField(schema);
  const d = defOf(inner);
  const list = d.type === 'array';
  const bound = (check: string) => d.checks?.find((c) => c._zod.def.check === check)?._zod.def;
  const minItems = list ? ((bound('min_length') as { minimum?: number } | undefined)?.minimum ?? 0) : 1;
  const maxItems = list ? ((bound('max_length') as { maximum?: number } | undefined)?.maximum ?? 1) : 1;
  return {
    name,
    control: list ? 'media-list' : 'media',
    required: !optional && minItems > 0,
    media: {
      kind: limit.kind,
      minItems: optional ? 0 : minItems,
      maxItems,
      formats: [...limit.formats],
      maxMegabytes: limit.maxMegabytes,
    },
  };
}

/** The models of a table as the form offers them. */
export function modelsOf(table: ModelTable): Record<string, StudioModel> {
  const out: Record<string, StudioModel> = {};
  for (const [name, spec] of Object.entries(table.models)) {
    if (table.type === 'video') {
      const s = spec as Extract<ModelTable, { type: 'video' }>['models'][string];
      const resolutions: Record<string, string[]> = {};
      for (const rule of s.resolutionRules)
        for (const d of rule.durations) resolutions[String(d)] = [...rule.resolutions];
      out[name] = {
        durations: [...s.durations],
        defaultDuration: s.defaultDuration,
        resolutions,
        defaultResolution:
          s.resolutionRules.find((r) => r.durations.includes(s.defaultDuration))?.defaultResolution ??
          s.resolutionRules[0]!.defaultResolution,
        ...(s.aspectRatios ? { aspectRatios: [...s.aspectRatios] } : {}),
      };
    } else if (table.type === 'image') {
      const s = spec as Extract<ModelTable, { type: 'image' }>['models'][string];
      out[name] = {
        resolutions: { '*': [...s.resolutions] },
        defaultResolution: s.defaultResolution,
        aspectRatios: [...s.aspectRatios],
      };
    } else out[name] = {};
  }
  return out;
}

function formOf(
  kind: StudioForm['kind'],
  shape: Record<string, z.ZodType>,
  media: Readonly<Record<string, MediaLimit>>,
  table: ModelTable | undefined,
  rest: Omit<StudioForm, 'kind' | 'fields' | 'models'>,
): StudioForm {
  const fields: StudioField[] = [];
  for (const [name, schema] of Object.entries(shape)) {
    if (HIDDEN_FIELDS.has(name)) continue;
    const limit = media[name];
    if (limit) {
      fields.push(mediaField(name, schema, limit));
      continue;
    }
    const { inner, optional, default: dflt } = unwrapField(schema);
    const d = defOf(inner);
    // Nested lists of objects (subjects, image_settings) need an editor of their own: the JSON API takes them.
    if (d.type === 'array' || d.type === 'object') continue;
    const control = controlOf(name, inner, table);
    fields.push({
      name,
      ...control,
      required: !optional,
      ...(typeof dflt === 'string' || typeof dflt === 'number' || typeof dflt === 'boolean' ? { default: dflt } : {}),
    });
  }
  return { kind, ...rest, fields, ...(table ? { models: modelsOf(table) } : {}) };
}

/** Every form the studio offers: one per endpoint of the registry, in registry order, then the AD film. */
export function studioForms(): StudioForm[] {
  const forms = (Object.values(ENDPOINTS) as EndpointSpec[]).map((spec) =>
    formOf(spec.kind as GenerationKind, spec.request.shape as Record<string, z.ZodType>, spec.media, spec.models, {
      summary: spec.summary,
      result: spec.result.media,
      upscalable: 'upscalable' in spec.result && spec.result.upscalable === true,
    }),
  );
  forms.push(
    formOf('adFilm', AdOneClickRequest.shape as Record<string, z.ZodType>, AD_ONE_CLICK_MEDIA, undefined, {
      summary:
        'an AD film from product images: storyboards, narration and music, composed into one film (review before compose)',
      result: 'video',
      upscalable: false,
    }),
  );
  return forms;
}
