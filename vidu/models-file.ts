// The operator's models file (VIDU_FLOW_MODELS_FILE): models and request fields Vidu accepts before
// a vidu-flow release knows them (issue 20 §2). It adds models to an endpoint with the constraints
// the built-in tables express (vidu/model-matrix.ts: durations × resolutions, aspect ratios, image
// counts) and allows named extra request fields with a type. compileModelsFile checks it against
// the registry and answers one problem per line, each naming its entry
// (`endpoints.img2video.models["viduq9"].durations: …`). platform/config/models-file.ts reads it.
import { z } from 'zod';
import { ENDPOINTS, GENERATION_KINDS, type GenerationKind } from './endpoints';
import type { ModelExtensions, FileModelSpec } from './model-extensions';
import {
  lookup,
  resolutionRuleFor,
  type ImageModelSpec,
  type ModelTable,
  type ResolutionRule,
  type VideoModelSpec,
} from './model-matrix';
import { named } from './schemas/fields';

export const MODELS_FILE_ENV = 'VIDU_FLOW_MODELS_FILE';

/** Appended to a refusal of an unknown model: how an operator allows it. */
export function unknownModelHint(kind: string, model: string): string {
  return `to allow it, add ${JSON.stringify(model)} under endpoints.${kind}.models in the models file (${MODELS_FILE_ENV}; README "New models without a release")`;
}

/** Appended to a refusal of an unknown top-level request field: how an operator allows it. */
export function unknownFieldHint(kind: string, field: string): string {
  return `to allow it, add ${JSON.stringify(field)} under endpoints.${kind}.fields in the models file (${MODELS_FILE_ENV}; README "New models without a release")`;
}

const Names = z.array(z.string().min(1)).min(1);
const Durations = z.array(z.int().min(1).max(600)).min(1);

/** One added model. Which keys apply depends on the endpoint's table type (checked in compile). */
const ModelEntry = z.strictObject({
  /** A built-in model of the same endpoint whose constraints this one starts from. */
  like: z.string().min(1).optional(),
  // Video tables.
  durations: Durations.optional(),
  defaultDuration: z.int().min(1).optional(),
  resolutions: Names.optional(),
  defaultResolution: z.string().min(1).optional(),
  resolutionRules: z
    .array(z.strictObject({ durations: Durations, resolutions: Names, defaultResolution: z.string().min(1) }))
    .min(1)
    .optional(),
  aspectRatios: Names.optional(),
  defaultAudio: z.boolean().optional(),
  // Image tables.
  minImages: z.int().min(0).optional(),
  maxImages: z.int().min(1).optional(),
});
type ModelEntry = z.infer<typeof ModelEntry>;

const Required = { required: z.boolean().optional() };
const FieldEntry = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('string'),
    minLength: z.int().min(0).optional(),
    maxLength: z.int().min(1).optional(),
    pattern: z.string().optional(),
    ...Required,
  }),
  z.strictObject({
    type: z.literal('number'),
    integer: z.boolean().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    ...Required,
  }),
  z.strictObject({ type: z.literal('boolean'), ...Required }),
  z.strictObject({ type: z.literal('enum'), values: Names, ...Required }),
]);
type FieldEntry = z.infer<typeof FieldEntry>;

// Lower-case snake case, like every field Vidu documents; also keeps "__proto__" and friends out.
const FIELD_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const ModelsFile = z.strictObject({
  endpoints: z.record(
    z.string(),
    z.strictObject({
      models: z.record(z.string(), ModelEntry).optional(),
      fields: z.record(z.string(), FieldEntry).optional(),
    }),
  ),
});
export type ModelsFile = z.infer<typeof ModelsFile>;

const VIDEO_KEYS = [
  'like',
  'durations',
  'defaultDuration',
  'resolutions',
  'defaultResolution',
  'resolutionRules',
  'aspectRatios',
  'defaultAudio',
];
const IMAGE_KEYS = ['like', 'minImages', 'maxImages', 'aspectRatios', 'resolutions', 'defaultResolution'];
const KEYS_BY_TABLE: Record<ModelTable['type'], readonly string[]> = {
  video: VIDEO_KEYS,
  image: IMAGE_KEYS,
  names: ['like'],
};

