import type { Execution, GenerationView } from '../platform/generation-view';

// One status reader per generation, shared by all its open event streams (issue 16 item 5: each
// stream used to describe the workflow and query its status every poll interval, so 1,000 streams
// on one generation were 2,000 Temporal calls a second). Here a generation with any number of
// streams costs one describe and one status query per interval, and one read of the result when
// it ends. A stream that joins gets the latest snapshot at once, without a read of its own.
// The reader stops when its last stream leaves or the generation ends.

export interface StatusSnapshot {
  execution: Execution;
  /** The workflow's `status` query, when it answered. */
  status?: Record<string, unknown>;
  /** Once the execution is no longer running: the generation as GET shows it. Final. */
  result?: GenerationView;
  /** Reading failed (the stream tells its client to reconnect). Final. */
  error?: string;
}

/** What a reader asks Temporal (api/routes/events.ts gives the real calls; tests count them). */
export interface StatusSource {
  execution(id: string): Promise<Execution>;
  status(id: string): Promise<Record<string, unknown> | undefined>;
  result(id: string): Promise<GenerationView>;
}

export type SnapshotListener = (snapshot: StatusSnapshot) => void;

interface Reader {
  listeners: Set<SnapshotListener>;
  last?: StatusSnapshot;
  wake?: () => void;
}

const isFinal = (s: StatusSnapshot) => s.result !== undefined || s.error !== undefined;

export class StatusHub {
  private readonly readers = new Map<string, Reader>();

  constructor(
    private readonly source: StatusSource,
    private readonly pollMs: number,
  ) {}

  /** Calls `listener` with each snapshot of `id` (every poll interval, changed or not) until the returned function is called. */
  subscribe(id: string, listener: SnapshotListener): () => void {
    let reader = this.readers.get(id);
    if (!reader) {
      reader = { listeners: new Set() };
      this.readers.set(id, reader);
      reader.listeners.add(listener);
      void this.run(id, reader);
    } else {
      reader.listeners.add(listener);
      const last = reader.last;
      if (last) queueMicrotask(() => reader!.listeners.has(listener) && listener(last));
    }
    const r = reader;
    return () => {
      r.listeners.delete(listener);
      if (r.listeners.size === 0) r.wake?.();
    };
  }

  /** Generations being read now (one per generation with open streams). */
  get activeReaders(): number {
    return this.readers.size;
  }

  private async run(id: string, reader: Reader): Promise<void> {
    while (reader.listeners.size > 0) {
      let snapshot: StatusSnapshot;
      try {
        const execution = await this.source.execution(id);
        const status = await this.source.status(id);
        snapshot = { execution, ...(status ? { status } : {}) };
        if (execution !== 'running' && execution !== 'continued_as_new') snapshot.result = await this.source.result(id);
      } catch (err) {
        snapshot = { execution: 'unknown', error: (err as Error).message };
      }
      reader.last = snapshot;
      // A final snapshot retires this reader before it is delivered: a stream that opens later starts a fresh one.
      if (isFinal(snapshot) && this.readers.get(id) === reader) this.readers.delete(id);
      for (const listener of [...reader.listeners]) listener(snapshot);
      if (isFinal(snapshot)) return;
      if (reader.listeners.size === 0) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        reader.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      reader.wake = undefined;
    }
    if (this.readers.get(id) === reader) this.readers.delete(id);
  }
}
