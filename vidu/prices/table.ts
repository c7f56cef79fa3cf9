// Vidu's price list as data: one entry per endpoint (or AD-film call) and model. Figures are in
// current credits ($0.005 / ¥0.03125 each, after Vidu's ×10 re-denomination) and come from
// the project's pricing research, as summarised (with every source and date) in docs/vidu-pricing.md:
// the table there, the sources and dates, and every choice made here. Where sources disagree or
// say nothing, the entry says so (`note`) and takes the reading that estimates high. An operator
// replaces any entry without a release through VIDU_FLOW_PRICES_FILE (vidu/prices/prices-file.ts).
import type { DurationCurve, PriceEntry, PriceRule } from './rules';

/** Source labels, explained in docs/vidu-pricing.md "Sources and dates". */
export const SOURCES = {
  cnNew: 'CN-new (DOCc)',
  en2026: 'EN-2026 (3P, verified 2026-08-13)',
  cnQ3: 'CN-q3 (3P)',
  comfy: 'ComfyUI (CFY)',
  cnOld: 'CN-old ×10 (DOCc; ×10 is [INF])',
  reseller: 'reseller (3P)',
  r302: '302.ai (3P)',
  none: 'none (no source prices it)',
} as const;

/** The date the pricing research was compiled from those sources (EN-2026 was verified 2026-08-13). */
export const TABLE_READ_ON = '2026-08-13';

// --- rule builders -----------------------------------------------------------------------------

/** Q3: a flat rate per second at each resolution. */
function perSecond(rates: Record<string, number>): PriceRule {
  return {
    per: 'video',
    resolutions: Object.fromEntries(Object.entries(rates).map(([r, rate]) => [r, { base: rate, step: rate }])),
  };
}

/** Q2: `base + step·(d − 1)`, or a curve given as is. */
function stepped(curves: Record<string, DurationCurve | [number, number]>, perSegment = false): PriceRule {
  const resolutions = Object.fromEntries(
    Object.entries(curves).map(([r, c]) => [r, Array.isArray(c) ? { base: c[0], step: c[1] } : c]),
  );
  return perSegment ? { per: 'video', resolutions, perSegment } : { per: 'video', resolutions };
}

/** Flat-priced models: credits by duration (s) at each resolution. */
function byLength(table: Record<string, Record<number, number>>): PriceRule {
  return {
    per: 'video',
    resolutions: Object.fromEntries(
      Object.entries(table).map(([r, fixed]) => [r, { fixed: Object.fromEntries(Object.entries(fixed)) }]),
    ),
  };
}

const unknown = (reason: string): PriceRule => ({ per: 'unknown', reason });

// --- shared rules ------------------------------------------------------------------------------

const Q3_PRO = perSecond({ '540p': 9, '720p': 20, '1080p': 24 });
// EN-2026 says 11 at 720p, CN-q3 says 12: the higher is taken.
const Q3_TURBO = perSecond({ '540p': 7, '720p': 12, '1080p': 13 });
const Q2_TURBO = stepped({
  '540p': [6, 2],
  '720p': { fixed: { 1: 8 }, base: 10, step: 10, from: 2 },
  '1080p': [35, 10],
});
const Q2_PRO = stepped({
  '540p': { fixed: { 1: 8 }, base: 10, step: 5, from: 2 },
  '720p': [15, 10],
  '1080p': [55, 15],
});
const Q2_PRO_FAST = stepped({ '720p': [8, 2], '1080p': [16, 4] });
const Q2_T2V = stepped({ '540p': [10, 2], '720p': [15, 5], '1080p': [20, 10] });
const Q2_REF = stepped({ '540p': [15, 5], '720p': [25, 5], '1080p': [75, 10] });
const Q1 = byLength({ '1080p': { 5: 80 } });
const V20 = byLength({ '360p': { 4: 20 }, '720p': { 4: 40, 8: 100 }, '1080p': { 4: 100 } });
const V20_REF = byLength({ '360p': { 4: 80 }, '720p': { 4: 80 } });
const V15 = byLength({ '360p': { 4: 40 }, '720p': { 4: 100, 8: 200 }, '1080p': { 4: 200 } });
const V15_REF = byLength({ '360p': { 4: 80 }, '720p': { 4: 200, 8: 400 }, '1080p': { 4: 400 } });
// Extend and multiframe: "base + step/s". ComfyUI counts extend's step from the 2nd second and
// multiframe's from the 1st of each segment; the page does not say. Both are read as base + step·d
// (from 0), the higher reading.
const EXT_TURBO = {
  '540p': { base: 10, step: 2, from: 0 },
  '720p': { base: 15, step: 5, from: 0 },
  '1080p': { base: 40, step: 10, from: 0 },
};
const EXT_PRO = {
  '540p': { base: 15, step: 5, from: 0 },
  '720p': { base: 30, step: 10, from: 0 },
  '1080p': { base: 60, step: 15, from: 0 },
};

