import { z } from 'zod';
import {
  ENDPOINTS,
  GENERATION_KINDS,
  isFilmEndpoint,
  type EndpointSpec,
  type FilmEndpoint,
  type GenerationKind,
} from '../vidu/endpoints';
import { UPSCALE_RESOLUTIONS } from '../vidu/endpoints/upscale';
import { CREATE_ENDPOINTS, describeZodError } from '../vidu/schemas';
import { unknownFieldHint, unknownModelHint } from '../vidu/models-file';
import { requestSchemaOf } from '../vidu/request-schemas';
import { mediaValueProblem } from './local-path';
import type * as T from '../core/generation-types';
import { mediaSlots } from './media-fields';
import { resultRefIssues } from './result-ref';
import { assertSame, type Same } from './same-type';

// The public input of the generation workflows (one per endpoint of the registry,
// vidu/endpoints/): `{ request, options }`. The client validates it before starting a workflow,
// and the stage activity validates it again (services in other languages start workflows without
// this client), so bad input fails before any credit is spent.

export { GENERATION_KINDS };

export const PollScheduleOptions = z.strictObject({
  initialSeconds: z.number().positive().max(86_400).optional().describe('Delay before the second poll'),
  factor: z.number().min(1).max(10).optional().describe('Growth factor between polls'),
  maxSeconds: z.number().positive().max(86_400).optional().describe('Longest delay between two polls'),
});

/** README, "Retry policy"; the classification of each err_code is docs/vidu-api.md §9.1. */
export const OnTaskFailure = z
  .strictObject({
    attempts: z
      .number()
      .int()
      .min(1)
      .max(5)
      .describe('Vidu tasks in all, the first included (1–5); each retry is a new paid task through admission'),
    reseed: z
      .boolean()
      .optional()
      .describe('A refused output (CreationPolicyViolation) is tried again with a new seed (default true)'),
    fallbackModels: z
      .array(z.string().min(1).max(64))
      .max(5)
      .optional()
      .describe(
        "ModelUnavailable moves to the next of these models; each must be accepted by the endpoint's model matrix for this request",
      ),
    retryInputRefusals: z
      .boolean()
      .optional()
      .describe(
        'A refused input (AuditSubmitIllegal, TaskPromptPolicyViolation, ImageFormatInvalid, …) is tried again too (default false)',
      ),
  })
  .describe('What to do when the Vidu task fails (absent: one task, no retry)');

export const GenerationOptions = z.strictObject({
  waitMode: z
    .enum(['auto', 'callback', 'poll'])
    .optional()
    .describe('auto (default): callbacks when the worker has VIDU_CALLBACK_URL, else polling'),
  archive: z.boolean().optional().describe('Archive the results (default true)'),
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 86_400)
    .optional()
    .describe('Give up and cancel at Vidu after this long (default 6 h; 50 h off-peak)'),
  poll: PollScheduleOptions.optional(),
  idempotencyKey: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Informational: the key the workflow id was derived from'),
  priority: z
    .enum(['interactive', 'batch'])
    .optional()
    .describe('Admission priority under VIDU_MAX_IN_FLIGHT: interactive (default) overtakes waiting batch work'),
  upscale: z
    .strictObject({
      resolution: z
        .enum(UPSCALE_RESOLUTIONS)
        .optional()
        .describe("1080p (default), 2K, 4K or 8K; must exceed the result's own"),
    })
    .optional()
    .describe(
      'Upscale the video result once archived: a child upscale workflow (id <workflowId>~upscale) archived beside this one; a second paid task',
    ),
  onTaskFailure: OnTaskFailure.optional(),
  onBudgetExceeded: z
    .enum(['wait', 'fail'])
    .optional()
    .describe(
      'When the estimate does not fit a budget (VIDU_FLOW_BUDGETS_FILE): fail with BudgetExceeded (default for interactive) or wait for credits to settle back or the period to roll over (default for batch)',
    ),
});

/** Fields vidu-flow sets itself; a caller passing them is told so rather than silently overridden. */
const RESERVED = {
  callback_url: 'is set by vidu-flow (it routes callbacks to the workflow)',
  client_request_id: 'is set by vidu-flow (derived from the workflow id)',
};

/** A stand-in that satisfies the media-reference check, so the schema judges everything but the media. */
const PLACEHOLDER = 'https://media.invalid/placeholder';

