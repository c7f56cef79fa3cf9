import { BatchInputSchema } from './batch-input';
import { z } from 'zod';
import {
  BoolLike,
  CREATE_ENDPOINTS,
  IntLike,
  MediaRef,
  Payload,
  PAYLOAD_MAX,
  Prompt,
  PROMPT_MAX,
  RequiredPrompt,
  Seed,
  TEXT_BOUNDS,
  SEED_MAX,
  WmPosition,
} from '../vidu/schemas';
import type { GenerationKind } from '../core/generation-types';
import { AdFilmEdit, AdFilmOptions } from './ad-film-input';
import { AdFilmResult, AdFilmStatus, Storyboards } from './ad-film-result';
import { MusicVideoEdit } from './music-video-input';
import { MusicVideoResult } from './music-video-result';
import { GENERATION_KINDS, GenerationOptions } from './generation-input';
import { GenerationResult, GenerationStatus } from './generation-result';
import { FailureDetails } from './failure-details';
import { mediaLimitsOf } from '../vidu/endpoints';
import type { MediaEndpoint } from './media-fields';

// JSON Schemas of the workflows' wire shapes (the four generation kinds and adFilm), generated
// from the zod schemas so that services in other languages can build inputs and read results.
// dev/gen-schemas.ts writes them into schemas/; test/unit/json-schemas.test.ts checks the files
// on disk are current.

type Json = Record<string, unknown>;

/** Fields vidu-flow sets itself (see contract/generation-input.ts); absent from the input schemas. */
export const RESERVED_REQUEST_FIELDS = ['callback_url', 'client_request_id'] as const;

const STAGED_MEDIA_DESCRIPTION =
  'An http(s) URL, a data URI with a content type (data:image/png;base64,…; keep it to 262,144 bytes, upload larger inputs), ' +
  'a staged:<owner>/<sha256>.<ext> reference of the workflow’s own owner (made with POST /v1/uploads; see the staged: section of schemas/README.md), ' +
  "or a path (or file:// URL) that the worker can read — relative paths resolve against the worker's working directory, so send " +
  'absolute ones. vidu-flow reads the bytes and checks them against the endpoint’s documented limits ' +
  '(format, size, pixels, aspect ratio, duration) before anything is sent to Vidu.';

const RESULT_REF_DESCRIPTION =
  'It may also be vidu-flow:<workflowId>/<creationId>, a video an earlier workflow archived; vidu-flow checks the archive and sends Vidu the creation id (video_creation_id).';

const BOOL_LIKE: Json = {
  anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['true', 'false'] }],
  description: 'true or false (the strings "true" and "false" are accepted too)',
};
const INT_LIKE: Json = {
  anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^\\d{1,15}$' }],
  description: 'An integer, or a string of digits',
};

/**
 * Fills in what zod cannot express by itself: the "boolean or 'true'/'false'" and "integer or
 * digits" fields (zod customs), their bounds, and the code-point limits of the refined strings.
 * JSON Schema's maxLength counts code points, exactly as vidu/schemas does.
 */