const IS_REC = 10;
const Q2_AUDIO = 15;

type Row = Omit<PriceEntry, 'kind' | 'model' | 'readOn'> & { readOn?: string };

function rows(kind: string, models: Record<string, Row>): PriceEntry[] {
  return Object.entries(models).map(([model, row]) => ({ kind, model, ...row, readOn: row.readOn ?? TABLE_READ_ON }));
}

const q3 = (rule: PriceRule, extra: Partial<Row> = {}): Row => ({
  rule,
  source: `${SOURCES.en2026}; ${SOURCES.cnQ3}`,
  note: 'Whether audio changes the q3 rate is unknown; the launch-period rates (higher) were cut by 2026-08.',
  ...extra,
});
const q2 = (rule: PriceRule, extra: Partial<Row> = {}): Row => ({
  rule,
  source: `${SOURCES.cnNew}; ${SOURCES.comfy}`,
  audio: Q2_AUDIO,
  ...extra,
});
const flat = (rule: PriceRule, extra: Partial<Row> = {}): Row => ({
  rule,
  source: `${SOURCES.cnNew}; ${SOURCES.en2026}`,
  ...extra,
});

/** img2video and start-end2video share their prices (docs/vidu-pricing.md "The table"); is_rec adds 10 on both. */
function imageToVideoRows(kind: string): PriceEntry[] {
  const rec = { isRec: IS_REC };
  return rows(kind, {
    'viduq3-pro': q3(Q3_PRO, rec),
    'viduq3-turbo': q3(Q3_TURBO, {
      ...rec,
      note: 'EN-2026 gives 11 credits/s at 720p, CN-q3 12: 12 is used (estimate high).',
    }),
    'viduq2-pro': q2(Q2_PRO, rec),
    'viduq2-turbo': q2(Q2_TURBO, rec),
    'viduq2-pro-fast': q2(Q2_PRO_FAST, { ...rec, source: SOURCES.comfy, note: 'Only ComfyUI prices viduq2-pro-fast.' }),
    viduq2: q2(Q2_PRO, {
      ...rec,
      source: SOURCES.none,
      note: `No source prices viduq2 on ${kind}: priced as viduq2-pro, the dearest Q2 model on this route [INF].`,
    }),
    viduq1: flat(Q1, rec),
    'viduq1-classic': flat(Q1, rec),
    'vidu2.0': flat(V20, rec),
    'vidu1.5': flat(V15, { ...rec, source: SOURCES.cnNew }),
  });
}

