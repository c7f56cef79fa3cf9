import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { Tracing } from '../platform/telemetry/tracing';

// The worker's half of tracing (platform/telemetry/tracing.ts starts the provider): it names the
// workflow interceptor module, so it lives beside the worker that registers workflows.

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
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) } as unknown as InjectedSinks<
      Record<string, never>
    >,
  };
}
