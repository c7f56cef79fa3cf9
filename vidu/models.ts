// The per-model matrices of the registry's endpoints, by kind (the tables live in
// vidu/endpoints/<kind>.ts, the machinery in vidu/model-matrix.ts).
import { ENDPOINTS, type GenerationKind } from './endpoints';
import { withFileModels } from './model-extensions';
import {
  applyTableDefaults,
  lookup,
  tableIssues,
  type ImageModelSpec,
  type ModelCheckedFields,
  type ModelIssue,
  type ModelTable,
  type VideoModelSpec,
} from './model-matrix';

export {
  resolutionRuleFor,
  type ImageModelSpec,
  type ModelCheckedFields,
  type ModelIssue,
  type ResolutionRule,
  type Source,
  type VideoModelSpec,
} from './model-matrix';

/** The kinds whose table is a video matrix (durations × resolutions). */
export type VideoKind =
  | { [K in GenerationKind]: (typeof ENDPOINTS)[K] extends { models: { type: 'video' } } ? K : never }[GenerationKind]
  | 'img2video'
  | 'reference2video';

/** The kind's table with the models the operator's file adds (vidu/model-extensions.ts). */
function tableOf(kind: GenerationKind): ModelTable | undefined {
  const table = (ENDPOINTS[kind] as { models?: ModelTable }).models;
  return table && withFileModels(kind, table);
}

/** Each kind's built-in model table rows (empty for endpoints without a model); modelsFor adds the file's. */
export const MODEL_MATRIX = Object.fromEntries(
  Object.values(ENDPOINTS).map((e) => [e.kind, (e as { models?: ModelTable }).models?.models ?? {}]),
) as Readonly<Record<GenerationKind, Readonly<Record<string, unknown>>>> & {
  readonly img2video: Readonly<Record<string, VideoModelSpec>>;
  readonly reference2video: Readonly<Record<string, VideoModelSpec>>;
  readonly reference2image: Readonly<Record<string, ImageModelSpec>>;
};

/** Model names accepted by an endpoint; empty when it takes no model. */
export function modelsFor(kind: GenerationKind): readonly string[] {
  return Object.keys(tableOf(kind)?.models ?? {});
}

export function videoModelSpec(kind: GenerationKind, model: string): VideoModelSpec | undefined {
  const table = tableOf(kind);
  return table?.type === 'video' ? lookup(table.models, model) : undefined;
}

export function imageModelSpec(model: string, kind: GenerationKind = 'reference2image'): ImageModelSpec | undefined {
  const table = tableOf(kind);
  return table?.type === 'image' ? lookup(table.models, model) : undefined;
}

/** Everything the matrix has to say about a request's model/duration/resolution/aspect_ratio/image count. */
export function modelIssues(kind: GenerationKind, req: ModelCheckedFields): ModelIssue[] {
  const table = tableOf(kind);
  return table ? tableIssues(kind, table, req) : [];
}

/**
 * Fills in the model-dependent defaults Vidu would apply (duration, then the resolution for that
 * duration), so the request we send and record says what will actually be generated. Expects a
 * request that passed its schema; throws for a model or duration the matrix does not know.
 */
export function applyModelDefaults<R extends object>(
  kind: 'img2video' | 'reference2video',
  request: R,
): R & { duration: number; resolution: string };
export function applyModelDefaults<R extends object>(kind: 'reference2image', request: R): R & { resolution: string };
export function applyModelDefaults<R extends object>(
  kind: GenerationKind,
  request: R,
): R & { duration?: number; resolution?: string };
export function applyModelDefaults(kind: GenerationKind, request: object): object {
  const table = tableOf(kind);
  return table ? applyTableDefaults(kind, table, request) : { ...request };
}