/**
 * Checks a generation input against Vidu's documented rules, except the media bytes (the stage
 * activity reads and checks those). Returns the problems, one line per field; empty means valid.
 */
export function checkGenerationInput(kind: GenerationKind, input: unknown): string[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return ['input: must be an object { request, options }'];
  const { request, options, ...rest } = input as Record<string, unknown>;
  const issues: string[] = Object.keys(rest).map((k) => `${k}: unknown input field; expected only request and options`);
  if (options !== undefined) {
    const parsed = GenerationOptions.safeParse(options);
    if (!parsed.success) issues.push(...describeZodError(parsed.error).map((line) => `options.${line}`));
    else if (parsed.data.upscale && !(ENDPOINTS[kind] as EndpointSpec).result.upscalable) {
      issues.push(
        `options.upscale: ${kind} results cannot be upscaled (only video results of a generation; upscale is for those)`,
      );
    }
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request))
    return [...issues, 'request: must be an object (the Vidu request body)'];
  const requestIssues = checkRequest(kind, request as Record<string, unknown>);
  issues.push(...requestIssues);
  const fallbacks = GenerationOptions.safeParse(options).data?.onTaskFailure?.fallbackModels ?? [];
  issues.push(...fallbackModelIssues(kind, request as Record<string, unknown>, fallbacks, requestIssues));
  return issues;
}

/**
 * Each fallback model of options.onTaskFailure must take this very request (the endpoint's model
 * matrix: durations, resolutions, ratios, image counts), or a paid retry would be refused at
 * Vidu: refused here, at start, with the field named. Problems the request has with its own model
 * are reported once, above.
 */
function fallbackModelIssues(
  kind: GenerationKind,
  request: Record<string, unknown>,
  models: string[],
  known: string[],
): string[] {
  return models.flatMap((model, i) =>
    checkRequest(kind, { ...request, model })
      .filter((line) => !known.includes(line))
      .map((line) => `options.onTaskFailure.fallbackModels[${i}]: ${model} cannot take this request: ${line}`),
  );
}

export function checkRequest(kind: GenerationKind | FilmEndpoint, request: Record<string, unknown>): string[] {
  const issues: string[] = [];
  for (const [field, why] of Object.entries(RESERVED))
    if (field in request) issues.push(`${field}: ${why}; remove it from the request`);
  const copy = structuredClone(request);
  delete copy.callback_url;
  delete copy.client_request_id;
  // Local paths, staged references and vidu-flow: result references are valid inputs here
  // though not for Vidu itself.
  const slots = mediaSlots(kind, copy);
  if (!isFilmEndpoint(kind))
    issues.push(...resultRefIssues(request, 'video_creation_id' in CREATE_ENDPOINTS[kind].request.shape, slots));
  for (const slot of slots) {
    // One rule for what a media value may be (contract/local-path.ts), checked before the placeholder hides it.
    const problem = mediaValueProblem(slot.value);
    if (problem) issues.push(`${slot.path}: ${problem}`);
    slot.set(PLACEHOLDER);
  }
  const schema = isFilmEndpoint(kind) ? CREATE_ENDPOINTS[kind].request : requestSchemaOf(kind);
  const parsed = schema.safeParse(copy);
  if (!parsed.success)
    issues.push(
      ...describeZodError(parsed.error).map((line) =>
        isFilmEndpoint(kind) ? line : withModelsFileHint(kind, line, copy),
      ),
    );
  return issues;
}

/**
 * A refusal of a model or top-level field the registry does not know says how an operator allows
 * it (the models file, vidu/models-file.ts); the schemas' own messages stay Vidu's wording.
 */
function withModelsFileHint(kind: GenerationKind, line: string, request: Record<string, unknown>): string {
  const field = /^([a-z0-9_]+): unknown field "/.exec(line)?.[1];
  if (field !== undefined) return `${line}; ${unknownFieldHint(kind, field)}`;
  if (line.startsWith('model: unknown model ') && typeof request.model === 'string')
    return `${line}; ${unknownModelHint(kind, request.model)}`;
  return line;
}

// Compile-time drift check against core/generation-types.ts (core is below the contract and cannot
// derive its types from these schemas; the workflows compile against core).
assertSame<Same<z.infer<typeof PollScheduleOptions>, T.PollScheduleOptions>>();
assertSame<Same<z.infer<typeof OnTaskFailure>, T.OnTaskFailure>>();
assertSame<Same<z.infer<typeof GenerationOptions>, T.GenerationOptions>>();
