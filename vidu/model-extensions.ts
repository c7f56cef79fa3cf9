// What the operator's models file (VIDU_FLOW_MODELS_FILE; format and checks: vidu/models-file.ts)
// adds to the built-in registry, installed once per process at start-up by platform/config/models-file.ts.
// The request schemas' model check (vidu/schemas/matrix-check.ts) and the model defaults
// (vidu/models.ts) read the tables through withFileModels, and requestSchemaOf
// (vidu/request-schemas.ts) adds the allowed fields, so every place that checks a request (client,
// API, CLI, the worker's stage activity, the simulator) judges the added models and fields like
// built-in ones. Nothing is installed by default: strictness is the default.
// This file imports no endpoint (the endpoint files import matrix-check, which imports this).
import type { z } from 'zod';
import type { ImageModelSpec, ModelTable, VideoModelSpec } from './model-matrix';

export type FileModelSpec = VideoModelSpec | ImageModelSpec | { readonly source: 'FILE' };

export interface ModelExtensions {
  /** The file they came from, for messages. */
  readonly file: string;
  /** Added models by kind, by model name. */
  readonly models: Readonly<Record<string, Readonly<Record<string, FileModelSpec>>>>;
  /** Allowed extra request fields by kind: each field's zod type (optional unless the file says required). */
  readonly fields: Readonly<Record<string, Readonly<Record<string, z.ZodType>>>>;
}

const NONE: ModelExtensions = { file: '', models: {}, fields: {} };
let installed: ModelExtensions = NONE;
// Merged tables, per installed extension (a table object is per endpoint, built once at import).
let merged = new WeakMap<ModelTable, ModelTable>();

/** Installs a compiled models file for this process (replacing any earlier one); `undefined` removes it. */
export function installModelExtensions(ext: ModelExtensions | undefined): void {
  installed = ext ?? NONE;
  merged = new WeakMap();
}

export function modelExtensions(): ModelExtensions {
  return installed;
}

/** The endpoint's built-in table plus the models the file adds to it. */
export function withFileModels(kind: string, table: ModelTable): ModelTable {
  const added = Object.hasOwn(installed.models, kind) ? installed.models[kind]! : undefined;
  if (!added || Object.keys(added).length === 0) return table;
  let out = merged.get(table);
  if (!out) {
    out = { type: table.type, models: { ...table.models, ...added } } as ModelTable;
    merged.set(table, out);
  }
  return out;
}

/** The extra fields the file allows on this kind's requests (empty: none). */
export function fileFieldsOf(kind: string): Readonly<Record<string, z.ZodType>> {
  return Object.hasOwn(installed.fields, kind) ? installed.fields[kind]! : {};
}
