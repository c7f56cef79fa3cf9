import path from 'node:path';
import { checkGenerationInput, GENERATION_KINDS } from '../contract/generation-input';
import { isLocalPath, resolveLocalPath } from '../contract/local-path';
import { mediaSlots } from '../contract/media-fields';
import { ENDPOINTS, type EndpointSpec } from '../vidu/endpoints';
import { CREATE_ENDPOINTS } from '../vidu/schemas';
import {
  type GenerationInput,
  type GenerationKind,
  type GenerationOptions,
  type StartOptions,
  workflowIdIssues,
} from '../client/index';
import { applyNotBefore } from './not-before';

// `vidu-flow <kind> [flags]` → the workflow input. A pure function of the parsed flags, the
// working directory and a file reader, so it is tested without commander or Temporal.

/** A usage error: exit code 2, nothing was started. `issues` has one line per problem. */
export class UsageError extends Error {
  constructor(readonly issues: string[]) {
    super(issues.join('\n'));
    this.name = 'UsageError';
  }
}

export function isGenerationKind(value: string): value is GenerationKind {
  return (GENERATION_KINDS as readonly string[]).includes(value);
}

/** The flags of `vidu-flow <kind>` as commander hands them over (camelCase, strings unparsed). */
export interface GenerateFlags extends StartFlags {
  model?: string;
  image?: string[];
  video?: string[];
  imageUrl?: string;
  videoUrl?: string;
  prompt?: string;
  duration?: string;
  resolution?: string;
  aspectRatio?: string;
  movementAmplitude?: string;
  seed?: string;
  offPeak?: boolean;
  audio?: boolean;
  watermark?: boolean;
  payload?: string;
  /** Inline JSON, or `@file.json`. */
  request?: string;
  /** Flags an endpoint declares for its own fields (vidu/endpoints/<kind>.ts `cli.flags`), by commander key. */
  [endpointFlag: string]: unknown;
}

/** The orchestration flags every start command shares (generation kinds and ad-film). */
export interface StartFlags {
  waitMode?: string;
  /** false for --no-archive. */
  archive?: boolean;
  timeout?: string;
  pollInitial?: string;
  idempotencyKey?: string;
  workflowId?: string;
  /** `--not-before`: ISO time or +duration (see not-before.ts). */
  notBefore?: string;
}

type ValueKind = 'string' | 'int' | 'number' | 'bool' | 'media' | 'media-list';

export interface RequestFlag {
  /** Long flag name without dashes. */
  flag: string;
  /** Key in GenerateFlags. */
  key: keyof GenerateFlags;
  /** Vidu request field it sets. */
  field: string;
  value: ValueKind;
  placeholder?: string;
  help: string;
  /** Each value becomes `{ [wrap]: value }`. */
  wrap?: string;
}

const MEDIA_HELP = 'URL, data URI, or local path (read here and staged for the worker)';

