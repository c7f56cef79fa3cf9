import { openInputStaging } from '../platform/stores/open-stores';
import { ViduFlowClient } from '../client';
import { ConfigError } from '../platform/config/env';
import { loadApiConfig } from './config';
import { downloadPresigner } from '../platform/downloads/presigner';
import { uploadPresigner } from './uploads/presign-upload';
import {
  checkKeysFileMode,
  KEYS_FILE_ENV,
  KeysFileError,
  loadKeysFile,
  newApiKey,
  type ApiKey,
} from '../platform/keys/api-keys';
import { buildApi } from './server';

// `npm run api`: the HTTP API on API_HOST:API_PORT (127.0.0.1:8787). `npm run api -- --new-key
// NAME [--id ID]` prints a new key and the entry to add to the keys file (with a fresh id, or ID:
// the old name, to keep what a key started before ids existed), and exits.

async function main(argv: string[]): Promise<number> {
  const at = argv.indexOf('--new-key');
  if (at >= 0) {
    const idAt = argv.indexOf('--id');
    const { key, entry } =
      idAt >= 0 ? newApiKey(argv[at + 1] ?? '', undefined, argv[idAt + 1] ?? '') : newApiKey(argv[at + 1] ?? '');
    console.log(`API key (give it to the caller; it is not stored anywhere): ${key}`);
    console.log(
      `Add this entry to the JSON array in ${process.env[KEYS_FILE_ENV] ?? 'the file named by ' + KEYS_FILE_ENV}` +
        ' (webhookSecret: give it to the caller too, to verify webhooks):',
    );
    console.log(JSON.stringify(entry));
    return 0;
  }
  const config = loadApiConfig();
  // The workers must see what the API stages: STAGING_URL=s3://… wins over STAGING_DIR, as in the worker.
  const client = await ViduFlowClient.connect({
    taskQueue: config.taskQueue,
    staging: openInputStaging(process.env, config.stagingDir),
  });
  let keys: readonly ApiKey[] = config.keys;
  // The operator edits the file, then sends SIGHUP; a broken (or group/world-readable) file keeps
  // the previous keys. Open event streams of a key removed or changed end at their next snapshot.
  process.on('SIGHUP', () => {
    try {
      const reloaded = loadKeysFile(config.keysFile);
      checkKeysFileMode(config.keysFile);
      keys = reloaded;
      console.log(`vidu-flow api: reloaded ${keys.length} key(s)`);
    } catch (err) {
      console.error(`vidu-flow api: keys not reloaded: ${(err as Error).message}`);
    }
  });
  const uploads = uploadPresigner();
  const app = buildApi({
    client,
    keys: () => keys,
    prices: () => config.prices.table(),
    budgets: () => config.budgets.entries(),
    privateUrls: config.privateUrls,
    webhookPrivateUrls: config.webhookPrivateUrls,
    bodyLimit: config.bodyLimit,
    batchBodyLimit: config.batchBodyLimit,
    uploadBodyLimit: config.uploadBodyLimit,
    stagingTtlDays: config.stagingTtlDays,
    jsonBodyLimit: config.jsonBodyLimit,
    jsonMaxDepth: config.jsonMaxDepth,
    rateLimitPerKey: config.rateLimitPerKey,
    rateLimitPerAddress: config.rateLimitPerAddress,
    maxStreamsPerKey: config.maxStreamsPerKey,
    maxStreams: config.maxStreams,
    ...(config.trustProxy !== undefined ? { trustProxy: config.trustProxy } : {}),
    eventsPollMs: config.eventsPollMs,
    presign: downloadPresigner(),
    ...(uploads ? { uploadPresigner: uploads } : {}),
  });
  await app.listen({ port: config.port, host: config.host });
  console.log(
    `vidu-flow api: listening on http://${config.host}:${config.port} (docs /docs, OpenAPI /openapi.json), ${keys.length} key(s), task queue ${config.taskQueue}`,
  );
  const stop = async () => {
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return -1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (err) => {
      console.error(
        err instanceof ConfigError || err instanceof KeysFileError
          ? err.message
          : `vidu-flow api failed: ${err instanceof Error ? err.message : err}`,
      );
      process.exit(err instanceof ConfigError || err instanceof KeysFileError ? 2 : 1);
    },
  );
}
