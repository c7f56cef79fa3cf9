import { z } from 'zod';
import { AdFilmEdit as AdFilmEditSchema, checkAdFilmInput } from '../contract/ad-film-input';
import { isLocalPath, resolveLocalPath } from '../contract/local-path';
import { describeZodError } from '../vidu/schemas';
import { type AdFilmEdit, type AdFilmInput, type AdFilmOptions, type StartOptions } from '../client/index';
import {
  applyStartFlagOptions,
  type FieldFlag,
  parseInteger,
  type PlanContext,
  START_OPTION_FLAGS,
  type StartFlags,
  startOptionsFrom,
  UsageError,
  withFlagHint,
} from './args';

// `vidu-flow ad-film [flags]` and `vidu-flow edit <id> --edit …` → the AD-film input and edits.
// Pure functions of the parsed flags and the working directory, tested without commander or Temporal.

export const EDIT_SPEC_HELP = 'video:<index>:<prompt> | narration:<text> | bgm:<prompt>';

export type EditSpecResult = { ok: true; edit: AdFilmEdit } | { ok: false; issue: string };

/**
 * One `--edit` value: `video:<index>:<prompt>`, `narration:<text>` or `bgm:<prompt>`. Only the
 * first colon (two for video) separates; the prompt or text may contain more. The type is
 * case-insensitive; whitespace around the index and the text is dropped.
 */
export function parseEditSpec(spec: string): EditSpecResult {
  const where = editFlag(spec);
  const fail = (why: string): EditSpecResult => ({ ok: false, issue: `${where}: ${why}` });
  const colon = spec.indexOf(':');
  const type = (colon < 0 ? spec : spec.slice(0, colon)).trim().toLowerCase();
  const rest = colon < 0 ? undefined : spec.slice(colon + 1);
  switch (type) {
    case 'video': {
      const second = rest === undefined ? -1 : rest.indexOf(':');
      if (rest === undefined || second < 0)
        return fail('expected video:<index>:<prompt>, e.g. video:0:close-up of the bottle');
      const index = rest.slice(0, second).trim();
      const prompt = rest.slice(second + 1).trim();
      const problems: string[] = [];
      if (!/^\d+$/.test(index) || !Number.isSafeInteger(Number(index)))
        problems.push(`the storyboard index must be a whole number ≥ 0 (got ${JSON.stringify(index)})`);
      if (prompt === '') problems.push('the prompt must not be empty');
      if (problems.length > 0) return fail(problems.join('; '));
      return { ok: true, edit: { type: 'video', storyboard: Number(index), prompt } };
    }
    case 'narration':
    case 'bgm': {
      const example = type === 'narration' ? 'narration:<text>' : 'bgm:<prompt>';
      if (rest === undefined) return fail(`expected ${example}`);
      const value = rest.trim();
      if (value === '') return fail(`the ${type === 'narration' ? 'text' : 'prompt'} must not be empty`);
      return {
        ok: true,
        edit: type === 'narration' ? { type: 'narration', text: value } : { type: 'bgm', prompt: value },
      };
    }
    default:
      return fail(`unknown edit type ${JSON.stringify(type)}; expected ${EDIT_SPEC_HELP}`);
  }
}

/** Every `--edit` value, in order; `issues` names each bad one, `specs[i]` is the value `edits[i]` came from. */
/** A film's review and edit options from its flags (the AD film's and the music video's commands). */
export function filmReviewOptions(
  flags: { review?: boolean; reviewTimeout?: string; onReviewTimeout?: string; editAttempts?: string },
  issues: string[],
): AdFilmOptions {
  const options: AdFilmOptions = {};
  if (flags.review) options.review = true;
  if (flags.reviewTimeout !== undefined) {
    const n = parseInteger('review-timeout', flags.reviewTimeout, issues);
    if (n !== undefined) options.reviewTimeoutSeconds = n;
  }
  if (flags.onReviewTimeout !== undefined)
    options.onReviewTimeout = flags.onReviewTimeout as AdFilmOptions['onReviewTimeout'];
  if (flags.editAttempts !== undefined) {
    const n = parseInteger('edit-attempts', flags.editAttempts, issues);
    if (n !== undefined) options.editAttempts = n;
  }
  return options;
}

export function parseEditSpecs(values: readonly string[]): { edits: AdFilmEdit[]; specs: string[]; issues: string[] } {
  const edits: AdFilmEdit[] = [];
  const specs: string[] = [];
  const issues: string[] = [];
  for (const value of values) {
    const r = parseEditSpec(value);
    if (r.ok) {
      edits.push(r.edit);
      specs.push(value);
    } else {
      issues.push(r.issue);
    }
  }
  return { edits, specs, issues };
}

/** `--edit` values for `vidu-flow edit`: at least one, each valid; throws UsageError listing every problem. */
export function prepareEdits(values: readonly string[] | undefined): AdFilmEdit[] {
  if (!values || values.length === 0) throw new UsageError([`give at least one --edit <spec> (${EDIT_SPEC_HELP})`]);
  const { edits, specs, issues } = parseEditSpecs(values);
  // The per-field rules of the input contract (length limits and such), as the workflow applies them.
  const parsed = z.array(AdFilmEditSchema).safeParse(edits);
  const checked = parsed.success
    ? []
    : describeZodError(parsed.error).map((line) =>
        withEditHint(`edits${line.startsWith('[') ? '' : '.'}${line}`, specs),
      );
  if (issues.length + checked.length > 0) throw new UsageError([...issues, ...checked]);
  return edits;
}

