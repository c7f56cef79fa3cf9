/**
 * In-memory state of the simulated account: tasks, creations, the
 * client_request_id index, and the counters and request log tests read
 * through /_sim/.
 */
import type { EndpointKey } from './faults';
import { SIM_STATES, type SimCreation, type SimState, type SimTask } from './task';

export interface RequestLogEntry {
  /** Simulated time the request arrived (RFC 3339). */
  at: string;
  method: string;
  path: string;
  endpoint: EndpointKey | undefined;
  /** 0 when the sim dropped the connection without answering (dropResponse fault). */
  status: number;
  clientRequestId?: string;
  taskId?: string;
  body?: unknown;
}

/** A subject of the simulated account's library (docs/vidu-api-subjects.md §1). */
export interface SimSubject {
  id: string;
  name: string;
  images: string[];
  videos: string[];
  voice_id: string;
  style: string;
  description: string;
}

export class SimStore {
  readonly tasks = new Map<string, SimTask>();
  readonly creations = new Map<string, SimCreation>();
  readonly taskIdByClientRequestId = new Map<string, string>();
  readonly submissionsByClientRequestId = new Map<string, number>();
  readonly requestsByEndpoint = new Map<EndpointKey, number>();
  /** Voice ids made by audio-clone: unique per account (docs/vidu-api-more-endpoints.md §9.4). */
  readonly voices = new Set<string>();
  /** The subject library (sim/routes/subjects.ts), by id. */
  readonly subjects = new Map<string, SimSubject>();
  requestLog: RequestLogEntry[] = [];
  maxRunningAtOnce = 0;

  constructor(private readonly requestLogLimit: number) {}

  reset(): void {
    this.tasks.clear();
    this.creations.clear();
    this.taskIdByClientRequestId.clear();
    this.submissionsByClientRequestId.clear();
    this.requestsByEndpoint.clear();
    this.voices.clear();
    this.subjects.clear();
    this.requestLog = [];
    this.maxRunningAtOnce = 0;
  }

  add(task: SimTask): void {
    this.tasks.set(task.id, task);
    if (task.clientRequestId) this.taskIdByClientRequestId.set(task.clientRequestId, task.id);
  }

  get(id: string): SimTask | undefined {
    return this.tasks.get(id);
  }

  byClientRequestId(key: string): SimTask | undefined {
    const id = this.taskIdByClientRequestId.get(key);
    return id === undefined ? undefined : this.tasks.get(id);
  }

  addCreation(c: SimCreation): void {
    this.creations.set(c.id, c);
  }

  countRequest(endpoint: EndpointKey): void {
    this.requestsByEndpoint.set(endpoint, (this.requestsByEndpoint.get(endpoint) ?? 0) + 1);
  }

  countSubmission(clientRequestId: string): void {
    this.submissionsByClientRequestId.set(
      clientRequestId,
      (this.submissionsByClientRequestId.get(clientRequestId) ?? 0) + 1,
    );
  }

  logRequest(entry: RequestLogEntry): void {
    if (this.requestLogLimit === 0) return;
    this.requestLog.push(entry);
    // Drop the oldest in chunks rather than shift() per request.
    if (this.requestLog.length > this.requestLogLimit * 1.1)
      this.requestLog = this.requestLog.slice(-this.requestLogLimit);
  }

  /** Tasks the account created through the API (not the AD-film sub-records the sim makes). */
  userTasks(): SimTask[] {
    return [...this.tasks.values()].filter((t) => t.userCreated);
  }

  tasksByState(): Record<SimState, number> {
    const out = Object.fromEntries(SIM_STATES.map((s) => [s, 0])) as Record<SimState, number>;
    for (const t of this.tasks.values()) if (t.userCreated) out[t.state] += 1;
    return out;
  }
}
