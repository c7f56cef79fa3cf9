// The price of a request before it is submitted: estimateCredits(kind, request) reads the fields
// that change the price (model, resolution, duration, off_peak, audio, is_rec, reference count,
// text length, source length) with the registry's defaults, and applies the table entry
// (vidu/prices/table.ts, or an operator's override). Pure: no I/O, no clock, so the stage
// activity, the CLI, the API, the simulator and a budget reservation all get the same figure.
import { ENDPOINTS, isGenerationKind, type EndpointSpec, type GenerationKind } from '../endpoints';
import { EXTEND_DEFAULT_SECONDS } from '../endpoints/extend';
import { SEGMENT_DEFAULT_SECONDS } from '../endpoints/multiframe';
import { TEXT2AUDIO_DEFAULT_SECONDS } from '../endpoints/text2audio';
import { lookup, resolutionRuleFor, type VideoModelSpec } from '../model-matrix';
import { curveCredits, type PriceEntry, type PriceRule } from './rules';
import { PRICE_TABLE } from './table';
import { isTrueLike } from '../schemas/common';

/** What can be priced: a generation kind, or one of the AD film's or the music video's calls. */
export type PricedKind = GenerationKind | (typeof FILM_PRICED_KINDS)[number];
export const AD_FILM_PRICED_KINDS = ['adFilm', 'adFilmEdit', 'adFilmCompose'] as const;
export const MUSIC_VIDEO_PRICED_KINDS = ['musicVideo', 'musicVideoEdit', 'musicVideoCompose'] as const;
/** Every call of a one-click film that has a price entry of its own. */
export const FILM_PRICED_KINDS = [...AD_FILM_PRICED_KINDS, ...MUSIC_VIDEO_PRICED_KINDS] as const;

export function isPricedKind(value: unknown): value is PricedKind {
  return isGenerationKind(value) || (FILM_PRICED_KINDS as readonly unknown[]).includes(value);
}

/**
 * The longest audio a music video takes (docs/vidu-api-more-endpoints.md §10.1: 10–180 s): the
 * lip-sync surcharge is estimated on it until the audio has been read (estimate high).
 */
export const MUSIC_VIDEO_MAX_AUDIO_SECONDS = 180;

export interface Estimate {
  /** The estimated credits; 0 when `unpriced`. */
  credits: number;
  /** How the figure was reached, in one line (entry, fields, rules applied, source and date). */
  basis: string;
  /** Why no price could be given (no table entry, an unknown price, a length not known before staging). */
  unpriced?: string;
  /** The table entry used: its key and where its figures come from. */
  entry?: { kind: string; model: string; source: string; readOn: string; override?: boolean };
}

/** Facts about the inputs known only once they are read (the stage activity probes them). */
export interface PriceFacts {
  /** Length of the source video in seconds (upscale, lip-sync: video_url). */
  sourceSeconds?: number;
  /** Length of the audio in seconds (the music video's audio_url: its lip-sync surcharge). */
  audioSeconds?: number;
}

/** The table the estimates read: the built-in entries, with an operator's entries in their place. */
export class PriceTable {
  private readonly entries = new Map<string, PriceEntry & { override?: boolean }>();

  constructor(overrides: readonly PriceEntry[] = []) {
    for (const e of PRICE_TABLE) this.entries.set(key(e.kind, e.model), e);
    for (const e of overrides) this.entries.set(key(e.kind, e.model), { ...e, override: true });
  }

  entry(kind: string, model: string): (PriceEntry & { override?: boolean }) | undefined {
    return this.entries.get(key(kind, model));
  }

  all(): Array<PriceEntry & { override?: boolean }> {
    return [...this.entries.values()];
  }
}

/** A registry entry, widened (ENDPOINTS' literal types differ per kind). */
const specOf = (kind: GenerationKind): EndpointSpec => ENDPOINTS[kind];

const key = (kind: string, model: string) => `${kind}\u0000${model}`;

export const DEFAULT_PRICE_TABLE = new PriceTable();

