// mTLS end to end. The dev server speaks plaintext, so a TLS-terminating proxy (ALPN h2, client
// certificates required and checked against a test CA) stands in front of it, and every vidu-flow
// process reaches Temporal only through the proxy, configured the standard way (TEMPORAL_ADDRESS
// and TEMPORAL_TLS_* paths): the worker and the callback receiver as processes, then the CLI as
// a process. A client without a trusted certificate is refused.
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ViduFlowClient } from '../../client';
import { startStack, type Stack } from '../../dev/stack';
import { renderPng } from '../../sim/media/render';
import { loadTemporalConnection } from '../../platform/temporal/connection';
import type { GenerationResult } from '../../core/generation-types';
import { makeTestCerts, type TestCerts } from '../helpers/certs';
import { installQuietRuntime, temporalServer, uniqueTaskQueue } from '../helpers/temporal';
import { startTlsProxy, type TlsProxy } from '../helpers/tls-proxy';

const ROOT = path.resolve(__dirname, '../..');

let dir: string;
let certs: TestCerts;
let proxy: TlsProxy;
let stack: Stack;
let direct: ViduFlowClient;

beforeAll(async () => {
  installQuietRuntime();
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-mtls-'));
  mkdirSync(path.join(dir, 'certs'));
  certs = makeTestCerts(path.join(dir, 'certs'));
  const { address, namespace } = temporalServer();
  proxy = await startTlsProxy({
    target: address,
    caCert: certs.caCert,
    serverCert: certs.serverCert,
    serverKey: certs.serverKey,
  });
  const taskQueue = uniqueTaskQueue('e2e-mtls');
  stack = await startStack({
    temporalAddress: proxy.address,
    namespace,
    taskQueue,
    callbacks: true,
    temporalEnv: {
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
      TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey,
    },
    archiveDir: path.join(dir, 'archive'),
    stagingDir: path.join(dir, 'staging'),
    simEnv: { VIDU_SIM_TIME_SCALE: '60', VIDU_SIM_CALLBACK_RETRY_MS: '200' },
    logDir: path.join(dir, 'logs'),
  });
  // The test's own view of the results, straight to the dev server (not through the proxy).
  direct = await ViduFlowClient.connect({ address, namespace, taskQueue });
});

afterAll(async () => {
  await stack?.stop();
  await direct?.temporal.connection.close();
  await proxy?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'cli/main.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('Temporal over mTLS', () => {
  it('runs a generation started by the CLI on a worker and a receiver that reach Temporal only through mTLS', async () => {
    // Both processes connected through the proxy before the stack reported them ready.
    const secured = `${proxy.address} (namespace ${temporalServer().namespace}, mTLS)`;
    expect(await readFile(path.join(dir, 'logs', 'worker.log'), 'utf8')).toContain(`on ${secured}`);
    expect(await readFile(path.join(dir, 'logs', 'callbacks.log'), 'utf8')).toContain(`→ Temporal ${secured}`);
    const afterStart = proxy.authorized;
    expect(afterStart).toBeGreaterThanOrEqual(2);

    const image = `data:image/png;base64,${renderPng('mtls', { width: 256, height: 256 }).toString('base64')}`;
    const started = Date.now();
    const cli = await runCli(
      [
        'reference2image',
        '--model',
        'viduq2',
        '--image',
        image,
        '--prompt',
        'a poster',
        '--aspect-ratio',
        '1:1',
        '--wait-mode',
        'callback',
        '--wait',
        '--json',
      ],
      stack.env,
    );
    expect(cli.stderr).not.toMatch(/cannot connect/);
    expect(cli.code).toBe(0);
    expect(proxy.authorized).toBeGreaterThan(afterStart); // the CLI's own connection

    const result = JSON.parse(cli.stdout) as GenerationResult;
    expect(result).toMatchObject({ kind: 'reference2image', state: 'success' });
    // Straight from the server: the same run, finished by a callback that the receiver signalled.
    const handle = direct.getHandle(result.workflowId);
    expect(await handle.result()).toEqual(result);
    const status = await handle.status();
    expect(status).toMatchObject({ phase: 'done', waitMode: 'callback' });
    expect(status.updates).toBeGreaterThanOrEqual(1);
    for (const file of result.archive?.files ?? []) {
      expect(
        createHash('sha256')
          .update(await readFile(file.location))
          .digest('hex'),
      ).toBe(file.sha256);
    }
    expect(result.archive?.files.length).toBeGreaterThanOrEqual(1);
    console.log(
      `[mtls] CLI generation ${result.workflowId}: ${Date.now() - started} ms, ${status.updates} callback update(s), ` +
        `${result.archive?.files.length} file(s) archived; proxy: ${proxy.authorized} authorized connection(s)`,
    );
  });

  it.each([
    ['no client certificate', () => ({})],
    [
      'a certificate from a CA the server does not trust',
      () => ({ TEMPORAL_TLS_CLIENT_CERT_PATH: certs.strangerCert, TEMPORAL_TLS_CLIENT_KEY_PATH: certs.strangerKey }),
    ],
  ])('refuses a client with %s', async (label, extra) => {
    const conn = loadTemporalConnection({
      TEMPORAL_ADDRESS: proxy.address,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
      TEMPORAL_TLS_SERVER_NAME: 'localhost', // also in the certificate; spares grpc-js's warning about IP addresses as SNI
      ...extra(),
    });
    const refusedBefore = proxy.refused.length;
    const authorizedBefore = proxy.authorized;
    // The client library's connection (client, CLI, receiver) and the worker's native one.
    const clientError = await Connection.connect({ ...conn.clientOptions, connectTimeout: '2s' }).then(
      async (c) => {
        await c.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(clientError).toBeInstanceOf(Error);
    const nativeError = await NativeConnection.connect(conn.nativeOptions).then(
      async (c) => {
        await c.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(nativeError).toBeInstanceOf(Error);
    expect(proxy.authorized).toBe(authorizedBefore);
    expect(proxy.refused.length).toBeGreaterThan(refusedBefore);
    const reasons = new Set(
      proxy.refused.slice(refusedBefore).map((r) => /:SSL routines:[^:]*:([^:]+)/.exec(r)?.[1] ?? r),
    );
    console.log(
      `[mtls] ${label}: refused ${proxy.refused.length - refusedBefore} handshake(s) (${[...reasons].join('; ')})`,
    );
  });
});
