// Each kind's request schema as this process checks it: the registry's strict schema
// (vidu/endpoints/<kind>.ts) plus what the operator's models file adds (vidu/model-extensions.ts):
// its allowed extra fields, and room in `images` for an added image model that takes more images
// than any built-in one (the per-model count is still checked by the model table). Every check of
// a request goes through here (contract/generation-input.ts for the client, API, CLI and the
// worker's stage activity; sim/routes/generate.ts), so a field the file allows is accepted
// everywhere and any other unknown field is refused everywhere.
import type { z } from 'zod';
import { ENDPOINTS, type GenerationKind } from './endpoints';
import type { RequestSchema } from './endpoints/spec';
import { fileFieldsOf, modelExtensions, type ModelExtensions } from './model-extensions';
import type { ImageModelSpec, ModelTable } from './model-matrix';
import { mediaList } from './schemas/builders';

const cache = new WeakMap<ModelExtensions, Map<GenerationKind, RequestSchema>>();

/** A wider `images` list when an added image model takes more images than the built-in ones. */
function imagesRoom(kind: GenerationKind, base: RequestSchema): Record<string, z.ZodType> {
  const table = (ENDPOINTS[kind] as { models?: ModelTable }).models;
  const added = modelExtensions().models[kind];
  if (table?.type !== 'image' || !added || !('images' in base.shape)) return {};
  const most = (specs: object[]) => Math.max(0, ...specs.map((s) => (s as ImageModelSpec).maxImages ?? 0));
  const fileMax = most(Object.values(added));
  if (fileMax <= most(Object.values(table.models))) return {};
  const list = mediaList(0, fileMax);
  return { images: (base.shape.images as z.ZodType).isOptional() ? list.optional() : list };
}

export function requestSchemaOf<K extends GenerationKind>(kind: K): (typeof ENDPOINTS)[K]['request'];
export function requestSchemaOf(kind: GenerationKind): RequestSchema {
  const base = ENDPOINTS[kind].request as RequestSchema;
  const ext = modelExtensions();
  let byKind = cache.get(ext);
  if (!byKind) cache.set(ext, (byKind = new Map()));
  let schema = byKind.get(kind);
  if (!schema) {
    const extra = { ...fileFieldsOf(kind), ...imagesRoom(kind, base) };
    // safeExtend keeps the strictness, the error map and the refinements (the model check) of the base.
    schema = Object.keys(extra).length === 0 ? base : (base.safeExtend(extra) as unknown as RequestSchema);
    byKind.set(kind, schema);
  }
  return schema;
}
