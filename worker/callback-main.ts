import { Client, Connection } from '@temporalio/client';
import { createCallbackServer } from './callback-server';
import { loadCallbackConfig, type CallbackConfig } from './config';

async function main(config: CallbackConfig): Promise<void> {
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const app = createCallbackServer({ apiKey: config.VIDU_API_KEY, client, maxSkewMs: config.CALLBACK_MAX_SKEW_SECONDS * 1000 });
  const address = await app.listen({ port: config.CALLBACK_PORT, host: config.CALLBACK_HOST });
  console.log(`vidu-flow callback receiver: POST ${address}/vidu/callback → Temporal ${config.TEMPORAL_ADDRESS}`);
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
