import type { InjectedSinks } from '@temporalio/worker';
import type { PriceCheckSinks, PriceMismatch } from '../workflows/common/price-check-sink';

/**
 * The worker's side of workflows/generation/price-check.ts: a charge more than 10 % off its
 * estimate is logged once per kind, model and parameter set in this process, so a wrong table
 * entry shows up in the log without a line per task. Not called on replay. The log names no
 * secret: kind, model, the priced fields, the two figures and one task id as an example.
 */
export function priceCheckSinks(log: (line: string) => void = (l) => console.warn(l)): InjectedSinks<PriceCheckSinks> {
  const seen = new Set<string>();
  return {
    priceCheck: {
      mismatch: {
        fn(_info, m: PriceMismatch) {
          const key = `${m.kind}\u0000${m.model}\u0000${m.parameters}`;
          if (seen.has(key)) return;
          seen.add(key);
          const pct =
            m.estimated > 0 ? `${Math.round(((m.charged - m.estimated) / m.estimated) * 100)} %` : 'no estimate';
          log(
            `vidu-flow worker: price table off for ${m.kind} ${m.model}: Vidu charged ${m.charged} credits, the estimate was ${m.estimated} (${pct}; ${m.parameters}; ` +
              `e.g. task ${m.taskId}). Correct the entry in VIDU_FLOW_PRICES_FILE (docs/vidu-pricing.md). Logged once per model and parameter set.`,
          );
        },
        callDuringReplay: false,
      },
    },
  };
}
