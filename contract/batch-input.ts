import path from 'node:path';
import { z } from 'zod';
import { describeZodError } from '../vidu/schemas';
import {
  type BatchInput,
  type BatchLine,
  INVALID_LINE,
  MAX_BATCH_WINDOW,
  MAX_LINES_PER_RUN,
} from '../core/batch-types';
import type { GenerationKind, GenerationOptions } from '../core/generation-types';
import {
  checkGenerationInput,
  GENERATION_KINDS,
  GenerationOptions as GenerationOptionsSchema,
} from './generation-input';
import { resolveLocalPath } from './local-path';
import { mediaSlots, remoteMediaIssues } from './media-fields';
import { assertSame, type Same } from './same-type';
import { OWNER_SOURCE, STAGED_PREFIX } from './staged-ref';

// The batch contract: the workflow input `{ source: { path } | { staged }, window?, options?,
// linesPerRun? }` and one line of the batch, `{ "kind": "img2video", "request": {…}, "options": {…} }`.
// `source.path` is a JSONL file on the worker's disk (the operator's: client library and CLI);
// `source.staged` is JSONL the HTTP API wrote to the staging store for the calling key
// (api/routes/batches.ts), read by the worker only for a batch of that key.
//
// A bad line is reported by its number and the rule it broke, never by its content (issue 16
// item 4): no text of the line, no key name it used, no value it gave, since the batch result goes
// to whoever started the batch, and a file is not always the starter's own words.

/** A line longer than this is refused: Temporal payloads should stay small (media by path or URL). */
export const MAX_BATCH_LINE_BYTES = 256 * 1024;

/** Lines a batch started over the HTTP API may carry in its request (api/routes/batches.ts). */
export const MAX_HTTP_BATCH_LINES = 10_000;

/** `staged:<owner>/<sha256>.jsonl` (contract/staged-ref.ts: the owner rule is declared there). */
const STAGED_JSONL = new RegExp(`^${STAGED_PREFIX}${OWNER_SOURCE}/[0-9a-f]{64}\\.jsonl$`);

export const BatchInputSchema = z.strictObject({
  source: z.union([
    z.strictObject({
      path: z
        .string()
        .min(1)
        .refine((p) => path.isAbsolute(p), 'must be an absolute path the worker can read'),
    }),
    z.strictObject({ staged: z.string().regex(STAGED_JSONL, 'must be a staged:<owner>/<sha256>.jsonl reference') }),
  ]),
  window: z.number().int().min(1).max(MAX_BATCH_WINDOW).optional(),
  options: GenerationOptionsSchema.optional(),
  linesPerRun: z.number().int().min(1).max(MAX_LINES_PER_RUN).optional(),
});

/** Checks a batch input as a caller sends it (without `carry`); one line per problem. */
export function checkBatchInput(input: unknown): string[] {
  const parsed = BatchInputSchema.safeParse(input);
  return parsed.success ? [] : describeZodError(parsed.error);
}

export type ParsedBatchLine =
  | { ok: true; kind: GenerationKind; input: { request: Record<string, unknown>; options: GenerationOptions } }
  | { ok: false; kind?: string; message: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isGenerationKind(value: unknown): value is GenerationKind {
  return typeof value === 'string' && (GENERATION_KINDS as readonly string[]).includes(value);
}

/**
 * The line's options over the batch's: `poll` merges field by field, and `priority` is `batch`
 * unless the line (or the batch options) say otherwise.
 */
export function mergeLineOptions(
  defaults: GenerationOptions | undefined,
  line: GenerationOptions | undefined,
): GenerationOptions {
  const merged: GenerationOptions = { ...defaults, ...line };
  if (defaults?.poll || line?.poll) merged.poll = { ...defaults?.poll, ...line?.poll };
  merged.priority = line?.priority ?? defaults?.priority ?? 'batch';
  return merged;
}

export interface BatchLineContext {
  /** The file's folder: relative media paths are made absolute against it (none for staged lines). */
  baseDir?: string;
  defaults?: GenerationOptions;
  /**
   * The line is an API caller's (a batch an API key started): media only as http(s) URLs, data:
   * URIs or vidu-flow: references, and no Vidu ids (contract/media-fields.ts remoteMediaIssues).
   */
  remote?: boolean;
}

/**
 * Parses and checks one line of a batch file (the same checks a single generation gets before it
 * starts). Relative media paths are made absolute against `baseDir`, the file's folder, as
 * `--request @file` does. Messages name fields and rules only (see ruleOnly).
 */
export function parseBatchLine(text: string, ctx: BatchLineContext): ParsedBatchLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the start of the text: not repeated.
    return { ok: false, message: 'not valid JSON (each line is one JSON object { "kind", "request", "options" })' };
  }
  return checkBatchLine(parsed, ctx);
}

