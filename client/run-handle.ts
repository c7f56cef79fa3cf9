import type { WorkflowHandle } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';

/**
 * What every vidu-flow handle offers over its workflow: the `status` query, the result, cancel,
 * and a status stream that ends when the workflow closes.
 */
export class RunHandle<Status, Result> {
  constructor(
    readonly workflow: WorkflowHandle,
    private readonly statusDef: QueryDefinition<Status>,
  ) {}

  get workflowId(): string {
    return this.workflow.workflowId;
  }

  status(): Promise<Status> {
    return this.workflow.query(this.statusDef);
  }

  /** Follows continue-as-new to the final run. */
  result(): Promise<Result> {
    return this.workflow.result() as Promise<Result>;
  }

  /** Cancels the run; the workflow cancels what it has in flight at Vidu and records the outcome. */
  async cancel(): Promise<void> {
    await this.workflow.cancel();
  }

  /** Yields the status every `intervalMs` until the workflow closes. */
  async *watch(intervalMs = 1000): AsyncIterable<Status> {
    while (true) {
      const running = (await this.workflow.describe()).status.name === 'RUNNING';
      try {
        yield await this.status();
      } catch (err) {
        // A closed workflow may have no worker left to answer its query.
        if (running) throw err;
      }
      if (!running) return;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