/** The flags of `vidu-flow ad-film` as commander hands them over (camelCase, strings unparsed). */
export interface AdFilmFlags extends StartFlags {
  image?: string[];
  prompt?: string;
  duration?: string;
  aspectRatio?: string;
  language?: string;
  edit?: string[];
  review?: boolean;
  reviewTimeout?: string;
  onReviewTimeout?: string;
  editAttempts?: string;
}

export interface AdFilmPlan {
  input: AdFilmInput;
  start: StartOptions;
  /** Absolute local paths among the images, for a friendly existence check before starting. */
  localFiles: string[];
}

interface Draft {
  plan: AdFilmPlan;
  /** Problems with the flags themselves (numbers, --edit specs); the values in question are left out of the plan. */
  issues: string[];
  /** The --edit value each of plan.input.edits came from. */
  editSpecs: string[];
}

function draftAdFilm(flags: AdFilmFlags, ctx: PlanContext): Draft {
  const issues: string[] = [];
  const request: Record<string, unknown> = {};
  const images = (flags.image ?? []).map((ref) => resolveLocalPath(ref, ctx.cwd));
  if (images.length > 0) request.images = images;
  if (flags.prompt !== undefined) request.prompt = flags.prompt;
  if (flags.duration !== undefined) {
    const n = parseInteger('duration', flags.duration, issues);
    if (n !== undefined) request.duration = n;
  }
  if (flags.aspectRatio !== undefined) request.aspect_ratio = flags.aspectRatio;
  if (flags.language !== undefined) request.language = flags.language;

  const { edits, specs: editSpecs, issues: editIssues } = parseEditSpecs(flags.edit ?? []);
  issues.push(...editIssues);

  const options = filmReviewOptions(flags, issues);
  applyStartFlagOptions(options, flags, issues);
  // Review options without review mode would be silently ignored by the workflow.
  if (!flags.review) {
    for (const [value, flag] of [
      [flags.reviewTimeout, '--review-timeout'],
      [flags.onReviewTimeout, '--on-review-timeout'],
    ] as const) {
      if (value !== undefined) issues.push(`${flag} applies only with --review`);
    }
  }

  const start = startOptionsFrom(flags, flags.idempotencyKey, ctx, issues);
  const input: AdFilmInput = { request };
  if (edits.length > 0) input.edits = edits;
  if (Object.keys(options).length > 0) input.options = options;
  return { plan: { input, start, localFiles: images.filter(isLocalPath) }, issues, editSpecs };
}

/**
 * Maps the flags of `vidu-flow ad-film` to the workflow input and start options. Throws
 * UsageError listing every problem with the flags themselves (bad numbers, bad --edit specs,
 * review options without --review). It does not judge the request itself: see `prepareAdFilm`.
 */
export function buildAdFilmPlan(flags: AdFilmFlags, ctx: PlanContext): AdFilmPlan {
  const { plan, issues } = draftAdFilm(flags, ctx);
  if (issues.length > 0) throw new UsageError(issues);
  return plan;
}

/**
 * buildAdFilmPlan plus the input checks the client runs before starting (checkAdFilmInput), each
 * issue pointing at the flag or --edit value behind it: every problem at once.
 */
export function prepareAdFilm(flags: AdFilmFlags, ctx: PlanContext): AdFilmPlan {
  const { plan, issues, editSpecs } = draftAdFilm(flags, ctx);
  const checked = checkAdFilmInput(plan.input).map((line) =>
    withFlagHint(withEditHint(line, editSpecs), flags, FIELD_FLAGS),
  );
  if (issues.length + checked.length > 0) throw new UsageError([...issues, ...checked]);
  return plan;
}

/** Field paths of the input and the flags that set them, to point an issue at the flag the user typed. */
const FIELD_FLAGS: readonly FieldFlag<AdFilmFlags>[] = [
  ['images', 'image', '--image'],
  ['prompt', 'prompt', '--prompt'],
  ['duration', 'duration', '--duration'],
  ['aspect_ratio', 'aspectRatio', '--aspect-ratio'],
  ['language', 'language', '--language'],
  ['options.reviewTimeoutSeconds', 'reviewTimeout', '--review-timeout'],
  ['options.onReviewTimeout', 'onReviewTimeout', '--on-review-timeout'],
  ['options.editAttempts', 'editAttempts', '--edit-attempts'],
  ...START_OPTION_FLAGS,
];

/** `--edit "<spec>"`, the spec cut short when long. */
function editFlag(spec: string): string {
  const chars = [...spec];
  return `--edit ${JSON.stringify(chars.length > 60 ? `${chars.slice(0, 59).join('')}…` : spec)}`;
}

/** `edits[1].prompt: too long` → `--edit "bgm:…": prompt: too long`, naming the value the user typed. */
function withEditHint(line: string, specs: readonly string[]): string {
  const m = /^edits\[(\d+)\]\.?/.exec(line);
  const spec = m ? specs[Number(m[1])] : undefined;
  return m && spec !== undefined ? `${editFlag(spec)}: ${line.slice(m[0].length)}` : line;
}
