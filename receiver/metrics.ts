import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CallbackMetric, type CallbackOutcome } from '../contract/metric-names';

/** What the callback server reports; implemented with prom-client here, a no-op when metrics are off. */
export interface CallbackObserver {
  /** One callback's outcome; `reason` is a short fixed word (a rejection reason, `delivered`…), never an id. */
  outcome(outcome: CallbackOutcome, reason: string): void;
  /** Seconds from the callback's receipt to Temporal accepting the signal. */
  signalled(seconds: number): void;
}

export interface CallbackMetrics {
  observer: CallbackObserver;
  /** Prometheus text of the receiver's metrics (and the process's own: CPU, memory, event loop). */
  render(): Promise<{ contentType: string; body: string }>;
}

/** A registry of its own (not prom-client's global one), so nothing else leaks into /metrics. */
export function createCallbackMetrics(): CallbackMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const callbacks = new Counter({
    name: CallbackMetric.callbacks,
    help: 'Vidu callbacks by outcome (accepted, rejected, replayed, not-running, undeliverable) and reason',
    labelNames: ['outcome', 'reason'] as const,
    registers: [registry],
  });
  const signal = new Histogram({
    name: CallbackMetric.signalSeconds,
    help: 'Seconds from receiving a callback to Temporal accepting the workflow signal',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    observer: {
      outcome: (outcome, reason) => callbacks.inc({ outcome, reason: reason.slice(0, 64) }),
      signalled: (seconds) => signal.observe(seconds),
    },
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}
