export {
  DEFAULT_PRICE_TABLE,
  estimateCredits,
  isPricedKind,
  PriceTable,
  AD_FILM_PRICED_KINDS,
  type Estimate,
  type PriceFacts,
  type PricedKind,
} from './estimate';
export { PricesFileSchema, parsePricesFile, type PricesFile } from './prices-file';
export { curveCredits, type PriceEntry, type PriceRule } from './rules';
export { PRICE_TABLE, SOURCES, TABLE_READ_ON } from './table';
export { estimateAdFilm, generationLine, totalOf, type EstimateLine, type EstimateTotal } from './totals';