function override(ctx: { zodSchema: unknown; jsonSchema: Json }): void {
  const s = ctx.zodSchema;
  const js = ctx.jsonSchema;
  // z.int() bounds itself to the safe integers; that says nothing to a reader.
  if (js.maximum === Number.MAX_SAFE_INTEGER) delete js.maximum;
  if (js.minimum === Number.MIN_SAFE_INTEGER) delete js.minimum;
  // zod drops the default of a field whose inner type is a custom (BoolLike.default(false)).
  const def = (s as { _zod?: { def?: { type?: string; defaultValue?: unknown } } })._zod?.def;
  if (def?.type === 'default' && !('default' in js)) js.default = def.defaultValue;
  if (s === BoolLike.in) Object.assign(js, structuredClone(BOOL_LIKE));
  else if (s === IntLike.in) Object.assign(js, structuredClone(INT_LIKE));
  else if (s === WmPosition.in)
    Object.assign(js, {
      enum: [1, 2, 3, 4, '1', '2', '3', '4'],
      description: 'Watermark position: 1 top-left, 2 top-right, 3 bottom-right, 4 bottom-left',
    });
  else if (s === Seed) {
    Object.assign(js, {
      anyOf: [
        { type: 'integer', minimum: 0, maximum: SEED_MAX },
        { type: 'string', pattern: '^\\d{1,15}$' },
      ],
      description: `Random seed, 0–${SEED_MAX}; 0 or absent means random (an integer or a string of digits)`,
    });
  } else if (s === Prompt) Object.assign(js, { maxLength: PROMPT_MAX });
  else if (TEXT_BOUNDS.has(s as z.ZodType)) Object.assign(js, TEXT_BOUNDS.get(s as z.ZodType));
  else if (s === RequiredPrompt) Object.assign(js, { minLength: 1, maxLength: PROMPT_MAX });
  else if (s === Payload)
    Object.assign(js, { maxLength: PAYLOAD_MAX, description: 'Passed through to the task and echoed back by Vidu' });
  else if (s === MediaRef)
    Object.assign(js, {
      pattern: '^(https?://|data:[\\w.+-]+/[\\w.+-]+(;[\\w.+-]+=[\\w.+-]+)*;base64,)',
      description: 'An http(s) URL or a data URI; passed to Vidu as it is',
    });
}

function toJson(schema: z.ZodType): Json {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', override: override as never }) as Json;
}

function child(node: Json, ...keys: string[]): Json | undefined {
  let cur: unknown = node;
  for (const key of keys) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Json)[key];
  }
  return typeof cur === 'object' && cur !== null ? (cur as Json) : undefined;
}

/** The request's media fields (as dotted paths like `subjects.images`), as the registry declares them. */
export function mediaFieldsOf(kind: MediaEndpoint): string[] {
  return Object.keys(mediaLimitsOf(kind));
}

/** The JSON Schema node of one media value in a request schema (the array item for list fields). */
function mediaNode(request: Json, field: string): Json | undefined {
  let node: Json | undefined = request;
  for (const part of field.split('.')) {
    node = node && child(node, 'properties', part);
    if (node?.type === 'array') node = child(node, 'items');
  }
  return node;
}

/**
 * `request` (Vidu's create body for `endpoint`, minus the fields vidu-flow sets, media fields
 * documented as staged inputs) and the other input fields, as one input schema.
 */
function workflowInputSchema(endpoint: MediaEndpoint, fields: z.ZodRawShape, what: string): Json {
  const spec = CREATE_ENDPOINTS[endpoint];
  const json = toJson(z.strictObject({ request: spec.request, ...fields }));
  const request = child(json, 'properties', 'request');
  const props = request && child(request, 'properties');
  if (!request || !props) throw new Error(`${endpoint}: the request schema has no properties`);
  for (const field of RESERVED_REQUEST_FIELDS) delete props[field];
  if (Array.isArray(request.required))
    request.required = request.required.filter(
      (f) => !(RESERVED_REQUEST_FIELDS as readonly string[]).includes(String(f)),
    );
  for (const field of mediaFieldsOf(endpoint)) {
    const node = mediaNode(request, field);
    if (!node) throw new Error(`${endpoint}: media field ${field} not found in the request schema`);
    delete node.pattern;
    node.description =
      field === 'video_url' && 'video_creation_id' in spec.request.shape
        ? `${STAGED_MEDIA_DESCRIPTION} ${RESULT_REF_DESCRIPTION}`
        : STAGED_MEDIA_DESCRIPTION;
  }
  request.description = `Vidu's POST ${spec.path} body in Vidu's own field names, without ${RESERVED_REQUEST_FIELDS.join(' and ')} (vidu-flow sets those). ${what}`;
  const options = child(json, 'properties', 'options');
  if (options) options.description = 'Orchestration choices; every field is optional';
  return json;
}

