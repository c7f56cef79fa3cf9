/**
 * The simulator's price list. Vidu's real prices are not in the docs we hold
 * ([INF]); this table is chosen to reproduce the two credit figures seen in
 * documented examples (viduq1 5 s 1080p img2video = 80; viduq2-pro 5 s 720p
 * reference2video = 55) and is otherwise simple enough to compute by hand in
 * a test. sim/README.md carries the same table.
 */

/** Credits per second of video at each output resolution. */
export const VIDEO_CREDITS_PER_SECOND: Readonly<Record<string, number>> = {
  '360p': 4,
  '540p': 6,
  '720p': 10,
  '1080p': 16,
};

/** Price of each model in percent of the base rate; models not listed cost 100 %. Integers, so 10 × 5 × 110 % is exactly 55. */
export const MODEL_PERCENT: Readonly<Record<string, number>> = {
  'viduq3-pro': 150,
  'viduq3-turbo': 100,
  'viduq3-mix': 150,
  viduq3: 150,
  'viduq2-pro': 110,
  'viduq2-pro-fast': 80,
  'viduq2-turbo': 80,
  viduq2: 100,
  viduq1: 100,
  'viduq1-classic': 100,
  'vidu2.0': 80,
  'vidu1.5': 80,
};

/** reference2image: credits per image at each resolution. */
export const IMAGE_CREDITS: Readonly<Record<string, number>> = { '1080p': 20, '2K': 30, '4K': 50 };

export const IMAGE2DANCE_CREDITS = 100;
export const AD_FILM_CREDITS_PER_SECOND = 20;
export const AD_EDIT_CREDITS = { generate_video: 80, generate_narration: 20, generate_bgm: 20 } as const;
export const AD_COMPOSE_CREDITS = 40;
export const IS_REC_SURCHARGE = 10;

/** Audio (text2audio, audio-tts): credits per second of sound ([INF], like every price here). */
export const AUDIO_CREDITS_PER_SECOND = 2;

/**
 * Flat prices of endpoints whose output is not priced by its length and resolution ([INF]); the
 * generic behaviour (sim/behaviours/generic.ts) looks a kind up here first.
 */
export const FLAT_CREDITS: Readonly<Record<string, number>> = {};

export type PriceInput =
  | { kind: 'img2video' | 'reference2video' | 'video'; model: string; durationSeconds: number; resolution: string }
  | { kind: 'audio'; durationSeconds: number }
  | { kind: 'flat'; credits: number }
  | { kind: 'reference2image'; resolution: string }
  | { kind: 'image2dance' }
  | { kind: 'ad-one-click'; durationSeconds: number }
  | { kind: 'ad-edit'; editType: keyof typeof AD_EDIT_CREDITS }
  | { kind: 'ad-compose' };

export interface PriceOptions {
  offPeak: boolean;
  isRec: boolean;
}

export function priceOf(p: PriceInput, opts: PriceOptions = { offPeak: false, isRec: false }): number {
  const base = basePrice(p);
  // Off-peak halves the generation price; the is_rec surcharge is a flat fee and stays whole.
  return (opts.offPeak ? Math.ceil(base / 2) : base) + (opts.isRec ? IS_REC_SURCHARGE : 0);
}

function basePrice(p: PriceInput): number {
  switch (p.kind) {
    case 'img2video':
    case 'reference2video':
    case 'video': {
      const perSecond = VIDEO_CREDITS_PER_SECOND[p.resolution] ?? 16;
      return Math.ceil((perSecond * p.durationSeconds * (MODEL_PERCENT[p.model] ?? 100)) / 100);
    }
    case 'reference2image':
      return IMAGE_CREDITS[p.resolution] ?? 20;
    case 'image2dance':
      return IMAGE2DANCE_CREDITS;
    case 'audio':
      return Math.ceil(AUDIO_CREDITS_PER_SECOND * p.durationSeconds);
    case 'flat':
      return p.credits;
    case 'ad-one-click':
      return AD_FILM_CREDITS_PER_SECOND * p.durationSeconds;
    case 'ad-edit':
      return AD_EDIT_CREDITS[p.editType];
    case 'ad-compose':
      return AD_COMPOSE_CREDITS;
  }
}

/**
 * Failures that are the service's fault and so give the credits back
 * ([INF]: Vidu documents refunds only for cancelled and expired off-peak
 * tasks). Content-policy and input-check failures keep the charge: the work
 * was done and the caller's input caused the rejection.
 */
export const REFUNDED_ERR_CODES: ReadonlySet<string> = new Set([
  'UserCancelled',
  'OffPeakTimeout',
  'InternalServiceFailure',
  'SystemThrottling',
  'OperationInProcess',
  'ModelUnavailable',
  'QuotaExceeded',
  'TooManyRequests',
]);
