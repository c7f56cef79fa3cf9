import { Client, Connection } from '@temporalio/client';
import { createCallbackMetrics } from './metrics';
import { CALLBACK_BODY_LIMIT_BYTES, createCallbackServer } from './server';
import { loadCallbackConfig, type CallbackConfig } from './config';
import { startHealthServer } from '../platform/health/health-server';

async function main(config: CallbackConfig): Promise<void> {
  const connection = await Connection.connect(config.temporal.clientOptions);
  const client = new Client({ connection, namespace: config.temporal.namespace });
  // Ready = Temporal answers its health check (a signal could be delivered now).
  const ready = async () => {
    const res = await connection.withDeadline(Date.now() + 2000, () => connection.healthService.check({}));
    return res.status === 1; // SERVING
  };
  const metrics = config.METRICS_PORT !== undefined ? createCallbackMetrics() : undefined;
  const app = createCallbackServer({
    apiKey: config.VIDU_API_KEY,
    client,
    maxSkewMs: config.CALLBACK_MAX_SKEW_SECONDS * 1000,
    forwardStates: config.CALLBACK_FORWARD_STATES,
    ready,
    maxSignalsInFlight: config.CALLBACK_MAX_SIGNALS_IN_FLIGHT,
    maxWaiting: config.CALLBACK_MAX_WAITING,
    ...(metrics ? { metrics: metrics.observer } : {}),
  });
  const address = await app.listen({ port: config.CALLBACK_PORT, host: config.CALLBACK_HOST });
  console.log(`vidu-flow callback receiver: POST ${address}/vidu/callback → Temporal ${config.temporal.description}`);
  // What it accepts, for the operator reading this log; refusals follow as JSON lines with their reason.
  console.log(
    `  accepts: signed Date within ±${config.CALLBACK_MAX_SKEW_SECONDS} s, a signed x-request-nonce not seen before, body ≤ ${CALLBACK_BODY_LIMIT_BYTES / 1024} KiB; forwards task id, state, progress and nonce only, for terminal states and ${[...config.CALLBACK_FORWARD_STATES].join(', ') || 'no other state'} (CALLBACK_FORWARD_STATES); ` +
      `at most ${config.CALLBACK_MAX_SIGNALS_IN_FLIGHT} signals in flight and ${config.CALLBACK_MAX_WAITING} callbacks waiting, then 503 (CALLBACK_MAX_SIGNALS_IN_FLIGHT, CALLBACK_MAX_WAITING)`,
  );
  // Metrics on a port of their own (METRICS_PORT), kept off the public callback port.
  const health = metrics
    ? await startHealthServer({
        port: config.METRICS_PORT!,
        host: config.METRICS_HOST,
        ready,
        metrics: metrics.render,
        ...(config.METRICS_TOKEN ? { token: config.METRICS_TOKEN } : {}),
      })
    : undefined;
  if (health) console.log(`  metrics, health and readiness at ${health.url}/metrics, /healthz, /readyz`);
  const stop = async () => {
    await app.close();
    await health?.close();
    await connection.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

let config: CallbackConfig;
try {
  config = loadCallbackConfig();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(2);
}
main(config).catch((err) => {
  console.error('vidu-flow callback receiver failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
