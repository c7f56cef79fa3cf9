import { Runtime, type Worker, type WorkerOptions } from '@temporalio/worker';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { activityMetricsInterceptor } from '../activities/metrics';
import { WorkerMetric } from '../contract/metric-names';
import type { ViduRequestObserver } from '../vidu/observer';
import { startHealthServer, type HealthServer } from '../platform/health/health-server';
import type { TelemetryConfig } from '../platform/telemetry/telemetry-config';
import { startTracing, type Tracing } from '../platform/telemetry/tracing';
import { tracingWorkerOptions } from './tracing-options';
import { createViduObserver } from './vidu-observer';

// Everything the worker exports about itself, set up before it connects to Temporal:
//  - METRICS_PORT: the Core runtime's Prometheus exporter (the SDK's own metrics and vidu-flow's,
//    recorded with the SDK's metric meter) and /healthz, /readyz. The exporter insists on a port
//    of its own; it is bound to a free loopback port and /metrics on METRICS_PORT serves what it
//    says, so operators see one port for scraping and probes.
//  - OTEL_EXPORTER_OTLP_ENDPOINT: tracing (platform/telemetry/tracing.ts).

/** Bucket bounds for vidu-flow's histograms, all in seconds (Core's defaults suit milliseconds). */
export const SECONDS_BUCKETS: Record<string, number[]> = {
  [WorkerMetric.viduRequestSeconds]: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  [WorkerMetric.archiveSeconds]: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
  [WorkerMetric.slotWaitSeconds]: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600],
};

export interface WorkerTelemetry {
  /** For the ViduClient constructor: the observer, when metrics or tracing are on. */
  viduClientOptions: { observer?: ViduRequestObserver };
  /** For Worker.create: interceptors and sinks. */
  workerOptions: Pick<WorkerOptions, 'interceptors' | 'sinks'>;
  /** Readiness follows this worker's state (ready while RUNNING, i.e. polling). */
  watch(worker: Worker): void;
  /** Where /metrics, /healthz and /readyz answer, when METRICS_PORT is set. */
  url: string | undefined;
  close(): Promise<void>;
}

export async function startWorkerTelemetry(config: TelemetryConfig): Promise<WorkerTelemetry> {
  const tracing: Tracing | undefined = config.tracing ? startTracing('vidu-flow-worker') : undefined;
  let health: HealthServer | undefined;
  let worker: Worker | undefined;
  if (config.metrics) {
    const exporterPort = await freeLoopbackPort();
    Runtime.install({
      telemetryOptions: {
        metrics: {
          prometheus: { bindAddress: `127.0.0.1:${exporterPort}`, histogramBucketOverrides: SECONDS_BUCKETS },
        },
      },
    });
    health = await startHealthServer({
      ...config.metrics,
      ready: () => worker?.getState() === 'RUNNING',
      metrics: async () => {
        const res = await fetch(`http://127.0.0.1:${exporterPort}/metrics`, { signal: AbortSignal.timeout(5000) });
        return { contentType: res.headers.get('content-type') ?? 'text/plain; version=0.0.4', body: await res.text() };
      },
    });
  }
  if (health)
    console.log(`vidu-flow worker: metrics, health and readiness at ${health.url}/metrics, /healthz, /readyz`);
  if (tracing) console.log('vidu-flow worker: tracing to OTEL_EXPORTER_OTLP_ENDPOINT over OTLP/HTTP');
  const meter = config.metrics ? Runtime.instance().metricMeter : undefined;
  const observer = createViduObserver({ ...(meter ? { meter } : {}), ...(tracing ? { tracer: tracing.tracer } : {}) });
  const traced = tracing ? tracingWorkerOptions(tracing) : undefined;
  const activity = [...(traced?.activity ?? []), ...(config.metrics ? [activityMetricsInterceptor] : [])];
  return {
    viduClientOptions: observer ? { observer } : {},
    workerOptions: {
      interceptors: {
        ...(activity.length > 0 ? { activity } : {}),
        ...(traced ? { workflowModules: traced.workflowModules } : {}),
      },
      ...(traced ? { sinks: traced.sinks } : {}),
    },
    watch: (w) => {
      worker = w;
    },
    url: health?.url,
    close: async () => {
      await health?.close();
      await tracing?.shutdown();
    },
  };
}

/** A free port on 127.0.0.1 for the exporter, which only takes an address. */
async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