/** Flags that set one Vidu request field; a kind offers those whose field its request has. */
export const REQUEST_FLAGS: readonly RequestFlag[] = [
  {
    flag: 'model',
    key: 'model',
    field: 'model',
    value: 'string',
    placeholder: '<name>',
    help: 'Vidu model, e.g. viduq2-pro',
  },
  {
    flag: 'image',
    key: 'image',
    field: 'images',
    value: 'media-list',
    placeholder: '<ref>',
    help: `input image, repeatable: ${MEDIA_HELP}`,
  },
  {
    flag: 'video',
    key: 'video',
    field: 'videos',
    value: 'media-list',
    placeholder: '<ref>',
    help: `reference video, repeatable: ${MEDIA_HELP}`,
  },
  {
    flag: 'image-url',
    key: 'imageUrl',
    field: 'image_url',
    value: 'media',
    placeholder: '<ref>',
    help: `the person image: ${MEDIA_HELP}`,
  },
  {
    flag: 'video-url',
    key: 'videoUrl',
    field: 'video_url',
    value: 'media',
    placeholder: '<ref>',
    help: `the input video (image2dance: the dance; extend, upscale: also vidu-flow:<workflowId>/<creationId>, an earlier result): ${MEDIA_HELP}`,
  },
  { flag: 'prompt', key: 'prompt', field: 'prompt', value: 'string', placeholder: '<text>', help: 'text prompt' },
  {
    flag: 'duration',
    key: 'duration',
    field: 'duration',
    value: 'int',
    placeholder: '<seconds>',
    help: 'video length in seconds',
  },
  {
    flag: 'resolution',
    key: 'resolution',
    field: 'resolution',
    value: 'string',
    placeholder: '<res>',
    help: 'e.g. 540p, 720p, 1080p',
  },
  {
    flag: 'aspect-ratio',
    key: 'aspectRatio',
    field: 'aspect_ratio',
    value: 'string',
    placeholder: '<ratio>',
    help: 'e.g. 16:9, 9:16, 1:1',
  },
  {
    flag: 'movement-amplitude',
    key: 'movementAmplitude',
    field: 'movement_amplitude',
    value: 'string',
    placeholder: '<amp>',
    help: 'auto, small, medium or large',
  },
  { flag: 'seed', key: 'seed', field: 'seed', value: 'int', placeholder: '<n>', help: 'random seed (0 = random)' },
  {
    flag: 'off-peak',
    key: 'offPeak',
    field: 'off_peak',
    value: 'bool',
    help: 'off-peak mode: cheaper, done within 48 h (--no-off-peak to turn off)',
  },
  { flag: 'audio', key: 'audio', field: 'audio', value: 'bool', help: 'generate audio (--no-audio to turn off)' },
  {
    flag: 'watermark',
    key: 'watermark',
    field: 'watermark',
    value: 'bool',
    help: 'add a watermark (--no-watermark to turn off)',
  },
  {
    flag: 'payload',
    key: 'payload',
    field: 'payload',
    value: 'string',
    placeholder: '<text>',
    help: 'passed through to the task',
  },
];

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * The common flags and every flag an endpoint declares for its own fields. One name may set
 * different fields on different endpoints (--voice-id: audio-tts's voice_setting_voice_id,
 * lip-sync's voice_id); `flagsFor` picks the one a kind takes.
 */
export const ALL_REQUEST_FLAGS: readonly RequestFlag[] = (() => {
  const flags = [...REQUEST_FLAGS];
  for (const spec of Object.values(ENDPOINTS) as EndpointSpec[]) {
    for (const f of spec.cli?.flags ?? []) {
      if (!flags.some((known) => known.flag === f.flag && known.field === f.field))
        flags.push({ ...f, key: camel(f.flag) as keyof GenerateFlags });
    }
  }
  return flags;
})();

/** Common flags that set a differently named field for this kind (e.g. image2dance's --image → image_url). */
export function aliasesOf(kind: GenerationKind): Readonly<Record<string, string>> {
  return (ENDPOINTS[kind] as EndpointSpec).cli?.aliases ?? {};
}

function requestFields(kind: GenerationKind): Set<string> {
  return new Set(Object.keys(CREATE_ENDPOINTS[kind].request.shape));
}

/** Every request flag name once, as `vidu-flow <kind>` reads it: the declaration whose field the kind has, else the first. */
export function flagsFor(kind: GenerationKind): RequestFlag[] {
  const offered = (f: RequestFlag) => requestFields(kind).has(f.field) || Object.hasOwn(aliasesOf(kind), f.key);
  const byName = new Map<string, RequestFlag>();
  for (const f of ALL_REQUEST_FLAGS) {
    const known = byName.get(f.flag);
    if (!known || (!offered(known) && offered(f))) byName.set(f.flag, f);
  }
  return [...byName.values()];
}

/** The request flags `vidu-flow <kind>` accepts: those whose field its request has, and its aliases. */
export function requestFlagsFor(kind: GenerationKind): RequestFlag[] {
  const fields = requestFields(kind);
  const aliases = aliasesOf(kind);
  return flagsFor(kind).filter((f) => fields.has(f.field) || Object.hasOwn(aliases, f.key));
}

export interface StartPlan {
  kind: GenerationKind;
  input: GenerationInput;
  start: StartOptions;
  /** Absolute local paths among the media, for a friendly existence check before starting. */
  localFiles: string[];
}

export interface PlanContext {
  cwd: string;
  readFile(file: string): string;
  /** The clock for `--not-before +10m` (default: now). */
  now?: () => Date;
}

function absolutize(kind: GenerationKind, request: Record<string, unknown>, base: string): void {
  for (const slot of mediaSlots(kind, request)) slot.set(resolveLocalPath(slot.value, base));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** commander's argParser for a repeatable flag: every value given, in order. */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Reads a whole-number flag, or records an issue naming the flag. */
export function parseInteger(flag: string, raw: string, issues: string[]): number | undefined {
  const text = raw.trim();
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    issues.push(`--${flag} must be an integer (got ${JSON.stringify(raw)})`);
    return undefined;
  }
  return Number(text);
}

/** Reads a numeric flag, or records an issue naming the flag. */
export function parseNumber(flag: string, raw: string, issues: string[]): number | undefined {
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(n)) {
    issues.push(`--${flag} must be a number (got ${JSON.stringify(raw)})`);
    return undefined;
  }
  return n;
}

