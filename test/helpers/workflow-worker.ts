import { Worker, type WorkerOptions } from '@temporalio/worker';
import { promoteAtStart } from '../../platform/temporal/deployments';
import { workflowCodeOption } from '../../worker/workflow-bundle';
import type { TestConnections } from './temporal';

// An in-process worker of the real workflows/ for the dev-server workflow tests. Every workflow
// type declares a versioning behaviour (workflows/versioning.ts), and the server refuses a
// workflow task that carries one from a worker outside a versioned deployment ("versioning
// behavior cannot be specified without deployment options being set with versioned mode"), so
// the worker runs as a version of a deployment of its own (named after its task queue, as
// dev/stack.ts does for a stack) and is made current before any workflow is started.

const TEST_BUILD_ID = 'test';

export interface WorkflowWorker {
  worker: Worker;
  /** worker.run(), already started; await it after worker.shutdown(). */
  running: Promise<void>;
}

/** Creates the worker, starts it and waits until its version is current. */
export async function startWorkflowWorker(
  temporal: TestConnections,
  options: Pick<WorkerOptions, 'taskQueue' | 'activities'> & Partial<WorkerOptions>,
): Promise<WorkflowWorker> {
  const { note: _note, ...workflowCode } = workflowCodeOption(process.env);
  const worker = await Worker.create({
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
    ...workflowCode,
    ...options,
    workerDeploymentOptions: {
      useWorkerVersioning: true,
      version: { deploymentName: options.taskQueue, buildId: TEST_BUILD_ID },
      defaultVersioningBehavior: 'PINNED',
    },
  });
  const running = worker.run();
  await promoteAtStart({ client: temporal.client, deploymentName: options.taskQueue }, TEST_BUILD_ID, 'always');
  return { worker, running };
}
