// Whether tracing is asked for, in a file of its own: the typed client checks it before it loads
// the OpenTelemetry SDK (platform/telemetry/tracing.ts), so a client without tracing never loads it.

/** Whether this environment asks for tracing (OTEL_EXPORTER_OTLP_ENDPOINT set and not empty). */
export function tracingWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '') !== '';
}