function titled(json: Json, title: string, description: string): Json {
  return {
    $schema: json.$schema,
    title,
    description,
    ...Object.fromEntries(Object.entries(json).filter(([k]) => k !== '$schema')),
  };
}

export function inputSchema(kind: GenerationKind): Json {
  const json = workflowInputSchema(
    kind,
    { options: GenerationOptions.optional() },
    'Rules that depend on the model (durations, resolutions, aspect ratios, image counts) are checked when the workflow starts; ' +
      'a violation fails it with an InvalidRequest ApplicationFailure before any credit is spent.',
  );
  return titled(
    json,
    `${kind} workflow input`,
    `The single argument of workflow type "${kind}" (task queue vidu-flow): { request, options }.`,
  );
}

/** The argument of workflow type `adFilm`: `{ request, edits, options }`. */
export function adFilmInputSchema(): Json {
  const json = workflowInputSchema(
    'ad-one-click',
    {
      edits: z
        .array(AdFilmEdit)
        .optional()
        .describe(
          'Edits applied in parallel once the film is generated, before composing. A video edit names a storyboard by its 0-based index; ' +
            'an index beyond the film’s storyboards fails the workflow (InvalidRequest) before any edit is paid. ' +
            'The requestEdits update takes an array of the same shape.',
        ),
      options: AdFilmOptions.optional(),
    },
    'The images are read and checked when the workflow starts; a violation fails it with an InvalidRequest ApplicationFailure before any credit is spent.',
  );
  return titled(
    json,
    'adFilm workflow input',
    'The single argument of workflow type "adFilm" (task queue vidu-flow): { request, edits, options }. The film is generated, the edits applied, ' +
      'then (with options.review) the workflow waits for the requestEdits update and the approve signal, composes and archives the film.',
  );
}

/** The argument of workflow type `musicVideo`: `{ request, edits, options }`, the AD film's for one-click/mv. */
export function musicVideoInputSchema(): Json {
  const json = workflowInputSchema(
    'one-click-mv',
    {
      edits: z
        .array(MusicVideoEdit)
        .optional()
        .describe(
          'Footage edits applied in parallel once the video is generated, before composing; a storyboard beyond the video’s fails the workflow (InvalidRequest) before any edit is paid. ' +
            'The requestEdits update takes an array of the same shape.',
        ),
      options: AdFilmOptions.optional(),
    },
    'The images and the audio (its duration, 10–180 s) are read and checked when the workflow starts; a violation fails it with an InvalidRequest ApplicationFailure before any credit is spent.',
  );
  return titled(
    json,
    'musicVideo workflow input',
    'The single argument of workflow type "musicVideo" (task queue vidu-flow): { request, edits, options }. The AD film’s workflow for one-click/mv: ' +
      'the video is generated, the edits applied, then (with options.review) the workflow waits for requestEdits and approve, composes over the audio and archives the video.',
  );
}

function outputSchema(schema: z.ZodType, title: string, description: string): Json {
  const json = toJson(schema);
  const { $schema, ...rest } = json;
  return { $schema, title, ...rest, description };
}

