// Many estimates at once: an AD film (create, its edits, compose) and a batch file's lines.
import { estimateCredits, type Estimate, type PriceFacts, type PriceTable, type PricedKind } from './estimate';

/** One priced line of a total: what it is (a batch line number, an AD-film call) and its estimate. */
export interface EstimateLine {
  label: string;
  /** The priced kind (a batch line that is not valid JSON may name none: then what it says). */
  kind: string;
  model: string;
  estimate: Estimate;
}

export interface EstimateTotal {
  /** The sum of the priced lines. */
  credits: number;
  /** Credits by model (`*` for endpoints without one), priced lines only. */
  byModel: Record<string, number>;
  lines: EstimateLine[];
  /** The lines that could not be priced, with the reason: the total leaves them out. */
  unpriced: Array<{ label: string; reason: string }>;
}

export function totalOf(lines: EstimateLine[]): EstimateTotal {
  const byModel: Record<string, number> = {};
  let credits = 0;
  const unpriced: EstimateTotal['unpriced'] = [];
  for (const line of lines) {
    if (line.estimate.unpriced !== undefined) {
      unpriced.push({ label: line.label, reason: line.estimate.unpriced });
      continue;
    }
    credits += line.estimate.credits;
    byModel[line.model] = (byModel[line.model] ?? 0) + line.estimate.credits;
  }
  return { credits, byModel, lines, unpriced };
}

/** The AD film's edit types as its workflow input names them (core/ad-film-types.ts AdFilmEdit) → Vidu's edit `type`. */
const EDIT_TYPES = { video: 'generate_video', narration: 'generate_narration', bgm: 'generate_bgm' } as const;

/**
 * An AD film: the create call, one edit call per requested edit, and the compose call (compose
 * runs once the film is approved; a review that ends in `fail` composes nothing, so this is the
 * most the film costs without retries).
 */
export function estimateAdFilm(
  input: { request: Record<string, unknown>; edits?: ReadonlyArray<{ type: keyof typeof EDIT_TYPES }> },
  table?: PriceTable,
): EstimateTotal {
  const t = table ? { table } : {};
  const lines: EstimateLine[] = [
    { label: 'create', kind: 'adFilm', model: '*', estimate: estimateCredits('adFilm', input.request, t) },
  ];
  (input.edits ?? []).forEach((edit, i) => {
    const type = EDIT_TYPES[edit.type];
    lines.push({
      label: `edit ${i + 1} (${edit.type})`,
      kind: 'adFilmEdit',
      model: type ?? String(edit.type),
      estimate: estimateCredits('adFilmEdit', { type }, t),
    });
  });
  lines.push({
    label: 'compose',
    kind: 'adFilmCompose',
    model: '*',
    estimate: estimateCredits('adFilmCompose', {}, t),
  });
  return totalOf(lines);
}

/**
 * A music video: the create call (its lip-sync surcharge on `facts.audioSeconds`, else on the
 * longest audio), one footage edit per requested edit, and the compose call.
 */
export function estimateMusicVideo(
  input: { request: Record<string, unknown>; edits?: ReadonlyArray<unknown> },
  table?: PriceTable,
  facts?: PriceFacts,
): EstimateTotal {
  const t = { ...(table ? { table } : {}), ...(facts ? { facts } : {}) };
  const lines: EstimateLine[] = [
    { label: 'create', kind: 'musicVideo', model: '*', estimate: estimateCredits('musicVideo', input.request, t) },
  ];
  (input.edits ?? []).forEach((_, i) => {
    lines.push({
      label: `edit ${i + 1} (video)`,
      kind: 'musicVideoEdit',
      model: 'generate_video',
      estimate: estimateCredits('musicVideoEdit', { type: 'generate_video' }, t),
    });
  });
  lines.push({
    label: 'compose',
    kind: 'musicVideoCompose',
    model: '*',
    estimate: estimateCredits('musicVideoCompose', {}, t),
  });
  return totalOf(lines);
}

/** One generation as a line of a total (a batch line). */
export function generationLine(
  label: string,
  kind: PricedKind,
  request: Record<string, unknown>,
  table?: PriceTable,
  facts?: PriceFacts,
): EstimateLine {
  const estimate = estimateCredits(kind, request, { ...(table ? { table } : {}), ...(facts ? { facts } : {}) });
  return {
    label,
    kind,
    model: estimate.entry?.model ?? (typeof request.model === 'string' ? request.model : '*'),
    estimate,
  };
}
