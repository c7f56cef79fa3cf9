/**
 * The simulator's prices: the registry's price table and function (vidu/prices, the table in
 * docs/vidu-pricing.md), so an estimate and the simulator's charge come from the same figures.
 * Where the table knows no price (image2dance, template, the AD film's calls), the simulator still
 * has to charge something: the stand-ins below, marked as the simulator's own. VIDU_SIM_PRICES_FILE
 * (the operator's prices-file format) replaces entries on top, so a test can make the simulator
 * charge what the estimate does not expect. sim/README.md lists the stand-ins.
 */
import { estimateCredits, PriceTable, type PriceEntry, type PriceFacts, type PricedKind } from '../vidu/prices';

const SIM = 'vidu-flow simulator stand-in (no published price)';
const SIM_DATE = '2026-12-07';

/** What the simulator charges where the registry has no price; a prices file with these makes the estimate match. */
export const SIM_STAND_IN_PRICES: readonly PriceEntry[] = [
  { kind: 'image2dance', model: '*', rule: { per: 'call', credits: 100 }, source: SIM, readOn: SIM_DATE },
  { kind: 'template', model: '*', rule: { per: 'call', credits: 40 }, source: SIM, readOn: SIM_DATE },
  { kind: 'templateStory', model: '*', rule: { per: 'call', credits: 40 }, source: SIM, readOn: SIM_DATE },
  { kind: 'audioClone', model: '*', rule: { per: 'call', credits: 50 }, source: SIM, readOn: SIM_DATE },
  // The AD film's doc examples show credits: 400 (docs/vidu-api.md §5): an example, used as the stand-in.
  { kind: 'adFilm', model: '*', rule: { per: 'call', credits: 400 }, source: SIM, readOn: SIM_DATE },
  { kind: 'adFilmEdit', model: 'generate_video', rule: { per: 'call', credits: 80 }, source: SIM, readOn: SIM_DATE },
  {
    kind: 'adFilmEdit',
    model: 'generate_narration',
    rule: { per: 'call', credits: 20 },
    source: SIM,
    readOn: SIM_DATE,
  },
  { kind: 'adFilmEdit', model: 'generate_bgm', rule: { per: 'call', credits: 20 }, source: SIM, readOn: SIM_DATE },
  { kind: 'adFilmCompose', model: '*', rule: { per: 'call', credits: 40 }, source: SIM, readOn: SIM_DATE },
  // The music video: a stand-in base, and the published lip-sync surcharge (+4 a second of audio).
  {
    kind: 'musicVideo',
    model: '*',
    rule: { per: 'call', credits: 300 },
    lipSyncPerSecond: 4,
    source: SIM,
    readOn: SIM_DATE,
  },
  {
    kind: 'musicVideoEdit',
    model: 'generate_video',
    rule: { per: 'call', credits: 80 },
    source: SIM,
    readOn: SIM_DATE,
  },
  { kind: 'musicVideoCompose', model: '*', rule: { per: 'call', credits: 40 }, source: SIM, readOn: SIM_DATE },
];

/** A task the table cannot price at all (e.g. a resolution no source prices) still costs this much in the simulator. */
export const SIM_UNPRICED_CREDITS = 100;

/** The simulator's table: the registry's, the stand-ins, then VIDU_SIM_PRICES_FILE's entries. */
export function simPriceTable(overrides: readonly PriceEntry[] = []): PriceTable {
  const byKey = new Map<string, PriceEntry>();
  for (const e of [...SIM_STAND_IN_PRICES, ...overrides]) byKey.set(`${e.kind} ${e.model}`, e);
  return new PriceTable([...byKey.values()]);
}

/** What the simulator charges for one task (the request as received, after the model defaults). */
export function simPrice(
  table: PriceTable,
  kind: PricedKind,
  request: Record<string, unknown>,
  facts?: PriceFacts,
): number {
  const e = estimateCredits(kind, request, { table, ...(facts ? { facts } : {}) });
  return e.unpriced === undefined ? e.credits : SIM_UNPRICED_CREDITS;
}
