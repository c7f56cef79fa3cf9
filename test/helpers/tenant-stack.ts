import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ApiKey } from '../../platform/keys/api-keys';
import { startStack, type Stack } from '../../dev/stack';
import { temporalServer, uniqueTaskQueue } from './temporal';

// The stack the tenant e2e tests attack: simulator, receiver, worker and the HTTP API as separate
// processes, the API's keys in `<dir>/keys.json` (0600: the API and the worker refuse a keys file
// others may read, platform/keys/api-keys.ts), `dir` as the worker's input root (the layout the attacks
// were tried against), staging and archive under it.
export async function startTenantStack(dir: string, keys: readonly ApiKey[], queue: string): Promise<Stack> {
  const keysFile = path.join(dir, 'keys.json');
  await writeFile(keysFile, JSON.stringify(keys), { mode: 0o600 });
  const { address, namespace } = temporalServer();
  return startStack({
    temporalAddress: address,
    namespace,
    taskQueue: uniqueTaskQueue(queue),
    callbacks: true,
    archiveDir: path.join(dir, 'archive'),
    stagingDir: path.join(dir, 'staging'),
    inputRoots: [dir],
    simEnv: { VIDU_SIM_TIME_SCALE: '60', VIDU_SIM_CALLBACK_RETRY_MS: '200' },
    apiKeysFile: keysFile,
    logDir: path.join(dir, 'logs'),
  });
}
