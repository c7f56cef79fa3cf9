import type { ArchiveResult, FilmCreation, GenerationOptions, TaskStateName } from './generation-types';

/** One regeneration: a storyboard's footage, the narration text, or the BGM prompt. */
export type AdFilmEdit =
  | { type: 'video'; storyboard: number; prompt: string }
  | { type: 'narration'; text: string }
  | { type: 'bgm'; prompt: string };

export interface AdFilmOptions extends Omit<GenerationOptions, 'upscale' | 'onTaskFailure' | 'onBudgetExceeded'> {
  /** Wait for a person or service (update `requestEdits`, signal `approve`) before composing. */
  review?: boolean;
  /** How long review mode waits for `approve` (default 24 h). */
  reviewTimeoutSeconds?: number;
  /** At the review timeout: `fail` (default; nothing is composed, so nothing more is spent) or `compose`. */
  onReviewTimeout?: 'fail' | 'compose';
  /** Submissions per edit before it counts as failed (default 3). */
  editAttempts?: number;
}

/** `request` is Vidu's ad-one-click body (images, prompt, duration, aspect_ratio, language). */
export interface AdFilmInput {
  request: Record<string, unknown>;
  edits?: AdFilmEdit[];
  options?: AdFilmOptions;
}

export interface AdSubTask {
  id: string;
  state: TaskStateName;
  errCode: string;
  prompt: string;
  creationUrl: string;
}

export interface AdFilmDetail {
  taskId: string;
  state: TaskStateName;
  storyboards: Array<{ index: number; records: AdSubTask[] }>;
  narration: AdSubTask[];
  bgm: AdSubTask[];
  composed: Array<{
    id: string;
    state: TaskStateName;
    creationUrl: string;
    videoTaskIds: string[];
    bgmTaskId: string;
    narrationTaskId: string;
  }>;
}

export interface EditOutcome {
  edit: AdFilmEdit;
  state: 'success' | 'failed';
  subTaskIds: string[];
  /** Credits Vidu reported for those sub-tasks; part of the film's credits. */
  credits: number;
  errCode?: string;
  message?: string;
}

export interface StoryboardView {
  index: number;
  /** The prompt of the sub-task compose would use now. */
  prompt: string;
  state: TaskStateName;
  mediaUrl: string;
  subTaskId: string;
  /** Edits requested for this storyboard so far, and the outcome of the last one. */
  edits: number;
  lastEdit?: 'running' | 'success' | 'failed';
}

export interface AdFilmStatus {
  phase:
    | 'staging'
    | 'waiting_for_slot'
    | 'submitting'
    | 'generating'
    | 'editing'
    | 'reviewing'
    | 'composing'
    | 'archiving'
    | 'done'
    | 'failed'
    | 'cancelled';
  taskId?: string;
  state: TaskStateName | 'not_submitted';
  progress: number;
  credits: number;
  composeTaskId?: string;
  editsRunning: number;
  edits: EditOutcome[];
  approved: boolean;
  /** Once archived: the files, and any storyboard cover that could not be had (`missing`). */
  archive?: ArchiveResult;
  error?: string;
}

export interface AdFilmResult {
  workflowId: string;
  taskId: string;
  composeTaskId: string;
  credits: number;
  videoTaskIds: string[];
  bgmTaskId: string;
  narrationTaskId: string;
  edits: EditOutcome[];
  film: FilmCreation[];
  archive?: ArchiveResult;
}

export interface RequestEditsResult {
  accepted: number;
}
