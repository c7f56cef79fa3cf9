import { z } from 'zod';
import { httpUrl } from '../config/env';

// Metrics, health and tracing settings, shared by the worker and the callback receiver
// (worker/config.ts and receiver/config.ts spread `telemetryEnv` into their schemas).

export const telemetryEnv = {
  /** One port for /metrics, /healthz and /readyz; unset: no such endpoint (and no exporter). */
  METRICS_PORT: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be a TCP port, 1–65535')
    .max(65535, 'must be a TCP port, 1–65535')
    .optional(),
  /** Loopback unless told otherwise (a container sets 0.0.0.0 so its scraper reaches it). */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>` (/healthz and /readyz stay open). */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** OTLP/HTTP collector base URL (…:4318); unset: no tracing is installed at all. Read by the OTel exporter itself. */
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
};

export interface TelemetryConfig {
  /** METRICS_PORT, METRICS_HOST and METRICS_TOKEN; undefined: no metrics or health endpoint. */
  metrics: { port: number; host: string; token?: string } | undefined;
  /** OTEL_EXPORTER_OTLP_ENDPOINT set: traces are exported over OTLP/HTTP. */
  tracing: boolean;
}

export function telemetryConfig(e: {
  METRICS_PORT?: number | undefined;
  METRICS_HOST: string;
  METRICS_TOKEN?: string | undefined;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
}): TelemetryConfig {
  return {
    metrics:
      e.METRICS_PORT !== undefined
        ? { port: e.METRICS_PORT, host: e.METRICS_HOST, ...(e.METRICS_TOKEN ? { token: e.METRICS_TOKEN } : {}) }
        : undefined,
    tracing: e.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined,
  };
}
