import type { WorkflowExecutionDescription, WorkflowHandle } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';
import type { GenerationKind, GenerationStatus } from '../core/generation-types';
import { ViduKind } from '../core/search-attributes';

/** A workflow started with a delay (startDelay, `notBefore`) whose first workflow task has not run yet. */
export interface DeferredStart {
  /** ViduKind, else the workflow type. */
  kind: string;
  /** When the delay ends: the execution time Temporal keeps (start time + startDelay), ISO 8601. */
  notBefore: string;
}

/**
 * Whether `desc` is a deferred start still waiting for its delay to end. Until the first workflow
 * task the server answers every query with "Workflow task is not scheduled yet" (no code has run
 * to answer it); describe works throughout: Temporal's execution time is the start time plus the
 * delay, and the search attributes the starter set (ViduKind…) are there. This is the recipe for
 * any SDK (README "Use from any language"): describe → status RUNNING and execution_time later
 * than now → phase `deferred`, not before execution_time.
 */
export function deferredStartOf(desc: Pick<WorkflowExecutionDescription, 'status' | 'startTime' | 'executionTime' | 'typedSearchAttributes' | 'type'>, now = new Date()): DeferredStart | undefined {
  const at = desc.executionTime;
  if (desc.status.name !== 'RUNNING' || at === undefined || at.getTime() <= desc.startTime.getTime() || at.getTime() <= now.getTime()) return undefined;
  return { kind: desc.typedSearchAttributes.get(ViduKind) ?? desc.type, notBefore: at.toISOString() };
}

/** A generation's status before its deferred start begins: nothing ran, nothing was sent to Vidu. */
export function deferredGenerationStatus(d: DeferredStart): GenerationStatus {
  return { kind: d.kind as GenerationKind, phase: 'deferred', state: 'not_submitted', progress: 0, updates: 0, notBefore: d.notBefore };
}

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