function videoSpec(
  at: string,
  e: ModelEntry,
  base: VideoModelSpec | undefined,
  problems: string[],
): VideoModelSpec | undefined {
  const durations = e.durations ?? base?.durations;
  if (!durations) {
    problems.push(`${at}.durations: required (or "like": a built-in model to start from)`);
    return undefined;
  }
  if (e.resolutionRules && e.resolutions) problems.push(`${at}: give resolutions or resolutionRules, not both`);
  let rules: readonly ResolutionRule[] | undefined = e.resolutionRules;
  if (!rules && e.resolutions)
    rules = [{ durations, resolutions: e.resolutions, defaultResolution: e.defaultResolution ?? e.resolutions[0]! }];
  rules ??= base?.resolutionRules;
  if (!rules) {
    problems.push(`${at}.resolutions: required (or resolutionRules, or "like")`);
    return undefined;
  }
  const spec: VideoModelSpec = {
    durations,
    defaultDuration:
      e.defaultDuration ?? (base && durations.includes(base.defaultDuration) ? base.defaultDuration : durations[0]!),
    resolutionRules: rules,
    ...((e.aspectRatios ?? base?.aspectRatios) ? { aspectRatios: e.aspectRatios ?? base?.aspectRatios } : {}),
    defaultAudio: e.defaultAudio ?? base?.defaultAudio ?? false,
    source: 'FILE',
  };
  if (!durations.includes(spec.defaultDuration))
    problems.push(
      `${at}.defaultDuration: ${spec.defaultDuration} is not one of its durations (${durations.join(', ')})`,
    );
  rules.forEach((r, i) => {
    if (!r.resolutions.includes(r.defaultResolution)) {
      const where = e.resolutionRules ? `${at}.resolutionRules[${i}].defaultResolution` : `${at}.defaultResolution`;
      problems.push(
        `${where}: ${JSON.stringify(r.defaultResolution)} is not one of its resolutions (${r.resolutions.join(', ')})`,
      );
    }
  });
  for (const d of durations)
    if (!resolutionRuleFor(spec, d)) problems.push(`${at}.resolutionRules: no rule covers its duration ${d} s`);
  return spec;
}

function imageSpec(
  at: string,
  e: ModelEntry,
  base: ImageModelSpec | undefined,
  problems: string[],
): ImageModelSpec | undefined {
  const minImages = e.minImages ?? base?.minImages;
  const maxImages = e.maxImages ?? base?.maxImages;
  const aspectRatios = e.aspectRatios ?? base?.aspectRatios;
  const resolutions = e.resolutions ?? base?.resolutions;
  const missing = Object.entries({ minImages, maxImages, aspectRatios, resolutions }).filter(
    ([, v]) => v === undefined,
  );
  for (const [key] of missing) problems.push(`${at}.${key}: required (or "like": a built-in model to start from)`);
  if (minImages === undefined || maxImages === undefined || !aspectRatios || !resolutions) return undefined;
  const defaultResolution =
    e.defaultResolution ??
    (base && resolutions.includes(base.defaultResolution) ? base.defaultResolution : resolutions[0]!);
  if (minImages > maxImages) problems.push(`${at}.minImages: ${minImages} is more than maxImages ${maxImages}`);
  if (!resolutions.includes(defaultResolution))
    problems.push(
      `${at}.defaultResolution: ${JSON.stringify(defaultResolution)} is not one of its resolutions (${resolutions.join(', ')})`,
    );
  return { minImages, maxImages, aspectRatios, resolutions, defaultResolution, source: 'FILE' };
}

function modelSpec(
  kind: GenerationKind,
  table: ModelTable,
  name: string,
  e: ModelEntry,
  problems: string[],
): FileModelSpec | undefined {
  const at = `endpoints.${kind}.models[${JSON.stringify(name)}]`;
  if (!MODEL_NAME.test(name))
    problems.push(`${at}: a model name is 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit`);
  if (lookup(table.models, name)) {
    problems.push(
      `${at}: ${name} is a built-in model of ${kind}; the file adds models, it does not change built-in ones`,
    );
    return undefined;
  }
  const allowed = KEYS_BY_TABLE[table.type];
  const wrong = Object.keys(e).filter((k) => !allowed.includes(k));
  for (const key of wrong)
    problems.push(`${at}.${key}: not a constraint of ${kind} models (they take ${allowed.join(', ')})`);
  const base = e.like === undefined ? undefined : lookup(table.models, e.like);
  if (e.like !== undefined && !base)
    problems.push(
      `${at}.like: ${JSON.stringify(e.like)} is not a built-in model of ${kind} (${Object.keys(table.models).join(', ')})`,
    );
  if (wrong.length > 0 || (e.like !== undefined && !base)) return undefined;
  switch (table.type) {
    case 'video':
      return videoSpec(at, e, base as VideoModelSpec | undefined, problems);
    case 'image':
      return imageSpec(at, e, base as ImageModelSpec | undefined, problems);
    case 'names':
      return { source: 'FILE' };
  }
}

