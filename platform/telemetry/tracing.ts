import { trace, type Tracer } from '@opentelemetry/api';
import type * as OtlpHttp from '@opentelemetry/exporter-trace-otlp-http';
import type * as Resources from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import type * as TraceBase from '@opentelemetry/sdk-trace-base';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type * as TraceNode from '@opentelemetry/sdk-trace-node';
import type * as TemporalOtel from '@temporalio/interceptors-opentelemetry';
import type { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';

// OpenTelemetry tracing, installed only when OTEL_EXPORTER_OTLP_ENDPOINT is set (otherwise none
// of this runs: no provider, no interceptors, no overhead). Spans go over OTLP/HTTP to
// `$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces` (the exporter reads the OTEL_EXPORTER_OTLP_* variables
// itself: endpoint, headers, timeout). One trace runs from the client's start (client
// interceptor) through the workflow (workflow interceptors, spans exported through a sink) and
// its activities (activity interceptors) to the Vidu HTTP calls (worker/vidu-observer.ts). The
// worker's own interceptors and sink: worker/tracing-options.ts.

export interface Tracing {
  tracer: Tracer;
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Exports what is buffered now. */
  flush(): Promise<void>;
  /** Flushes and stops the exporter. */
  shutdown(): Promise<void>;
}

let installed: Tracing | undefined;

/** Whether this environment asks for tracing. */
export function tracingWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '') !== '';
}

/**
 * Registers the global tracer provider (W3C trace context, AsyncLocalStorage context) with an
 * OTLP/HTTP exporter. Once per process; undefined when OTEL_EXPORTER_OTLP_ENDPOINT is unset.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  if (!tracingWanted(env)) return undefined;
  if (installed) return installed;
  // The OpenTelemetry SDK loads here, once tracing is asked for: a process without it never pays for it.
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpHttp;
  const { Resource } = require('@opentelemetry/resources') as typeof Resources;
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof TraceBase;
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node') as typeof TraceNode;
  const resource = new Resource({ 'service.name': env.OTEL_SERVICE_NAME ?? serviceName });
  // Short delay: a generation's spans reach the collector within a second or two.
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter(), { scheduledDelayMillis: 1000 });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  installed = {
    tracer: trace.getTracer('vidu-flow'),
    spanProcessor,
    resource,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
  return installed;
}

/** Client interceptors that start the trace at `start` and carry it into the workflow's headers. */
export function tracingClientInterceptors(): { workflow: OpenTelemetryWorkflowClientInterceptor[] } {
  const { OpenTelemetryWorkflowClientInterceptor } =
    require('@temporalio/interceptors-opentelemetry') as typeof TemporalOtel;
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}