/** Every generated file of schemas/, by file name. */
export function buildJsonSchemas(): Record<string, Json> {
  const files: Record<string, Json> = {};
  for (const kind of GENERATION_KINDS) files[`${kind}.input.schema.json`] = inputSchema(kind);
  files['adFilm.input.schema.json'] = adFilmInputSchema();
  files['batch.input.schema.json'] = outputSchema(
    BatchInputSchema,
    'batch workflow input',
    'The single argument of workflow type "batch" (task queue vidu-flow): { source: { path }, window, options, linesPerRun }. ' +
      'source.path is a JSONL file the worker can read, one { "kind", "request", "options" } generation input per line; ' +
      'each line is checked like a single generation (an invalid line is recorded as failed and nothing is started for it). ' +
      'The query "status" reports done, failed and in flight; per-line results go to <archive root>/<workflowId>/batch-results.jsonl.',
  );
  files['adFilm.result.schema.json'] = outputSchema(
    AdFilmResult,
    'adFilm workflow result',
    'What workflow type "adFilm" returns on success. A failed film fails the workflow with an ApplicationFailure whose type is one of InvalidRequest, ViduRejected, ViduTaskFailed, ViduTimeout, AdEditFailed, ReviewTimedOut (see schemas/README.md).',
  );
  files['adFilm.status.schema.json'] = outputSchema(
    AdFilmStatus,
    'adFilm status (query "status")',
    'The answer of the "status" query of workflow type "adFilm"; available while the workflow runs and after it closed.',
  );
  files['musicVideo.input.schema.json'] = musicVideoInputSchema();
  files['musicVideo.result.schema.json'] = outputSchema(
    MusicVideoResult,
    'musicVideo workflow result',
    'What workflow type "musicVideo" returns on success: the adFilm result without bgmTaskId and narrationTaskId. Its status and storyboards queries answer as adFilm’s. A failed video fails the workflow with an ApplicationFailure whose type is one of InvalidRequest, ViduRejected, ViduTaskFailed, ViduTimeout, AdEditFailed, ReviewTimedOut (see schemas/README.md).',
  );
  files['adFilm.storyboards.schema.json'] = outputSchema(
    Storyboards,
    'adFilm storyboards (query "storyboards")',
    'The answer of the "storyboards" query of workflow type "adFilm": per storyboard, the sub-task compose would use now. Empty until the film is generated.',
  );
  files['generation.result.schema.json'] = outputSchema(
    GenerationResult,
    'Generation workflow result',
    `What the generation workflows (${GENERATION_KINDS.join(', ')}) return on success. A failed generation fails the workflow with an ApplicationFailure whose type is one of InvalidRequest, ViduRejected, ViduTaskFailed, ViduTimeout, SubmissionAmbiguous, WorkerMisconfigured (see schemas/README.md).`,
  );
  files['generation.status.schema.json'] = outputSchema(
    GenerationStatus,
    'Generation status (query "status")',
    'The answer of the "status" query of the generation workflow types; available while the workflow runs and after it closed.',
  );
  files['failures.schema.json'] = failuresSchema();
  return files;
}

/**
 * Every failure type of the catalogue (core/failure-types.ts) with the shape of its details[0]
 * (contract/failure-details.ts): `{ type, details }` as a caller sees an ApplicationFailure
 * (Python: `err.type`, `err.details`), one `oneOf` branch per type, each type's details also
 * under `$defs` by name.
 */
function failuresSchema(): Json {
  const defs: Record<string, Json> = {};
  for (const [type, schema] of Object.entries(FailureDetails)) {
    const { $schema: _s, ...json } = toJson(schema);
    defs[type] = json;
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'vidu-flow failures',
    description:
      'The ApplicationFailure types vidu-flow workflows fail with, and the updates refuse with, and the shape of details[0] of each ' +
      '(core/failure-types.ts). A failure arrives as { type, message, nonRetryable, details }; the failure may be wrapped ' +
      '(an ActivityFailure or a WorkflowUpdateFailedError whose cause is the ApplicationFailure): walk the cause chain.',
    type: 'object',
    required: ['type', 'details'],
    oneOf: Object.keys(defs).map((type) => ({
      properties: {
        type: { const: type },
        details: { type: 'array', minItems: 1, prefixItems: [{ $ref: `#/$defs/${type}` }] },
      },
    })),
    $defs: defs,
  };
}

/** The files' exact contents: two-space JSON with a trailing newline. */
export function renderJsonSchemas(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(buildJsonSchemas()).map(([name, json]) => [name, `${JSON.stringify(json, null, 2)}\n`]),
  );
}
