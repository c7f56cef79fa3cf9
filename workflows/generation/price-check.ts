import { proxySinks } from '@temporalio/workflow';
import type { PriceCheckSinks } from '../common/price-check-sink';
import type { GenerationRun } from './state';

/** Above this share of the estimate, a difference is worth a log line: the table needs correcting. */
export const PRICE_TOLERANCE = 0.1;

const { priceCheck } = proxySinks<PriceCheckSinks>();

/**
 * Charged vs estimated, once the task succeeded (a failed task is refunded: no price to check).
 * The metrics count every comparison and the credits of difference (workflows/common/metrics.ts);
 * a difference above 10 % goes to the worker's sink, which logs it once per model and parameter
 * set (worker/price-check.ts). Neither adds a command to the history, and neither runs on replay.
 */
export function checkEstimate(run: GenerationRun, charged: number): void {
  const estimate = run.estimate;
  if (!estimate || estimate.unpriced !== undefined) return;
  const off = Math.abs(charged - estimate.credits) > PRICE_TOLERANCE * estimate.credits;
  run.metrics.estimateCompared(estimate.credits, charged, off);
  if (!off) return;
  priceCheck.mismatch({
    kind: run.kind,
    model: run.metrics.model,
    // The basis names the entry and every priced field ("img2video viduq1 1080p, 5 s: 80; off-peak…"): the parameter set.
    parameters: estimate.basis.split(' = ')[0] ?? estimate.basis,
    estimated: estimate.credits,
    charged,
    taskId: run.taskId ?? '',
  });
}
