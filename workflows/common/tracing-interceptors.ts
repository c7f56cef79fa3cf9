// Workflow interceptors for OpenTelemetry tracing, registered by the worker
// (WorkerOptions.interceptors.workflowModules) only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
// Deterministic: spans are built from workflow time and leave the sandbox through a sink.
export { interceptors } from '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors';
