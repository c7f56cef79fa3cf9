import type { WorkflowHandle } from '@temporalio/client';
import type { AdFilmEdit, AdFilmResult, AdFilmStatus, RequestEditsResult, StoryboardView } from '../workflows/ad-film-types';
import { adFilmStatusQuery, approveSignal, requestEditsUpdate, storyboardsQuery } from '../workflows/messages';

/** A running AD film: follow it, and in review mode request edits and approve. */
export class AdFilmHandle {
  constructor(readonly workflow: WorkflowHandle) {}

  get workflowId(): string {
    return this.workflow.workflowId;
  }

  status(): Promise<AdFilmStatus> {
    return this.workflow.query(adFilmStatusQuery);
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

  result(): Promise<AdFilmResult> {
    return this.workflow.result() as Promise<AdFilmResult>;
  }

  async cancel(): Promise<void> {
    await this.workflow.cancel();
  }
}
