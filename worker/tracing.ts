import { trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';

// OpenTelemetry tracing, installed only when OTEL_EXPORTER_OTLP_ENDPOINT is set (otherwise none
// of this runs: no provider, no interceptors, no overhead). Spans go over OTLP/HTTP to
// `$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces` (the exporter reads the OTEL_EXPORTER_OTLP_* variables
// itself: endpoint, headers, timeout). One trace runs from the client's start (client
// interceptor) through the workflow (workflow interceptors, spans exported through a sink) and
// its activities (activity interceptors) to the Vidu HTTP calls (worker/vidu-observer.ts).

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

/** Worker options that trace workflows and activities; spread into Worker.create. */
export function tracingWorkerOptions(tracing: Tracing): {
  workflowModules: string[];
  activity: ActivityInterceptorsFactory[];
  sinks: InjectedSinks<Record<string, never>>;
} {
  return {
    workflowModules: [require.resolve('../workflows/common/tracing-interceptors')],
    activity: [
      (ctx) => ({
        inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
        outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
      }),
    ],
    // The workflow interceptors hand their spans to this sink (workflows cannot do I/O).
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) } as unknown as InjectedSinks<Record<string, never>>,
  };
}

/** Client interceptors that start the trace at `start` and carry it into the workflow's headers. */
export function tracingClientInterceptors(): { workflow: OpenTelemetryWorkflowClientInterceptor[] } {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}
