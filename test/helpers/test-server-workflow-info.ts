// A workflow interceptor module, bundled into the fast tests' workflow bundle only
// (test/helpers/time-skipping.ts): it undoes one way the Java time-skipping test server differs
// from a real Temporal server, so the REAL workflow code runs on it unchanged.
//
// Why: a start without a workflow execution or run timeout means "no timeout" on a real server,
// and the workflow sees none (workflowInfo().executionTimeoutMs undefined). The Java test server
// instead fills in 10 years for each (TestWorkflowMutableStateImpl.overrideStartWorkflowExecutionRequest,
// `315360000000` ms, io.temporal:temporal-test-server 1.39.0), and vidu-flow's workflows refuse any
// Temporal timeout as unkeepable (workflows/own-id.ts refuseUnkeepableStart). So here, before the
// workflow function runs, that stand-in for "unset" reads as unset again; any other timeout a test
// sets is left as it is, and still refused.
import type { WorkflowInterceptors } from '@temporalio/workflow';
import { getActivator } from '@temporalio/workflow/lib/global-attributes';

/** 10 × 365 days in ms: the Java test server's value for a timeout the start left unset. */
export const TEST_SERVER_UNSET_TIMEOUT_MS = 315_360_000_000;

const unset = (ms: number | undefined): number | undefined =>
  ms !== undefined && ms >= TEST_SERVER_UNSET_TIMEOUT_MS ? undefined : ms;

export function interceptors(): WorkflowInterceptors {
  // The SDK calls this factory once per workflow execution, after its info is known and before
  // the workflow function runs (@temporalio/workflow worker-interface.js initRuntime).
  getActivator().mutateWorkflowInfo((info) => ({
    ...info,
    executionTimeoutMs: unset(info.executionTimeoutMs),
    runTimeoutMs: unset(info.runTimeoutMs),
  }));
  return {};
}
