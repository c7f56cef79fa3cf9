// The operator's prices file (VIDU_FLOW_PRICES_FILE): a JSON list of table entries, each replacing
// the built-in entry of the same kind and model (or pricing one the table leaves unknown), so a
// re-pricing by Vidu needs no release. Checked here, entry by entry; every problem names the
// entry (its index, kind and model) and the rule it breaks. Reading the file is
// platform/config/prices-file.ts's job.
import { z } from 'zod';
import { ENDPOINTS, isGenerationKind, type EndpointSpec } from '../endpoints';
import { FILM_PRICED_KINDS, type PricedKind } from './estimate';
import type { PriceEntry } from './rules';

const credits = z
  .number({ error: 'must be a number of credits' })
  .int('must be a whole number of credits')
  .min(0, 'must not be negative');
const positive = z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1');
const byResolution = z
  .record(z.string().min(1), credits)
  .refine((r) => Object.keys(r).length > 0, 'must price at least one resolution');

const Curve = z
  .strictObject({
    fixed: z.record(z.string().regex(/^\d+$/, 'keys are durations in whole seconds'), credits).optional(),
    base: credits.optional(),
    step: credits.optional(),
    from: z.number().int('must be a whole number of seconds').min(0, 'must not be negative').optional(),
  })
  .refine((c) => c.fixed !== undefined || c.base !== undefined, 'needs `fixed` prices or a `base` (with `step`)');

const Rule = z.discriminatedUnion(
  'per',
  [
    z.strictObject({
      per: z.literal('video'),
      resolutions: z
        .record(z.string().min(1), Curve)
        .refine((r) => Object.keys(r).length > 0, 'must price at least one resolution'),
      perSegment: z.boolean().optional(),
    }),
    z.strictObject({
      per: z.literal('image'),
      tiers: z
        .array(z.strictObject({ maxReferences: z.number().int().min(0), credits: byResolution }))
        .min(1, 'needs at least one tier'),
    }),
    z.strictObject({
      per: z.literal('length'),
      tiers: z
        .array(z.strictObject({ underSeconds: z.number().positive().optional(), credits }))
        .min(1, 'needs at least one tier'),
    }),
    z.strictObject({ per: z.literal('characters'), characters: positive, credits }),
    z.strictObject({ per: z.literal('source-seconds'), seconds: positive, credits: byResolution }),
    z.strictObject({ per: z.literal('call'), credits }),
    z.strictObject({ per: z.literal('unknown'), reason: z.string().min(1) }),
  ],
  { error: 'rule.per must be one of video, image, length, characters, source-seconds, call, unknown' },
);

const Entry = z.strictObject({
  kind: z.string({ error: 'kind is required' }),
  model: z.string({ error: 'model is required (`*` for endpoints without a model)' }),
  rule: Rule,
  offPeak: z.enum(['half', 'none']).optional(),
  audio: credits.optional(),
  isRec: credits.optional(),
  lipSyncPerSecond: credits.optional(),
  source: z
    .string({ error: 'source is required: where the figure comes from' })
    .min(1, 'source must say where the figure comes from'),
  readOn: z
    .string({ error: 'readOn is required (YYYY-MM-DD)' })
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'readOn must be a date, YYYY-MM-DD'),
  note: z.string().optional(),
});

export const PricesFileSchema = z.array(z.unknown(), { error: 'the prices file must be a JSON list of price entries' });
export type PricesFile = PriceEntry[];

/** The models an entry of `kind` may name: the endpoint's model table, `*` without one, edit types for AD edits. */
function modelsOf(kind: PricedKind): readonly string[] {
  if (kind === 'adFilmEdit') return ['generate_video', 'generate_narration', 'generate_bgm'];
  if (kind === 'musicVideoEdit') return ['generate_video'];
  if (kind === 'adFilm' || kind === 'adFilmCompose' || kind === 'musicVideo' || kind === 'musicVideoCompose')
    return ['*'];
  const table = (ENDPOINTS[kind] as EndpointSpec).models;
  return table ? Object.keys(table.models) : ['*'];
}

function entryName(i: number, raw: unknown): string {
  const r = (raw ?? {}) as { kind?: unknown; model?: unknown };
  const what = [r.kind, r.model].filter((v) => typeof v === 'string').join(' ');
  return `prices[${i}]${what ? ` (${what})` : ''}`;
}

/** Checks a parsed JSON value; returns the entries, or every problem, one line each. */
export function parsePricesFile(json: unknown): { ok: true; entries: PricesFile } | { ok: false; problems: string[] } {
  const list = PricesFileSchema.safeParse(json);
  if (!list.success) return { ok: false, problems: [list.error.issues[0]?.message ?? 'not a list'] };
  const problems: string[] = [];
  const entries: PriceEntry[] = [];
  const seen = new Map<string, number>();
  list.data.forEach((raw, i) => {
    const name = entryName(i, raw);
    const parsed = Entry.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`${name}: ${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
      return;
    }
    const e = parsed.data;
    if (!isGenerationKind(e.kind) && !(FILM_PRICED_KINDS as readonly string[]).includes(e.kind)) {
      problems.push(
        `${name}: kind: unknown kind ${JSON.stringify(e.kind)}; expected a generation kind or ${FILM_PRICED_KINDS.join(', ')}`,
      );
      return;
    }
    const models = modelsOf(e.kind as PricedKind);
    if (!models.includes(e.model)) {
      problems.push(
        `${name}: model: unknown model ${JSON.stringify(e.model)} for ${e.kind}; expected one of ${models.join(', ')}`,
      );
      return;
    }
    const k = `${e.kind} ${e.model}`;
    if (seen.has(k)) {
      problems.push(`${name}: ${k} is already priced by prices[${seen.get(k)}]; one entry per kind and model`);
      return;
    }
    seen.set(k, i);
    entries.push(e as PriceEntry);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, entries };
}