/** The zod type of an allowed extra field, with the project's field-naming messages. */
function fieldType(f: FieldEntry): z.ZodType {
  let t: z.ZodType;
  switch (f.type) {
    case 'string': {
      let s = z.string(named);
      if (f.minLength !== undefined) s = s.min(f.minLength);
      if (f.maxLength !== undefined) s = s.max(f.maxLength);
      if (f.pattern !== undefined) s = s.regex(new RegExp(f.pattern));
      t = s;
      break;
    }
    case 'number': {
      let n = f.integer ? z.int(named) : z.number(named);
      if (f.min !== undefined) n = n.min(f.min);
      if (f.max !== undefined) n = n.max(f.max);
      t = n;
      break;
    }
    case 'boolean':
      t = z.boolean(named);
      break;
    case 'enum':
      t = z.enum(f.values as [string, ...string[]], named);
      break;
  }
  return f.required ? t : t.optional();
}

function fieldProblems(kind: GenerationKind, name: string, f: FieldEntry): string[] {
  const at = `endpoints.${kind}.fields[${JSON.stringify(name)}]`;
  const problems: string[] = [];
  if (!FIELD_NAME.test(name))
    problems.push(`${at}: a field name is lower-case snake case (a–z, 0–9, "_"), up to 64 characters`);
  if (Object.hasOwn(ENDPOINTS[kind].request.shape, name))
    problems.push(`${at}: ${name} is a built-in field of ${kind}, checked by its own rule`);
  if (f.type === 'string' && f.pattern !== undefined) {
    try {
      new RegExp(f.pattern);
    } catch (err) {
      problems.push(`${at}.pattern: not a regular expression (${(err as Error).message})`);
    }
  }
  if (f.type === 'string' && f.minLength !== undefined && f.maxLength !== undefined && f.minLength > f.maxLength)
    problems.push(`${at}.minLength: more than maxLength`);
  if (f.type === 'number' && f.min !== undefined && f.max !== undefined && f.min > f.max)
    problems.push(`${at}.min: more than max`);
  return problems;
}

export type CompiledModelsFile = { ok: true; extensions: ModelExtensions } | { ok: false; problems: string[] };

/** Checks a parsed models file against the registry; `file` names it in messages. */
export function compileModelsFile(raw: unknown, file: string): CompiledModelsFile {
  const parsed = ModelsFile.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map(
        (i) =>
          `${file}: ${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.') || '(file)'}: ${i.message}`,
      ),
    };
  }
  const problems: string[] = [];
  const models: Record<string, Record<string, FileModelSpec>> = {};
  const fields: Record<string, Record<string, z.ZodType>> = {};
  for (const [kind, entry] of Object.entries(parsed.data.endpoints)) {
    if (!(GENERATION_KINDS as readonly string[]).includes(kind)) {
      problems.push(
        `endpoints.${kind}: not an endpoint vidu-flow runs; expected one of ${GENERATION_KINDS.join(', ')}`,
      );
      continue;
    }
    const k = kind as GenerationKind;
    const table = (ENDPOINTS[k] as { models?: ModelTable }).models;
    if (entry.models && Object.keys(entry.models).length > 0) {
      if (!table) problems.push(`endpoints.${k}.models: ${k} takes no model`);
      else {
        const added: Record<string, FileModelSpec> = {};
        for (const [name, e] of Object.entries(entry.models)) {
          const spec = modelSpec(k, table, name, e, problems);
          if (spec) added[name] = spec;
        }
        models[k] = added;
      }
    }
    if (entry.fields) {
      const allowed: Record<string, z.ZodType> = {};
      for (const [name, f] of Object.entries(entry.fields)) {
        const found = fieldProblems(k, name, f);
        problems.push(...found);
        if (found.length === 0) allowed[name] = fieldType(f);
      }
      fields[k] = allowed;
    }
  }
  return problems.length > 0
    ? { ok: false, problems: problems.map((p) => `${file}: ${p}`) }
    : { ok: true, extensions: { file, models, fields } };
}