interface Loaded {
  request: Record<string, unknown>;
  options: GenerationOptions;
}

/**
 * `--request` holds inline JSON or `@file.json`: either the Vidu body itself, or a whole input
 * `{ request, options }` (optionally with `kind`, as in a batch-file line). Media paths in a file
 * are relative to that file.
 */
function loadRequest(kind: GenerationKind, raw: string, ctx: PlanContext, issues: string[]): Loaded | undefined {
  let text = raw;
  let base = ctx.cwd;
  let where = '--request';
  if (raw.startsWith('@')) {
    const file = path.resolve(ctx.cwd, raw.slice(1));
    where = `--request ${raw}`;
    base = path.dirname(file);
    try {
      text = ctx.readFile(file);
    } catch (err) {
      issues.push(`${where}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      return undefined;
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    issues.push(`${where}: not valid JSON (${(err as Error).message})`);
    return undefined;
  }
  if (!isObject(parsed)) {
    issues.push(`${where}: must be a JSON object (the Vidu request body, or { request, options })`);
    return undefined;
  }
  let request: Record<string, unknown> = parsed;
  let options: GenerationOptions = {};
  // A Vidu body never has a `request` field, so this shape is unambiguous.
  if (isObject(parsed.request)) {
    const { kind: fileKind, request: body, options: fileOptions, ...rest } = parsed;
    for (const key of Object.keys(rest))
      issues.push(`${where}: unknown field ${JSON.stringify(key)} next to request; expected request, options and kind`);
    if (fileKind !== undefined && fileKind !== kind)
      issues.push(`${where}: the file is for kind ${JSON.stringify(fileKind)}, not ${kind}`);
    if (fileOptions !== undefined && !isObject(fileOptions)) issues.push(`${where}: options must be an object`);
    request = body;
    options = isObject(fileOptions) ? (fileOptions as GenerationOptions) : {};
  }
  request = structuredClone(request);
  absolutize(kind, request, base);
  return { request, options: structuredClone(options) };
}

/**
 * Maps the flags of `vidu-flow <kind>` to the workflow input and start options. Throws UsageError
 * listing every problem it can see (unknown kind, bad numbers, bad --request, flags the kind does
 * not take). It does not judge the request itself: see `prepareStart`.
 */
export function buildStartPlan(kind: string, flags: GenerateFlags, ctx: PlanContext): StartPlan {
  if (!isGenerationKind(kind)) {
    throw new UsageError([`unknown kind ${JSON.stringify(kind)}; expected one of ${GENERATION_KINDS.join(', ')}`]);
  }
  const issues: string[] = [];
  const loaded = flags.request !== undefined ? loadRequest(kind, flags.request, ctx, issues) : undefined;
  const request: Record<string, unknown> = loaded?.request ?? {};
  const fields = requestFields(kind);

  const aliases = aliasesOf(kind);
  for (const spec of flagsFor(kind)) {
    const value = flags[spec.key];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    let field = spec.field;
    let valueKind = spec.value;
    if (Object.hasOwn(aliases, spec.key)) {
      field = aliases[spec.key] as string;
      valueKind = 'media';
    }
    if (!fields.has(field)) {
      issues.push(`--${spec.flag} does not apply to ${kind} (its request has no ${field} field)`);
      continue;
    }
    switch (valueKind) {
      case 'string':
        request[field] = String(value);
        break;
      case 'bool':
        request[field] = value === true;
        break;
      case 'int': {
        const n = parseInteger(spec.flag, String(value), issues);
        if (n !== undefined) request[field] = n;
        break;
      }
      case 'number': {
        const n = parseNumber(spec.flag, String(value), issues);
        if (n !== undefined) request[field] = n;
        break;
      }
      case 'media': {
        const list = Array.isArray(value) ? value : [String(value)];
        if (list.length > 1) {
          issues.push(`--${spec.flag} takes one value for ${kind} (got ${list.length})`);
          break;
        }
        const ref = list[0] as string;
        request[field] = resolveLocalPath(ref, ctx.cwd);
        break;
      }
      case 'media-list': {
        const list = Array.isArray(value) ? value : [String(value)];
        const refs = list.map((ref) => resolveLocalPath(ref, ctx.cwd));
        request[field] = spec.wrap ? refs.map((ref) => ({ [spec.wrap as string]: ref })) : refs;
        break;
      }
    }
  }
  // Both spellings of one field, e.g. image2dance's --image and --image-url.
  for (const [alias, field] of Object.entries(aliases)) {
    const own = ALL_REQUEST_FLAGS.find((f) => f.field === field);
    const given = (key: string) =>
      flags[key] !== undefined && !(Array.isArray(flags[key]) && (flags[key] as unknown[]).length === 0);
    if (own && given(alias) && given(String(own.key)))
      issues.push(`--${alias} and --${own.flag} name the same field for ${kind}; give one`);
  }

  const options: GenerationOptions = { ...(loaded?.options ?? {}) };
  applyStartFlagOptions(options, flags, issues);
  const start = startOptionsFrom(flags, flags.idempotencyKey ?? options.idempotencyKey, ctx, issues);

  if (issues.length > 0) throw new UsageError(issues);

  const input: GenerationInput = Object.keys(options).length > 0 ? { request, options } : { request };
  const localFiles = mediaSlots(kind, structuredClone(request))
    .map((slot) => slot.value)
    .filter(isLocalPath);
  return { kind, input, start, localFiles };
}

/** buildStartPlan, then the same input checks the client runs before starting: all issues at once. */
export function prepareStart(kind: string, flags: GenerateFlags, ctx: PlanContext): StartPlan {
  const plan = buildStartPlan(kind, flags, ctx);
  const issues = checkGenerationInput(plan.kind, plan.input).map((line) =>
    withFlagHint(line, flags, START_OPTION_FLAGS),
  );
  if (issues.length > 0) throw new UsageError(issues);
  return plan;
}

/** The workflow options the shared start flags set; GenerationOptions and AdFilmOptions both have them. */
type StartFlagOptions = Pick<GenerationOptions, 'waitMode' | 'archive' | 'timeoutSeconds' | 'poll' | 'idempotencyKey'>;

/** Sets what --wait-mode, --no-archive, --timeout, --poll-initial and --idempotency-key give on `options`; bad numbers go to `issues`. */
export function applyStartFlagOptions(options: StartFlagOptions, flags: StartFlags, issues: string[]): void {
  if (flags.waitMode !== undefined) options.waitMode = flags.waitMode as StartFlagOptions['waitMode'];
  if (flags.archive === false) options.archive = false;
  if (flags.timeout !== undefined) {
    const n = parseNumber('timeout', flags.timeout, issues);
    if (n !== undefined) options.timeoutSeconds = n;
  }
  if (flags.pollInitial !== undefined) {
    const n = parseNumber('poll-initial', flags.pollInitial, issues);
    if (n !== undefined) options.poll = { ...options.poll, initialSeconds: n };
  }
  if (flags.idempotencyKey !== undefined) options.idempotencyKey = flags.idempotencyKey;
}

/** The start options of --not-before and --workflow-id (problems go to `issues`), and the idempotency key. */
export function startOptionsFrom(
  flags: StartFlags,
  idempotencyKey: string | undefined,
  ctx: PlanContext,
  issues: string[],
): StartOptions {
  const start: StartOptions = {};
  applyNotBefore(start, flags.notBefore, ctx.now?.() ?? new Date(), issues);
  if (flags.workflowId !== undefined) {
    issues.push(...workflowIdIssues(flags.workflowId, '--workflow-id'));
    start.workflowId = flags.workflowId;
  }
  if (idempotencyKey !== undefined) start.idempotencyKey = idempotencyKey;
  return start;
}

/** An input field path, the key of the flag that sets it, and that flag as the user types it. */
export type FieldFlag<F> = readonly [path: string, key: keyof F, flag: string];

/** The option paths the shared start flags set. */
export const START_OPTION_FLAGS: readonly FieldFlag<StartFlags>[] = [
  ['options.timeoutSeconds', 'timeout', '--timeout'],
  ['options.poll.initialSeconds', 'pollInitial', '--poll-initial'],
  ['options.waitMode', 'waitMode', '--wait-mode'],
  ['options.idempotencyKey', 'idempotencyKey', '--idempotency-key'],
];

/** Points an input issue (`<path>: …` or `<path>[i]…`) at the flag the user typed for that path. */
export function withFlagHint<F>(line: string, flags: F, table: readonly FieldFlag<F>[]): string {
  for (const [prefix, key, flag] of table) {
    if (flags[key] !== undefined && (line.startsWith(`${prefix}:`) || line.startsWith(`${prefix}[`)))
      return `${line} (${flag})`;
  }
  return line;
}
