// The shapes of a Vidu price (docs/vidu-pricing.md): how one table entry turns a request's priced
// fields into credits. Pure data, so an operator's prices file (VIDU_FLOW_PRICES_FILE) can replace
// any entry with the same shapes (vidu/prices/prices-file.ts checks them).

/**
 * Credits for a video of `d` seconds at one resolution: `fixed[d]` when listed, else
 * `base + step × (d − from)` for d ≥ from (from defaults to 1). Q3's flat rate r per second is
 * `{ base: r, step: r }`; Q2's "8, 10, then +10" is `{ fixed: { 1: 8 }, base: 10, step: 10, from: 2 }`;
 * a model sold in a few lengths only (viduq1: 5 s) is `fixed` alone.
 */
export interface DurationCurve {
  readonly fixed?: Readonly<Record<string, number>>;
  readonly base?: number;
  readonly step?: number;
  readonly from?: number;
}

/** A reference-count tier of reference2image: up to `maxReferences` input images, credits per resolution. */
export interface ImageTier {
  readonly maxReferences: number;
  readonly credits: Readonly<Record<string, number>>;
}

/** A length tier (text2audio): outputs shorter than `underSeconds` (the last tier may omit it: any length). */
export interface LengthTier {
  readonly underSeconds?: number;
  readonly credits: number;
}

export type PriceRule =
  /** A video priced by its resolution and duration; multiframe sums one curve per segment (`perSegment`). */
  | {
      readonly per: 'video';
      readonly resolutions: Readonly<Record<string, DurationCurve>>;
      readonly perSegment?: boolean;
    }
  /** One image, by resolution and the number of reference images. */
  | { readonly per: 'image'; readonly tiers: readonly ImageTier[] }
  /** A sound by its length. */
  | { readonly per: 'length'; readonly tiers: readonly LengthTier[] }
  /** Speech: `credits` per started block of `characters` characters of text. */
  | { readonly per: 'characters'; readonly characters: number; readonly credits: number }
  /** Work on a source video: `credits[resolution]` (or `credits['*']`) per started block of `seconds` of it. */
  | { readonly per: 'source-seconds'; readonly seconds: number; readonly credits: Readonly<Record<string, number>> }
  /** A flat price per call. */
  | { readonly per: 'call'; readonly credits: number }
  /** No price is known: the estimate says so rather than guess (an operator can price it in the prices file). */
  | { readonly per: 'unknown'; readonly reason: string };

/** One entry of the price table: an endpoint (or AD-film call) and a model, with where the figures come from. */
export interface PriceEntry {
  /** A generation kind, or `adFilm`, `adFilmEdit`, `adFilmCompose` for the AD film's calls. */
  readonly kind: string;
  /** The model name; `*` for endpoints that take none (and for any AD-film call). */
  readonly model: string;
  readonly rule: PriceRule;
  /** off_peak=true: `half` (the default: half, rounded up, per docs/vidu-pricing.md "Rules for every model") or `none` (not offered: full price). */
  readonly offPeak?: 'half' | 'none';
  /** Credits added per task when audio=true (Q2 +15). Added after any off-peak halving [INF: estimate high]. */
  readonly audio?: number;
  /** Credits added per task when is_rec=true (+10, i2v and start-end). Added after any off-peak halving. */
  readonly isRec?: number;
  /** Credits added per second of audio when lip_sync=true (the music video: +4, docs/vidu-api-more-endpoints.md §10.1). */
  readonly lipSyncPerSecond?: number;
  /** Where the figures come from (Vidu's page, a copy, a third party, inferred), as in docs/vidu-pricing.md. */
  readonly source: string;
  /** When the source was read (YYYY-MM-DD), or the operator's date for an override. */
  readonly readOn: string;
  /** An ambiguity and the reading chosen, said where it applies. */
  readonly note?: string;
}

export type ScaledResult = { credits: number; detail: string } | { unpriced: string };

/** Credits of one curve at `seconds`, or undefined when the curve has no price for that length. */
export function curveCredits(curve: DurationCurve, seconds: number): number | undefined {
  const fixed = curve.fixed && Object.hasOwn(curve.fixed, String(seconds)) ? curve.fixed[String(seconds)] : undefined;
  if (fixed !== undefined) return fixed;
  const from = curve.from ?? 1;
  if (curve.base === undefined || seconds < from) return undefined;
  return curve.base + (curve.step ?? 0) * (seconds - from);
}
