import type { WorkflowExecutionDescription } from '@temporalio/client';
import type { GenerationKind, GenerationStatus } from '../../core/generation-types';
import { ViduKind } from '../../core/search-attributes';

// A deferred start as describe shows it, read the same way by the client's handles and the HTTP
// API's generation view (platform/generation-view.ts).

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
export function deferredStartOf(
  desc: Pick<WorkflowExecutionDescription, 'status' | 'startTime' | 'executionTime' | 'typedSearchAttributes' | 'type'>,
  now = new Date(),
): DeferredStart | undefined {
  const at = desc.executionTime;
  if (
    desc.status.name !== 'RUNNING' ||
    at === undefined ||
    at.getTime() <= desc.startTime.getTime() ||
    at.getTime() <= now.getTime()
  )
    return undefined;
  return { kind: desc.typedSearchAttributes.get(ViduKind) ?? desc.type, notBefore: at.toISOString() };
}

/** A generation's status before its deferred start begins: nothing ran, nothing was sent to Vidu. */
export function deferredGenerationStatus(d: DeferredStart): GenerationStatus {
  return {
    kind: d.kind as GenerationKind,
    phase: 'deferred',
    state: 'not_submitted',
    progress: 0,
    updates: 0,
    notBefore: d.notBefore,
  };
}