// --- lenient field readers: the estimate reads raw requests (local paths and all), validation is the stage's job ---

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The model an entry is filed under: the request's model, `*` for endpoints without one, the edit type for AD edits. */
function modelOf(kind: PricedKind, r: Record<string, unknown>): string | undefined {
  if (kind === 'adFilmEdit' || kind === 'musicVideoEdit') return str(r.type);
  if (kind === 'adFilm' || kind === 'adFilmCompose' || kind === 'musicVideo' || kind === 'musicVideoCompose')
    return '*';
  return specOf(kind).models ? str(r.model) : '*';
}

interface Priced {
  base: number;
  /** The fields read, for the basis line. */
  fields: string;
}

/**
 * The estimate of one request. `table` defaults to the built-in prices; pass the operator's
 * (platform/config/prices-file.ts) where VIDU_FLOW_PRICES_FILE applies.
 */
export function estimateCredits(
  kind: PricedKind,
  request: Record<string, unknown>,
  opts: { table?: PriceTable; facts?: PriceFacts } = {},
): Estimate {
  const table = opts.table ?? DEFAULT_PRICE_TABLE;
  const model = modelOf(kind, request);
  if (model === undefined) return unpriced(`${kind}: no model in the request`);
  const entry = table.entry(kind, model);
  if (!entry) return unpriced(`${kind}: no price entry for model ${JSON.stringify(model)}`);
  const label = model === '*' ? kind : `${kind} ${model}`;
  const info = {
    kind: entry.kind,
    model: entry.model,
    source: entry.source,
    readOn: entry.readOn,
    ...(entry.override ? { override: true } : {}),
  };
  const priced = applyRule(kind, entry.rule, request, opts.facts ?? {});
  if ('unpriced' in priced)
    return { credits: 0, basis: `${label}: unpriced`, unpriced: `${label}: ${priced.unpriced}`, entry: info };
  let credits = priced.base;
  const steps = [`${label} ${priced.fields}: ${priced.base}`];
  if (isTrueLike(request.off_peak) && isOffPeakKind(kind)) {
    if ((entry.offPeak ?? 'half') === 'half') {
      // docs/vidu-pricing.md "Rules for every model": half the normal price, fractions rounded up.
      credits = Math.ceil(credits / 2);
      steps.push(`off-peak half, rounded up: ${credits}`);
    } else steps.push('off-peak not offered: full price');
  }
  if (entry.audio && isTrueLike(request.audio)) {
    credits += entry.audio;
    steps.push(`audio +${entry.audio}`);
  }
  if (entry.isRec && isTrueLike(request.is_rec)) {
    credits += entry.isRec;
    steps.push(`is_rec +${entry.isRec}`);
  }
  if (entry.lipSyncPerSecond && isTrueLike(request.lip_sync)) {
    const known = opts.facts?.audioSeconds;
    const seconds = Math.ceil(known ?? MUSIC_VIDEO_MAX_AUDIO_SECONDS);
    credits += entry.lipSyncPerSecond * seconds;
    steps.push(
      `lip_sync +${entry.lipSyncPerSecond} × ${seconds} s${known === undefined ? ' (the longest audio: its length is read at staging)' : ' of audio'}`,
    );
  }
  const from = `${entry.override ? 'operator prices file' : 'built-in table'}, ${entry.source}, read ${entry.readOn}`;
  return { credits, basis: `${steps.join('; ')} = ${credits} credits (${from})`, entry: info };
}

function unpriced(reason: string): Estimate {
  return { credits: 0, basis: 'unpriced', unpriced: reason };
}

/** Off-peak is a field of the video generation endpoints only. */
function isOffPeakKind(kind: PricedKind): boolean {
  return isGenerationKind(kind) && 'off_peak' in specOf(kind).request.shape;
}

