import type { WorkflowHandle } from '@temporalio/client';
import type { AdFilmEdit, AdFilmResult, AdFilmStatus, RequestEditsResult, StoryboardView } from '../core/ad-film-types';
import type { MusicVideoEdit, MusicVideoResult } from '../core/music-video-types';
import { adFilmStatusQuery, approveSignal, requestEditsUpdate, storyboardsQuery } from '../core/workflow-messages';
import { RunHandle } from './run-handle';

/**
 * A running one-click film (the AD film, or the music video on its workflow): follow it, and in
 * review mode request edits and approve. `R` is its result, `E` the edits it takes.
 */
export class FilmHandle<R, E extends AdFilmEdit = AdFilmEdit> extends RunHandle<AdFilmStatus, R> {
  constructor(workflow: WorkflowHandle) {
    super(workflow, adFilmStatusQuery);
  }

  storyboards(): Promise<StoryboardView[]> {
    return this.workflow.query(storyboardsQuery);
  }

  /** Review mode: queues edits; an invalid edit is rejected here, with the reason. */
  requestEdits(edits: E[]): Promise<RequestEditsResult> {
    return this.workflow.executeUpdate(requestEditsUpdate, { args: [edits] });
  }

  /** Review mode: compose once the running edits finish. */
  approve(): Promise<void> {
    return this.workflow.signal(approveSignal);
  }
}

/** A running AD film. */
export class AdFilmHandle extends FilmHandle<AdFilmResult> {}

/** A running music video (workflow `musicVideo`): footage edits only. */
export class MusicVideoHandle extends FilmHandle<MusicVideoResult, MusicVideoEdit> {}
