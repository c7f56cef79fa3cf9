import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { MetricMeter } from '@temporalio/common';
import { WorkerMetric } from '../contract/metric-names';
import type { ViduRequestObserver } from '../vidu/observer';

/**
 * The worker's hook into the Vidu HTTP client: a latency histogram and an error counter by
 * endpoint and reason (METRICS_PORT), and a client span per request under the activity's span
 * (OTEL_EXPORTER_OTLP_ENDPOINT). Undefined when neither is on, so the client does no extra work.
 */
export function createViduObserver(opts: { meter?: MetricMeter; tracer?: Tracer }): ViduRequestObserver | undefined {
  const { meter, tracer } = opts;
  if (!meter && !tracer) return undefined;
  const seconds = meter?.createHistogram(WorkerMetric.viduRequestSeconds, 'float', 's', 'Vidu HTTP request latency');
  const errors = meter?.createCounter(WorkerMetric.viduRequestErrors, undefined, 'failed Vidu HTTP requests');
  return {
    start({ endpoint, method }) {
      const started = performance.now();
      // Named by endpoint, never by path: paths carry task ids. No URL, header or body is recorded.
      const span = tracer?.startSpan(`Vidu ${method} ${endpoint}`, {
        kind: SpanKind.CLIENT,
        attributes: { 'http.request.method': method, 'vidu.endpoint': endpoint },
      });
      return (end) => {
        seconds?.record((performance.now() - started) / 1000, { endpoint, outcome: end.ok ? 'ok' : 'error' });
        if (!end.ok) errors?.add(1, { endpoint, reason: end.reason });
        if (span) {
          if (!end.ok) {
            span.setAttribute('vidu.error.reason', end.reason);
            if (end.status !== undefined) span.setAttribute('http.response.status_code', end.status);
            span.setStatus({ code: SpanStatusCode.ERROR, message: end.reason });
          }
          span.end();
        }
      };
    },
  };
}
