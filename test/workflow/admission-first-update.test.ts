// The slot manager started by its first `admit` update (update-with-start, exactly as
// activities/admission.ts requestSlot does), on the real dev server with the real workflow code.
// Issue 16 item 7: the handler called `next`, a `const` still in its temporal dead zone in the
// first activation, so that update was rejected with a ReferenceError and the first generation
// after every fresh start waited for the submit activity's 20 s retry.
import { WithStartWorkflowOperation } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdmissionActivities } from '../../activities/admission';
import { admitUpdate, SLOT_MANAGER_WORKFLOW_TYPE, slotsQuery } from '../../core/admission-messages';
import { startWorkflowWorker } from '../helpers/workflow-worker';
import { connectToTestServer, uniqueTaskQueue, type TestConnections } from '../helpers/temporal';

let temporal: TestConnections;

beforeAll(async () => {
  temporal = await connectToTestServer();
});

afterAll(async () => {
  await temporal?.close();
});

describe('slot manager started by its first admit update', () => {
  it('grants that update in its first activation (no failed workflow task, no retry)', async () => {
    const taskQueue = uniqueTaskQueue('slots-first-update');
    // The run's prebuilt bundle of the real workflows/ (test/global-setup.ts), else bundled here.
    const { worker, running } = await startWorkflowWorker(temporal, {
      taskQueue,
      activities: makeAdmissionActivities({ admission: undefined }),
    });
    const managerId = `vidu-slots-test-${taskQueue}`;
    const admit = (workflowId: string) =>
      temporal.client.workflow.executeUpdateWithStart(admitUpdate, {
        startWorkflowOperation: new WithStartWorkflowOperation(SLOT_MANAGER_WORKFLOW_TYPE, {
          workflowId: managerId,
          taskQueue,
          args: [],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
        args: [{ workflowId, priority: 'interactive', maxInFlight: 1 }],
      });
    const { first, second, events, state, firstMs } = await (async () => {
      const started = Date.now();
      const first = await admit('gen-first');
      const firstMs = Date.now() - started;
      // The cap is 1: a second asker queues (the grant path through `next` with a full manager).
      const second = await admit('gen-second');
      const handle = temporal.client.workflow.getHandle(managerId);
      const state = await handle.query(slotsQuery);
      const history = await handle.fetchHistory();
      await handle.terminate('test over');
      return { first, second, events: history.events ?? [], state, firstMs };
    })().finally(async () => {
      worker.shutdown();
      await running;
    });
    console.log(
      `[admission] first admit on a fresh slot manager answered in ${firstMs} ms (was ~20 s: the rejected update's activity retry)`,
    );
    expect(first).toEqual({ granted: true });
    expect(second).toEqual({ granted: false });
    expect(state.holders).toEqual(['gen-first']);
    expect(state.waiting.map((w) => w.workflowId)).toEqual(['gen-second']);
    const kinds = events.map((e) => Object.keys(e).find((k) => k.endsWith('EventAttributes')));
    expect(kinds).not.toContain('workflowTaskFailedEventAttributes');
    // The first update was accepted and completed in the first workflow task, before a second one started.
    const firstCompleted = kinds.indexOf('workflowExecutionUpdateCompletedEventAttributes');
    expect(firstCompleted).toBeGreaterThan(0);
    expect(kinds.slice(0, firstCompleted).filter((k) => k === 'workflowTaskStartedEventAttributes')).toHaveLength(1);
  });
});
