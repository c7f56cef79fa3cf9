// Estimates for callers (client.estimate, `vidu-flow estimate`, POST /v1/estimates): the price
// function of the registry (vidu/prices) with the prices in force (VIDU_FLOW_PRICES_FILE), over
// the same inputs the start commands take. Nothing is started and Temporal is not needed.
import { parseBatchLine } from '../contract/batch-input';
import type { AdFilmInput } from '../core/ad-film-types';
import type { MusicVideoInput } from '../core/music-video-types';
import type { GenerationInput, GenerationKind } from '../core/generation-types';
import {
  estimateAdFilm,
  estimateMusicVideo,
  estimateCredits,
  generationLine,
  totalOf,
  type Estimate,
  type EstimateLine,
  type EstimateTotal,
  type PriceFacts,
  type PriceTable,
} from '../vidu/prices';

export type { Estimate, EstimateLine, EstimateTotal } from '../vidu/prices';

/** One generation's estimate. `facts`: what is known of the inputs (a local source video's length). */
export function estimateGeneration(
  kind: GenerationKind,
  input: Pick<GenerationInput, 'request'>,
  table?: PriceTable,
  facts?: PriceFacts,
): Estimate {
  return estimateCredits(kind, input.request, { ...(table ? { table } : {}), ...(facts ? { facts } : {}) });
}

/** An AD film: create, each edit, compose. */
export function estimateAdFilmInput(input: Pick<AdFilmInput, 'request' | 'edits'>, table?: PriceTable): EstimateTotal {
  return estimateAdFilm({ request: input.request, ...(input.edits ? { edits: input.edits } : {}) }, table);
}

/**
 * A music video: create (its lip-sync surcharge on `facts.audioSeconds` when the song was read,
 * else on the longest song), each footage edit, compose.
 */
export function estimateMusicVideoInput(
  input: Pick<MusicVideoInput, 'request' | 'edits'>,
  table?: PriceTable,
  facts?: PriceFacts,
): EstimateTotal {
  return estimateMusicVideo({ request: input.request, ...(input.edits ? { edits: input.edits } : {}) }, table, facts);
}

/**
 * A batch file's text (one JSON line per generation, as `vidu-flow batch` reads it): the total, by
 * model, and the lines that could not be priced (an invalid line is one, with its problem).
 */
export function estimateBatchText(text: string, table?: PriceTable, baseDir?: string): EstimateTotal {
  const lines: EstimateLine[] = [];
  text.split('\n').forEach((raw, i) => {
    let row = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (i === 0 && row.startsWith('\uFEFF')) row = row.slice(1);
    if (row.trim() === '') return;
    const label = `line ${i + 1}`;
    const parsed = parseBatchLine(row, baseDir !== undefined ? { baseDir } : {});
    if (!parsed.ok) {
      lines.push({
        label,
        kind: parsed.kind ?? '?',
        model: '*',
        estimate: { credits: 0, basis: 'invalid line', unpriced: `invalid line: ${parsed.message}` },
      });
      return;
    }
    lines.push(generationLine(label, parsed.kind, parsed.input.request, table));
  });
  return totalOf(lines);
}
