import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AdFilmEdit, AdFilmStatus, RequestEditsResult, StoryboardView } from './ad-film-types';
import type { BatchStatus } from './batch-types';
import type { GenerationStatus } from './types';

// Declared once, shared by the workflows, the callback receiver and the client.

/** Vidu's callback body (the Get Generation shape), forwarded as-is by the callback receiver. */
export const taskUpdateSignal = defineSignal<[unknown]>('taskUpdate');

export const statusQuery = defineQuery<GenerationStatus>('status');

// AD-film workflow.

/** Review mode: queue more edits. Validated before acceptance: an invalid edit never enters history. */
export const requestEditsUpdate = defineUpdate<RequestEditsResult, [AdFilmEdit[]]>('requestEdits');
/** Review mode: compose with the current storyboards (after any running edits finish). */
export const approveSignal = defineSignal('approve');
export const storyboardsQuery = defineQuery<StoryboardView[]>('storyboards');
export const adFilmStatusQuery = defineQuery<AdFilmStatus>('status');

// Batch workflow.

/** Progress of a batch: done, failed and in flight (`status`, like the other workflow types). */
export const batchStatusQuery = defineQuery<BatchStatus>('status');
