import { z } from 'zod';
import { describeZodError } from '../vidu/schemas';
import type * as T from '../core/ad-film-types';
import { checkRequest, GenerationOptions } from './generation-input';
import { assertSame, type Same } from './same-type';

// The public input of the `adFilm` workflow: `{ request, edits, options }`.

const text = (what: string) =>
  z.string().trim().min(1, `${what} must not be empty`).max(2000, `${what} must be at most 2000 characters`);

export const AdFilmEdit = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('video'),
    storyboard: z.number().int().min(0).describe('0-based storyboard index'),
    prompt: text('prompt'),
  }),
  z.strictObject({ type: z.literal('narration'), text: text('text').describe('The new narration text') }),
  z.strictObject({ type: z.literal('bgm'), prompt: text('prompt').describe('The new background-music prompt') }),
]);

// options.upscale is a generation's follow-up; an AD film has none.
export const AdFilmOptions = GenerationOptions.omit({
  upscale: true,
  onTaskFailure: true,
  onBudgetExceeded: true,
}).extend({
  review: z.boolean().optional().describe('Wait for requestEdits / approve before composing'),
  reviewTimeoutSeconds: z
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .optional()
    .describe('Review wait (default 24 h)'),
  onReviewTimeout: z.enum(['fail', 'compose']).optional().describe('At the review timeout: fail (default) or compose'),
  editAttempts: z.number().int().min(1).max(10).optional().describe('Submissions per edit before it fails (default 3)'),
});

/** Every problem with an AD-film input, one line per field; empty means valid. */
export function checkAdFilmInput(input: unknown): string[] {
  return checkFilmInput(input, 'ad-one-click', AdFilmEdit);
}

/**
 * Every problem with a film's input (`{ request, edits, options }`: the AD film, the music video),
 * one line per field; the films differ in the Vidu body (`endpoint`) and the edits they take.
 */
export function checkFilmInput(input: unknown, endpoint: 'ad-one-click' | 'one-click-mv', edit: z.ZodType): string[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return ['input: must be an object { request, edits, options }'];
  const { request, edits, options, ...rest } = input as Record<string, unknown>;
  const issues = Object.keys(rest).map((k) => `${k}: unknown input field; expected request, edits and options`);
  if (typeof request !== 'object' || request === null || Array.isArray(request))
    issues.push(`request: must be an object (the Vidu ${endpoint.replace('one-click-mv', 'one-click/mv')} body)`);
  else issues.push(...checkRequest(endpoint, request as Record<string, unknown>));
  if (edits !== undefined) {
    const parsed = z.array(edit).safeParse(edits);
    if (!parsed.success)
      issues.push(...describeZodError(parsed.error).map((line) => `edits${line.startsWith('[') ? '' : '.'}${line}`));
  }
  if (options !== undefined) {
    const parsed = AdFilmOptions.safeParse(options);
    if (!parsed.success) issues.push(...describeZodError(parsed.error).map((line) => `options.${line}`));
  }
  return issues;
}

// Compile-time drift check against core/ad-film-types.ts (the workflow compiles against core). The
// input as a whole is checked field by field by checkAdFilmInput; its parts are schemas.
assertSame<Same<z.infer<typeof AdFilmEdit>, T.AdFilmEdit>>();
assertSame<Same<z.infer<typeof AdFilmOptions>, T.AdFilmOptions>>();
assertSame<
  Same<
    { request: Record<string, unknown>; edits?: z.infer<typeof AdFilmEdit>[]; options?: z.infer<typeof AdFilmOptions> },
    T.AdFilmInput
  >
>();
