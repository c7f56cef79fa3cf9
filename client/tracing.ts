import { ProxyTracerProvider, trace } from '@opentelemetry/api';
import type { ClientInterceptors } from '@temporalio/client';
import { startTracing, tracingClientInterceptors, tracingWanted } from '../platform/telemetry/tracing';

/**
 * Client options that start a trace at every workflow start and carry it into the workflow, when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set; nothing at all otherwise. A host service that registered
 * its own OpenTelemetry provider keeps it (the interceptor uses the global provider); otherwise
 * vidu-flow's is registered, and flushed when the process is about to exit (the CLI).
 */
export function clientTracingOptions(env: NodeJS.ProcessEnv = process.env): { interceptors?: ClientInterceptors } {
  if (!tracingWanted(env)) return {};
  const global = trace.getTracerProvider();
  // An unset global provider delegates to the API's no-op singleton, which a fresh proxy also returns.
  const hasProvider =
    !(global instanceof ProxyTracerProvider) || global.getDelegate() !== new ProxyTracerProvider().getDelegate();
  if (!hasProvider) {
    const tracing = startTracing('vidu-flow-client', env);
    if (tracing) process.once('beforeExit', () => void tracing.shutdown());
  }
  return { interceptors: tracingClientInterceptors() };
}
