import { Client, Connection } from '@temporalio/client';
import { CALLBACK_BODY_LIMIT_BYTES, createCallbackServer } from './callback-server';
import { loadCallbackConfig, type CallbackConfig } from './config';

async function main(config: CallbackConfig): Promise<void> {
  const connection = await Connection.connect(config.temporal.clientOptions);
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const app = createCallbackServer({ apiKey: config.VIDU_API_KEY, client, maxSkewMs: config.CALLBACK_MAX_SKEW_SECONDS * 1000 });
  const address = await app.listen({ port: config.CALLBACK_PORT, host: config.CALLBACK_HOST });
  console.log(`vidu-flow callback receiver: POST ${address}/vidu/callback → Temporal ${config.temporal.description}`);
  // What it accepts, for the operator reading this log; refusals follow as JSON lines with their reason.
  console.log(
    `  accepts: signed Date within ±${config.CALLBACK_MAX_SKEW_SECONDS} s, a signed x-request-nonce not seen before, body ≤ ${CALLBACK_BODY_LIMIT_BYTES / 1024} KiB; forwards task id, state, progress and nonce only`,
  );
  const stop = async () => {
    await app.close();
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
