import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AdFilmEdit, AdFilmStatus, RequestEditsResult, StoryboardView } from './ad-film-types';
import type { BatchStatus } from './batch-types';
import type { TaskUpdate } from './task-update';
import type { GenerationStatus } from './generation-types';

// Declared once, shared by the workflows, the callback receiver and the client.
// A contract between versions (issue 18, README "Upgrading"): runs pinned to an older Worker
// Deployment version receive these from today's receiver, client and API, so names and payloads
// change only by addition (a new optional field, a new message) while such a version is up.

/**
 * A small wake-up about one Vidu task, from the callback receiver or the poll activity (see
 * task-update.ts): progress shows at once, a terminal state is confirmed with Get Generation.
 */
export const taskUpdateSignal = defineSignal<[TaskUpdate]>('taskUpdate');

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