export const PRICE_TABLE: readonly PriceEntry[] = [
  ...imageToVideoRows('img2video'),
  ...imageToVideoRows('startEnd2video'),
  ...rows('text2video', {
    'viduq3-pro': q3(Q3_PRO),
    'viduq3-turbo': q3(Q3_TURBO, { note: 'EN-2026 gives 11 credits/s at 720p, CN-q3 12: 12 is used (estimate high).' }),
    viduq2: q2(Q2_T2V, {
      note: 'The audio surcharge is documented for img2video and reference2video only; applied here too when audio=true [INF].',
    }),
    'viduq2-pro-fast': q2(Q2_PRO_FAST, {
      source: SOURCES.comfy,
      note: 'Priced for img2video only (ComfyUI); the same rates are used for text2video [INF].',
    }),
    viduq1: flat(Q1),
    'vidu1.5': flat(V15, { source: SOURCES.cnNew }),
  }),
  ...rows('reference2video', {
    viduq3: q3(perSecond({ '540p': 7, '720p': 12, '1080p': 15 })),
    'viduq3-mix': q3(perSecond({ '720p': 24, '1080p': 29 }), {
      offPeak: 'none',
      note: 'Off-peak is not offered for viduq3-mix: full price. No 540p price is known.',
    }),
    'viduq3-pro': q3(perSecond({ '540p': 9, '720p': 24, '1080p': 29 }), {
      source: SOURCES.none,
      note: 'No price for viduq3-pro on reference2video: priced at the dearest q3 reference rate (viduq3-mix 24/29 per s; 540p at viduq3-pro text/image 9) [INF].',
    }),
    viduq2: q2(Q2_REF),
    'viduq2-pro': q2(Q2_PRO, {
      source: SOURCES.none,
      note: 'No price for viduq2-pro on reference2video: priced as viduq2-pro img2video, which matches the doc example (5 s 720p = 55 credits) [INF].',
    }),
    'viduq2-turbo': q2(Q2_REF, {
      source: SOURCES.none,
      note: 'No price for viduq2-turbo on reference2video: priced as viduq2 reference2video [INF].',
    }),
    'viduq2-pro-fast': q2(Q2_REF, {
      source: SOURCES.none,
      note: 'No price for viduq2-pro-fast on reference2video: priced as viduq2 reference2video [INF].',
    }),
    viduq1: flat(Q1),
    'viduq1-classic': flat(Q1, {
      note: 'viduq1-classic is priced for img2video and start-end only; the viduq1 price is used [INF].',
    }),
    'vidu2.0': flat(V20_REF),
    'vidu1.5': flat(V15_REF, { source: SOURCES.cnNew }),
  }),
  ...rows('reference2image', {
    viduq2: {
      rule: {
        per: 'image',
        tiers: [
          { maxReferences: 0, credits: { '1080p': 6, '2K': 8, '4K': 10 } },
          { maxReferences: 3, credits: { '1080p': 8, '2K': 12, '4K': 20 } },
          { maxReferences: 7, credits: { '1080p': 10, '2K': 16, '4K': 30 } },
        ],
      },
      source: `${SOURCES.en2026}; ${SOURCES.reseller}`,
    },
    viduq1: {
      rule: { per: 'image', tiers: [{ maxReferences: 7, credits: { '1080p': 20 } }] },
      source: `${SOURCES.en2026}; ${SOURCES.reseller}`,
    },
  }),
  ...rows('multiframe', {
    'viduq2-turbo': {
      rule: stepped(EXT_TURBO, true),
      source: `${SOURCES.r302}; ${SOURCES.comfy}`,
      note: 'Summed per key-frame segment, base + step·d each (ComfyUI); unverified.',
    },
    'viduq2-pro': {
      rule: stepped(EXT_PRO, true),
      source: `${SOURCES.r302}; ${SOURCES.comfy}`,
      note: 'Summed per key-frame segment, base + step·d each (ComfyUI); unverified.',
    },
  }),
  ...rows('extend', {
    'viduq2-turbo': {
      rule: stepped(EXT_TURBO),
      source: `${SOURCES.r302}; ${SOURCES.comfy}`,
      note: 'ComfyUI charges base + step·(d − 1); base + step·d is used (estimate high). d = the added seconds.',
    },
    'viduq2-pro': {
      rule: stepped(EXT_PRO),
      source: `${SOURCES.r302}; ${SOURCES.comfy}`,
      note: 'ComfyUI charges base + step·(d − 1); base + step·d is used (estimate high). d = the added seconds.',
    },
  }),
  ...rows('text2audio', {
    'audio1.0': {
      rule: { per: 'length', tiers: [{ underSeconds: 5, credits: 10 }, { credits: 20 }] },
      source: `${SOURCES.reseller}; ${SOURCES.cnOld}`,
      note: 'The old table stops at "under 10 s"; a 10 s sound is priced as the 5–10 s tier.',
    },
  }),
  ...rows('audioTts', {
    '*': {
      rule: { per: 'characters', characters: 500, credits: 10 },
      source: SOURCES.reseller,
      note: 'Only a reseller prices TTS: 10 credits per started 500 characters.',
    },
  }),
  ...rows('upscale', {
    '*': {
      rule: { per: 'source-seconds', seconds: 1, credits: { '1080p': 10, '2K': 20, '4K': 40, '8K': 160 } },
      offPeak: 'none',
      source: SOURCES.cnOld,
      note: 'Per started second of the source video; the current price is unknown: CN-old ×10 [INF]. A source given only as video_creation_id has no known length, so no estimate.',
    },
  }),
  ...rows('lipSync', {
    '*': {
      rule: { per: 'source-seconds', seconds: 5, credits: { '*': 20 } },
      source: SOURCES.cnOld,
      note: 'Per started 5 s of the face video (the output keeps its length); the current price is unknown: CN-old ×10 [INF].',
    },
  }),
  ...rows('image2dance', { '*': { rule: unknown('no source prices image2dance'), source: SOURCES.none } }),
  ...rows('template', {
    '*': {
      rule: unknown(
        'Vidu prices each template on its own ("不同的场景模板，积分消耗规则不同"); the gallery is not in the table',
      ),
      source: SOURCES.cnOld,
    },
  }),
  ...rows('timing2audio', {
    'audio1.0': {
      rule: { per: 'length', tiers: [{ underSeconds: 5, credits: 10 }, { credits: 20 }] },
      source: `${SOURCES.reseller}; ${SOURCES.cnOld}`,
      note: 'Priced with text2audio (one row for both in the sources); a 10 s sound is priced as the 5–10 s tier.',
    },
  }),
  ...rows('templateStory', {
    '*': { rule: unknown('no source prices template-story (story templates)'), source: SOURCES.none },
  }),
  ...rows('audioClone', {
    '*': {
      rule: unknown(
        'the clone fee is unpublished; the preview text is billed at TTS rates (10 credits per started 500 characters, reseller) on top of it',
      ),
      source: SOURCES.none,
    },
  }),
  ...rows('adFilm', {
    '*': {
      rule: unknown('the AD film create price is unpublished (the doc example shows credits: 400, an example value)'),
      source: SOURCES.none,
    },
  }),
  // AD-film edits are filed by their edit type (the `model` slot), since each may be priced apart.
  ...rows('adFilmEdit', {
    generate_video: { rule: unknown('the AD film edit price (generate_video) is unpublished'), source: SOURCES.none },
    generate_narration: {
      rule: unknown('the AD film edit price (generate_narration) is unpublished'),
      source: SOURCES.none,
    },
    generate_bgm: { rule: unknown('the AD film edit price (generate_bgm) is unpublished'), source: SOURCES.none },
  }),
  ...rows('adFilmCompose', {
    '*': { rule: unknown('the AD film compose price is unpublished'), source: SOURCES.none },
  }),
  // The one-click MV (docs/vidu-api-more-endpoints.md §10.1): only the lip-sync surcharge is published.
  ...rows('musicVideo', {
    '*': {
      rule: unknown('the music video base price is unpublished (only lip_sync: +4 credits a second)'),
      lipSyncPerSecond: 4,
      source: SOURCES.none,
      note: "lip_sync=true adds 4 credits per second of audio (Vidu's MV page); until the audio is read, 180 s (its longest) is assumed.",
    },
  }),
  // Its edit and compose calls are a reseller's word [3P]; nothing prices them.
  ...rows('musicVideoEdit', {
    generate_video: { rule: unknown('the music video edit price is unpublished'), source: SOURCES.none },
  }),
  ...rows('musicVideoCompose', {
    '*': { rule: unknown('the music video compose price is unpublished'), source: SOURCES.none },
  }),
];
