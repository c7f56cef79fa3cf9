import type { Sinks } from '@temporalio/workflow';

/** One task whose charge differs from its estimate by more than the tolerance (workflows/generation/price-check.ts). */
export interface PriceMismatch {
  kind: string;
  /** A metric-safe model label. */
  model: string;
  /** The estimate's basis up to its total: the entry and the priced fields, so equal requests give equal text. */
  parameters: string;
  estimated: number;
  charged: number;
  taskId: string;
}

/** The worker's sink for price mismatches (worker/price-check.ts); a worker without it only warns. */
export interface PriceCheckSinks extends Sinks {
  priceCheck: { mismatch(m: PriceMismatch): void };
}