function applyRule(
  kind: PricedKind,
  rule: PriceRule,
  r: Record<string, unknown>,
  facts: PriceFacts,
): Priced | { unpriced: string } {
  switch (rule.per) {
    case 'unknown':
      return { unpriced: rule.reason };
    case 'call':
      return { base: rule.credits, fields: 'per call' };
    case 'video':
      return videoPrice(kind, rule, r);
    case 'image': {
      const resolution = str(r.resolution) ?? imageDefaultResolution(kind, r) ?? '1080p';
      const refs = Array.isArray(r.images) ? r.images.length : 0;
      const tier = rule.tiers.find((t) => refs <= t.maxReferences);
      const credits = tier && Object.hasOwn(tier.credits, resolution) ? tier.credits[resolution] : undefined;
      if (credits === undefined) return { unpriced: `no price for ${refs} reference image(s) at ${resolution}` };
      return { base: credits, fields: `${resolution}, ${refs} reference image(s)` };
    }
    case 'length': {
      const seconds = num(r.duration) ?? TEXT2AUDIO_DEFAULT_SECONDS;
      const tier = rule.tiers.find((t) => t.underSeconds === undefined || seconds < t.underSeconds);
      if (!tier) return { unpriced: `no price for ${seconds} s` };
      return { base: tier.credits, fields: `${seconds} s` };
    }
    case 'characters': {
      const text = typeof r.text === 'string' ? r.text : '';
      const chars = [...text].length;
      const blocks = Math.max(1, Math.ceil(chars / rule.characters));
      return { base: blocks * rule.credits, fields: `${chars} characters (${blocks} × ${rule.characters})` };
    }
    case 'source-seconds': {
      const seconds = facts.sourceSeconds;
      if (seconds === undefined)
        return {
          unpriced:
            "the source video's length is not known before its inputs are read (pass video_url; a video_creation_id alone has no known length)",
        };
      const resolution =
        str(r.upscale_resolution) ?? str(r.resolution) ?? (Object.hasOwn(rule.credits, '*') ? '*' : '1080p');
      const rate = Object.hasOwn(rule.credits, resolution)
        ? rule.credits[resolution]
        : Object.hasOwn(rule.credits, '*')
          ? rule.credits['*']
          : undefined;
      if (rate === undefined) return { unpriced: `no price at ${resolution}` };
      const blocks = Math.max(1, Math.ceil(seconds / rule.seconds));
      return {
        base: blocks * rate,
        fields: `${resolution === '*' ? '' : `${resolution}, `}${seconds} s source (${blocks} × ${rule.seconds} s)`,
      };
    }
  }
}

function videoPrice(
  kind: PricedKind,
  rule: Extract<PriceRule, { per: 'video' }>,
  r: Record<string, unknown>,
): Priced | { unpriced: string } {
  const spec = videoSpec(kind, r);
  const duration = num(r.duration) ?? (kind === 'extend' ? EXTEND_DEFAULT_SECONDS : (spec?.defaultDuration ?? 5));
  const resolution =
    str(r.resolution) ??
    (spec ? (resolutionRuleFor(spec, duration) ?? spec.resolutionRules[0])?.defaultResolution : undefined) ??
    '720p';
  const curve = Object.hasOwn(rule.resolutions, resolution) ? rule.resolutions[resolution] : undefined;
  if (!curve) return { unpriced: `no price at ${resolution}` };
  if (rule.perSegment) {
    const segments = Array.isArray(r.image_settings)
      ? r.image_settings.map((s: { duration?: unknown }) => num(s?.duration) ?? SEGMENT_DEFAULT_SECONDS)
      : [];
    if (segments.length === 0) return { unpriced: 'no key-frame segments (image_settings) to price' };
    let sum = 0;
    for (const d of segments) {
      const c = curveCredits(curve, d);
      if (c === undefined) return { unpriced: `no price for a ${d} s segment at ${resolution}` };
      sum += c;
    }
    return { base: sum, fields: `${resolution}, segments ${segments.join('+')} s` };
  }
  const credits = curveCredits(curve, duration);
  if (credits === undefined) return { unpriced: `no price for ${duration} s at ${resolution}` };
  return { base: credits, fields: `${resolution}, ${duration} s` };
}

function videoSpec(kind: PricedKind, r: Record<string, unknown>): VideoModelSpec | undefined {
  if (!isGenerationKind(kind)) return undefined;
  const table = specOf(kind).models;
  const model = str(r.model);
  if (table?.type !== 'video' || model === undefined) return undefined;
  return lookup(table.models, model);
}

function imageDefaultResolution(kind: PricedKind, r: Record<string, unknown>): string | undefined {
  if (!isGenerationKind(kind)) return undefined;
  const table = specOf(kind).models;
  const model = str(r.model);
  if (table?.type !== 'image' || model === undefined) return undefined;
  return lookup(table.models, model)?.defaultResolution;
}