/** One line given as a value (a JSON object), as the HTTP API receives them. */
export function checkBatchLine(parsed: unknown, ctx: BatchLineContext): ParsedBatchLine {
  if (!isObject(parsed)) return { ok: false, message: 'must be a JSON object { "kind", "request", "options" }' };
  const { kind, request, options, ...rest } = parsed;
  const issues: string[] = [];
  if (Object.keys(rest).length > 0) issues.push('the line has a field other than kind, request and options');
  if (!isGenerationKind(kind)) {
    issues.push(
      `kind: ${kind === undefined ? 'missing' : 'not a generation kind'}; expected one of ${GENERATION_KINDS.join(', ')}`,
    );
    return { ok: false, message: issues.join('; ') };
  }
  if (options !== undefined && !isObject(options)) issues.push('options: must be an object');
  if (!isObject(request)) issues.push('request: must be an object (the Vidu request body)');
  if (issues.length > 0) return { ok: false, kind, message: issues.join('; ') };

  const body = structuredClone(request as Record<string, unknown>);
  if (ctx.baseDir !== undefined && !ctx.remote) {
    for (const slot of mediaSlots(kind, body)) slot.set(resolveLocalPath(slot.value, ctx.baseDir));
  }
  const input = { request: body, options: mergeLineOptions(ctx.defaults, options as GenerationOptions | undefined) };
  const problems = checkGenerationInput(kind, input).map(ruleOnly);
  if (ctx.remote) problems.push(...remoteMediaIssues(kind, body).map((i) => `request.${i.path}: ${i.message}`));
  if (problems.length > 0) return { ok: false, kind, message: problems.join('; ') };
  return { ok: true, kind, input };
}

/**
 * An issue line of the contract, stripped of what the caller wrote: a quoted value becomes `"…"`,
 * and an unknown field is reported at its parent without its name.
 */
export function ruleOnly(issue: string): string {
  const colon = issue.indexOf(': ');
  if (colon > 0 && /unknown (input )?field/.test(issue.slice(colon))) {
    const label = issue.slice(0, colon);
    const dot = label.lastIndexOf('.');
    // "by <endpoint>" is vidu-flow's own wording (vidu/schemas/format.ts), not the caller's.
    const by = / not accepted (by [\w-]+)/.exec(issue)?.[1] ?? 'there';
    return `${dot > 0 ? label.slice(0, dot) : '(request)'}: has a field not accepted ${by}`;
  }
  return issue.replace(/"(?:[^"\\]|\\.)*"/g, '"…"');
}

/** parseBatchLine, shaped as the line the workflow receives. */
export function toBatchLine(text: string, line: number, offset: number, ctx: BatchLineContext): BatchLine {
  const parsed = parseBatchLine(text, ctx);
  if (parsed.ok) return { line, offset, kind: parsed.kind, input: parsed.input };
  return {
    line,
    offset,
    ...(parsed.kind ? { kind: parsed.kind } : {}),
    error: { type: INVALID_LINE, message: parsed.message },
  };
}

export type { BatchInput };

// Compile-time drift check against core/batch-types.ts (the workflow compiles against core). The
// caller's input is BatchInput without `carry` (the workflow's own, when it continues as new);
// core writes each source as `{ path; staged?: never }` so `source.path` reads without narrowing.
type SourceVariants<U> = U extends unknown
  ? { [K in keyof U as [Exclude<U[K], undefined>] extends [never] ? never : K]: U[K] }
  : never;
type CallerBatchInput = z.infer<typeof BatchInputSchema>;
assertSame<Same<Omit<CallerBatchInput, 'source'>, Omit<BatchInput, 'source' | 'carry'>>>();
assertSame<Same<CallerBatchInput['source'], SourceVariants<BatchInput['source']>>>();
