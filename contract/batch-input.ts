import path from 'node:path';
import { z } from 'zod';
import { describeZodError } from '../vidu/schemas';
import { type BatchInput, type BatchLine, MAX_BATCH_WINDOW, MAX_LINES_PER_RUN } from '../core/batch-types';
import type { GenerationKind, GenerationOptions } from '../core/generation-types';
import { checkGenerationInput, GENERATION_KINDS, GenerationOptions as GenerationOptionsSchema } from './generation-input';
import { mediaSlots } from './media-fields';

// The batch contract: the workflow input `{ source: { path }, window?, options?, linesPerRun? }`
// and one line of the batch file, `{ "kind": "img2video", "request": {…}, "options": {…} }`.

/** A line longer than this is refused: Temporal payloads should stay small (media by path or URL). */
export const MAX_BATCH_LINE_BYTES = 256 * 1024;

export const BatchInputSchema = z.strictObject({
  source: z.strictObject({ path: z.string().min(1).refine((p) => path.isAbsolute(p), 'must be an absolute path the worker can read') }),
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

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

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
export function mergeLineOptions(defaults: GenerationOptions | undefined, line: GenerationOptions | undefined): GenerationOptions {
  const merged: GenerationOptions = { ...defaults, ...line };
  if (defaults?.poll || line?.poll) merged.poll = { ...defaults?.poll, ...line?.poll };
  merged.priority = line?.priority ?? defaults?.priority ?? 'batch';
  return merged;
}

/**
 * Parses and checks one line of a batch file (the same checks a single generation gets before it
 * starts). Relative media paths are made absolute against `baseDir`, the file's folder, as
 * `--request @file` does.
 */
export function parseBatchLine(text: string, ctx: { baseDir: string; defaults?: GenerationOptions }): ParsedBatchLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `not valid JSON (${(err as Error).message})` };
  }
  if (!isObject(parsed)) return { ok: false, message: 'must be a JSON object { "kind", "request", "options" }' };
  const { kind, request, options, ...rest } = parsed;
  const issues = Object.keys(rest).map((k) => `${k}: unknown field; a line has kind, request and options`);
  const kindText = typeof kind === 'string' ? kind : undefined;
  if (!isGenerationKind(kind)) {
    issues.push(`kind: ${kind === undefined ? 'missing' : `${JSON.stringify(kind)} is not a generation kind`}; expected one of ${GENERATION_KINDS.join(', ')}`);
    return { ok: false, ...(kindText ? { kind: kindText } : {}), message: issues.join('; ') };
  }
  if (options !== undefined && !isObject(options)) issues.push('options: must be an object');
  if (!isObject(request)) issues.push('request: must be an object (the Vidu request body)');
  if (issues.length > 0) return { ok: false, kind, message: issues.join('; ') };

  const body = structuredClone(request as Record<string, unknown>);
  for (const slot of mediaSlots(kind, body)) {
    if (slot.value !== '' && !path.isAbsolute(slot.value) && !SCHEME.test(slot.value)) slot.set(path.resolve(ctx.baseDir, slot.value));
  }
  const input = { request: body, options: mergeLineOptions(ctx.defaults, options as GenerationOptions | undefined) };
  const problems = checkGenerationInput(kind, input);
  if (problems.length > 0) return { ok: false, kind, message: problems.join('; ') };
  return { ok: true, kind, input };
}

/** parseBatchLine, shaped as the line the workflow receives. */
export function toBatchLine(text: string, line: number, offset: number, ctx: { baseDir: string; defaults?: GenerationOptions }): BatchLine {
  const parsed = parseBatchLine(text, ctx);
  if (parsed.ok) return { line, offset, kind: parsed.kind, input: parsed.input };
  return { line, offset, ...(parsed.kind ? { kind: parsed.kind } : {}), error: { type: 'InvalidLine', message: parsed.message } };
}

export type { BatchInput };
