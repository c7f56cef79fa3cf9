export {
  DEFAULT_PRICE_TABLE,
  estimateCredits,
  isPricedKind,
  PriceTable,
  AD_FILM_PRICED_KINDS,
  FILM_PRICED_KINDS,
  MUSIC_VIDEO_PRICED_KINDS,
  MUSIC_VIDEO_MAX_AUDIO_SECONDS,
  type Estimate,
  type PriceFacts,
  type PricedKind,
} from './estimate';
export { PricesFileSchema, parsePricesFile, type PricesFile } from './prices-file';
export { curveCredits, type PriceEntry, type PriceRule } from './rules';
export { PRICE_TABLE, SOURCES, TABLE_READ_ON } from './table';
export {
  estimateAdFilm,
  estimateMusicVideo,
  generationLine,
  totalOf,
  type EstimateLine,
  type EstimateTotal,
} from './totals';
