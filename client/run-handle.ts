import type { WorkflowHandle } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';
import { deferredGenerationStatus, deferredStartOf, type DeferredStart } from '../platform/temporal/deferred-start';

export { deferredGenerationStatus, deferredStartOf, type DeferredStart };

/**
 * What every vidu-flow handle offers over its workflow: the `status` query, the result, cancel,
 * and a status stream that ends when the workflow closes.
 */
export class RunHandle<Status, Result> {
  constructor(
    readonly workflow: WorkflowHandle,
    private readonly statusDef: QueryDefinition<Status>,
    /** The status of a deferred start that has not begun (the query cannot answer yet); none: the query's error is thrown. */
    private readonly deferredStatus?: (d: DeferredStart) => Status,
  ) {}

  get workflowId(): string {
    return this.workflow.workflowId;
  }

  /** The `status` query; during a deferred start, before the workflow's first task, a status built from describe. */
  async status(): Promise<Status> {
    try {
      return await this.workflow.query(this.statusDef);
    } catch (err) {
      if (!this.deferredStatus) throw err;
      const deferred = await this.workflow.describe().then(
        (d) => deferredStartOf(d),
        () => undefined,
      );
      if (deferred) return this.deferredStatus(deferred);
      throw err;
    }
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
