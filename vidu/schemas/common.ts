import { z } from 'zod';
import { fieldLabel, named, show } from './fields';

// `scheduled` is missing from every documented state enum, yet the cancel
// endpoint answers "task state is scheduled, can not cancel" (docs/vidu-api.md §8, §11),
// so responses can carry it.
export const TaskState = z.enum(['created', 'queueing', 'scheduled', 'processing', 'success', 'failed'], named);
export type TaskState = z.infer<typeof TaskState>;

export const TERMINAL_STATES: readonly TaskState[] = Object.freeze(['success', 'failed'] as const);

export function isTerminalState(state: string): state is 'success' | 'failed' {
  return state === 'success' || state === 'failed';
}

// docs/vidu-api.md §12 item 4: the CN img2video schema types off_peak/watermark/audio/is_rec
// as strings ("true"/"false") while other pages and every response use JSON
// booleans. Accept both; the parsed value is always a boolean so what we send
// upstream matches the responses.
/** What BoolLike reads as true: `true` or the string "true". For raw, unparsed requests too. */
export function isTrueLike(v: unknown): boolean {
  return v === true || v === 'true';
}

export const BoolLike = z
  .custom<boolean | 'true' | 'false'>((v) => typeof v === 'boolean' || v === 'true' || v === 'false', {
    error: (iss) =>
      `${fieldLabel(iss.path)} must be true or false (the strings "true"/"false" are also accepted; got ${show(iss.input)})`,
  })
  .transform(isTrueLike);
export type BoolLike = z.infer<typeof BoolLike>;

// docs/vidu-api.md §12 items 3 and 5: seed is a string in the CN schema and proxy examples
// ("seed":"0") but an integer in the EN docs and all responses; duration is
// `number` in one schema and Int elsewhere. Accept an integer or a string of
// digits; the parsed value is always a number.
const DIGITS = /^\d{1,15}$/;
export const IntLike = z
  .custom<number | `${number}`>(
    (v) => (typeof v === 'number' && Number.isSafeInteger(v)) || (typeof v === 'string' && DIGITS.test(v)),
    { error: (iss) => `${fieldLabel(iss.path)} must be an integer or a string of digits (got ${show(iss.input)})` },
  )
  .transform((v) => (typeof v === 'number' ? v : Number(v)));
export type IntLike = z.infer<typeof IntLike>;

/** IntLike restricted to [min, max]; `unit` is appended to the bounds in the message. */
export function intLikeIn(min: number, max: number, unit = '') {
  return IntLike.refine((n) => n >= min && n <= max, {
    error: (iss) => `${fieldLabel(iss.path)} must be between ${min} and ${max}${unit} (got ${show(iss.input)})`,
  });
}

// docs/vidu-api.md §0: media is passed as a public URL or a data URI whose content-type
// prefix is mandatory (`data:image/png;base64,...`). Decoding and size checks
// belong to vidu/media; here only the shape is checked.
const HTTP_URL = /^https?:\/\//i;
const DATA_URI = /^data:[\w.+-]+\/[\w.+-]+(?:;[\w.+-]+=[\w.+-]+)*;base64,./i;

export function isHttpUrl(s: string): boolean {
  if (!HTTP_URL.test(s)) return false;
  try {
    return new URL(s).hostname !== '';
  } catch {
    return false;
  }
}

export function isMediaRef(s: string): boolean {
  return DATA_URI.test(s) || isHttpUrl(s);
}

export const MediaRef = z.string(named).refine(isMediaRef, {
  error: (iss) =>
    `${fieldLabel(iss.path)} must be an http(s) URL or a data URI like data:image/png;base64,... (got ${show(iss.input)})`,
});

// Vidu counts "characters"; counting code points rather than UTF-16 units is
// the liberal reading (an emoji is one character to a user). Only strings
// whose UTF-16 length is over the limit can be over it in code points.
function codePoints(s: string, limit: number): number {
  if (s.length <= limit) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export const PAYLOAD_MAX = 1_048_576;
export const Payload = z.string(named).refine((s) => codePoints(s, PAYLOAD_MAX) <= PAYLOAD_MAX, {
  error: (iss) =>
    `payload must be at most ${PAYLOAD_MAX} characters (got ${typeof iss.input === 'string' ? codePoints(iss.input, PAYLOAD_MAX) : show(iss.input)})`,
});

// docs/vidu-api.md §12 item 9: prompt limits of 1500 (old EN), 2000 (CN, most pages) and
// 5000 (q3 / q2-pro reference, third-party) all appear; 2000 is what the
// current official pages for these endpoints state.
export const PROMPT_MAX = 2000;
export const Prompt = z.string(named).refine((s) => codePoints(s, PROMPT_MAX) <= PROMPT_MAX, {
  error: (iss) =>
    `prompt must be at most ${PROMPT_MAX} characters (got ${typeof iss.input === 'string' ? codePoints(iss.input, PROMPT_MAX) : show(iss.input)})`,
});

// Where a prompt is required, Vidu answers an empty one with FieldLacking
// ("missing/empty field(s)", docs/vidu-api.md §9), so empty counts as missing.
export const RequiredPrompt = Prompt.refine((s) => s.length > 0, {
  error: () => 'prompt is required and must not be empty',
});

export const CallbackUrl = z.string(named).refine(isHttpUrl, {
  error: (iss) => `callback_url must be an http(s) URL (got ${show(iss.input)})`,
});

// client_request_id is vidu-flow's idempotency key. Only seed img2video.zh.txt
// shows it (docs/vidu-api.md §11, §12 item 7), echoed as "" when unset; the 128-char cap
// is ours, so keys stay short enough for any plausible server-side column.
export const CLIENT_REQUEST_ID_MAX = 128;
export const ClientRequestId = z.string(named).max(CLIENT_REQUEST_ID_MAX);

/** JSON Schema length bounds of the text schemas made by `textUpTo`, read by contract/json-schemas.ts. */
export const TEXT_BOUNDS = new WeakMap<z.ZodType, { minLength?: number; maxLength: number }>();

/**
 * A text field of at most `max` characters (code points, as for prompt), named in its messages;
 * `required` also refuses the empty string (Vidu answers FieldLacking for an empty field).
 */
export function textUpTo(field: string, max: number, required = false) {
  const base = z.string(named).refine((s) => codePoints(s, max) <= max, {
    error: (iss) =>
      `${field} must be at most ${max} characters (got ${typeof iss.input === 'string' ? codePoints(iss.input, max) : show(iss.input)})`,
  });
  const schema = required
    ? base.refine((s) => s.length > 0, { error: () => `${field} is required and must not be empty` })
    : base;
  TEXT_BOUNDS.set(schema, required ? { minLength: 1, maxLength: max } : { maxLength: max });
  return schema;
}

/** A number (or a string holding one) within [min, max]; `unit` is appended to the bounds in the message. */
export function numberLikeIn(min: number, max: number, unit = '') {
  return z
    .custom<number | `${number}`>(
      (v) => (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)),
      {
        error: (iss) => `${fieldLabel(iss.path)} must be a number (got ${show(iss.input)})`,
      },
    )
    .transform((v) => Number(v))
    .refine((n) => n >= min && n <= max, {
      error: (iss) => `${fieldLabel(iss.path)} must be between ${min} and ${max}${unit} (got ${show(iss.input)})`,
    });
}
