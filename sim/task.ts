/**
 * The simulator's internal task record: everything the API views, the state
 * machine and the admin endpoints need, in one place (GET /_sim/tasks/<id>
 * returns it as is).
 */
import type { CreateEndpointKey } from './faults';

export type SimState = 'created' | 'queueing' | 'scheduled' | 'processing' | 'success' | 'failed';
export const SIM_STATES: readonly SimState[] = ['created', 'queueing', 'scheduled', 'processing', 'success', 'failed'];

export function isTerminalState(s: SimState): s is 'success' | 'failed' {
  return s === 'success' || s === 'failed';
}

export type AdRecordType = 'generate_video' | 'generate_narration' | 'generate_bgm';

/** Kind of task: an endpoint's own task, or a sub-record the sim produced for a finished AD film. */
export type TaskKind = CreateEndpointKey | 'ad-record';

/** What a successful task produces; the bytes are rendered on demand from the creation id. */
export interface OutputSpec {
  media: 'video' | 'image' | 'audio';
  /** Nominal size of the requested output (what Vidu would render). */
  width: number;
  height: number;
  durationSeconds: number;
  watermark: boolean;
}

export interface SimCreation {
  id: string;
  taskId: string;
  media: 'video' | 'image' | 'audio';
  /** Size of the file actually served (scaled down from the nominal size, see media/). */
  width: number;
  height: number;
  durationSeconds: number;
  fps: number;
  watermark: boolean;
}

/** Link from an AD-film sub-task (initial record, edit or compose) to its main task. */
export type AdLink =
  | { mainId: string; role: 'record'; recordType: AdRecordType; storyboardIndex: number | undefined; prompt: string }
  | { mainId: string; role: 'compose'; videoTaskIds: string[]; bgmTaskId: string; narrationTaskId: string };

/** Bookkeeping a successful AD-film main task owns (docs/vidu-api.md §5.2). */
export interface AdFilmBook {
  storyboards: Array<{ index: number; durationSeconds: number; recordIds: string[] }>;
  narrationIds: string[];
  bgmIds: string[];
  composeIds: string[];
}

export interface StateChange {
  state: SimState;
  /** Simulated time of the transition (RFC 3339). */
  at: string;
  errCode?: string;
}

export interface SimTask {
  id: string;
  kind: TaskKind;
  /** The `type` string shown in create responses and lists. */
  type: string;
  state: SimState;
  errCode: string;
  /** Simulated epoch ms. */
  createdAt: number;
  createdAtText: string;
  /** When created → queueing is due. */
  queueAt: number;
  offPeak: boolean;
  /** Off-peak: when the task leaves the waiting queue and becomes `scheduled`. */
  scheduleAt: number | undefined;
  /** Off-peak: if still not processing by then, the sim cancels it (OffPeakTimeout). */
  offPeakDeadline: number | undefined;
  startedAt: number | undefined;
  finishedAt: number | undefined;
  processingMs: number;
  /** Progress frozen at the moment a task failed while processing. */
  finalProgress: number;
  /** Decided at creation by the taskFailure fault; applied when processing ends. */
  plannedErrCode: string | undefined;
  /** Credits shown on the task (0 after a refund). */
  credits: number;
  /** Credits taken from the balance at creation. */
  charged: number;
  refunded: boolean;
  clientRequestId: string;
  callbackUrl: string | undefined;
  payload: string;
  bgm: boolean;
  model: string;
  prompt: string;
  /** Input media as given (URLs or data URIs). */
  images: string[];
  durationSeconds: number;
  resolution: string;
  aspectRatio: string;
  output: OutputSpec;
  /** The validated request (after model defaults), data URIs included. */
  request: Record<string, unknown>;
  /** Returned again verbatim for a repeated client_request_id. */
  createResponse: Record<string, unknown>;
  creations: SimCreation[];
  history: StateChange[];
  /** False for the sub-records the sim makes itself when an AD film finishes; they are not in lists or state counts. */
  userCreated: boolean;
  ad: AdLink | undefined;
  adFilm: AdFilmBook | undefined;
}
