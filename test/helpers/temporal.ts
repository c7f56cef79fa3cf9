// Helpers for tests in the `workflow` and `e2e` vitest projects (test/workflow, test/e2e). They talk to the
// real dev server that test/global-setup.ts started for the run.

import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { expect, inject } from 'vitest';

/** Address and namespace of the run's dev server. */
export function temporalServer(): { address: string; namespace: string } {
  return { address: inject('temporalAddress'), namespace: inject('temporalNamespace') };
}

/** A task queue no other test (or earlier run on a persistent server) uses. */
export function uniqueTaskQueue(name: string): string {
  return `${name}-${randomUUID()}`;
}

let runtimeInstalled = false;

/** Keeps the SDK's Runtime at WARN so worker start/stop INFO lines don't flood test output. */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed in this process by someone else: keep theirs.
  }
}

export interface TestConnections {
  client: Client;
  /** For Worker.create({ connection }). */
  nativeConnection: NativeConnection;
  namespace: string;
  close(): Promise<void>;
}

/** A Client and a worker NativeConnection to the run's dev server; close() in afterAll. */
export async function connectToTestServer(): Promise<TestConnections> {
  installQuietRuntime();
  const { address, namespace } = temporalServer();
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    client: new Client({ connection, namespace }),
    nativeConnection,
    namespace,
    async close() {
      await nativeConnection.close();
      await connection.close();
    },
  };
}

/** The failure a workflow closed with (its WorkflowFailedError's cause); fails the test if it succeeded. */
export async function failureOf(handle: { result(): Promise<unknown> }): Promise<unknown> {
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  return (err as WorkflowFailedError).cause;
}
