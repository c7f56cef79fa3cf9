import type { WorkflowHandle } from '@temporalio/client';
import type { AdFilmEdit, AdFilmResult, AdFilmStatus, RequestEditsResult, StoryboardView } from '../core/ad-film-types';
import { adFilmStatusQuery, approveSignal, requestEditsUpdate, storyboardsQuery } from '../core/workflow-messages';
import { RunHandle } from './run-handle';

/** A running AD film: follow it, and in review mode request edits and approve. */
export class AdFilmHandle extends RunHandle<AdFilmStatus, AdFilmResult> {
  constructor(workflow: WorkflowHandle) {
    super(workflow, adFilmStatusQuery);
  }

  storyboards(): Promise<StoryboardView[]> {
    return this.workflow.query(storyboardsQuery);
  }

  /** Review mode: queues edits; an invalid edit is rejected here, with the reason. */
  requestEdits(edits: AdFilmEdit[]): Promise<RequestEditsResult> {
    return this.workflow.executeUpdate(requestEditsUpdate, { args: [edits] });
  }

  /** Review mode: compose once the running edits finish. */
  approve(): Promise<void> {
    return this.workflow.signal(approveSignal);
  }
}
