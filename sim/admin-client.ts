import { GENERATION_KINDS } from '../vidu/endpoints';
// Reads and steers the simulator through its /_sim/ admin API, for tests and benchmarks.

export interface SimStats {
  requestsByEndpoint: Record<string, number>;
  submissionsByClientRequestId: Record<string, number>;
  tasksByState: Record<string, number>;
  maxRunningAtOnce: number;
  creditsSpent: number;
  creditsRefunded: number;
  callbacks: Record<string, number>;
}

export class SimAdmin {
  constructor(readonly url: string) {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  stats(): Promise<SimStats> {
    return this.call('GET', '/_sim/stats');
  }

  task(id: string): Promise<Record<string, unknown>> {
    return this.call('GET', `/_sim/tasks/${encodeURIComponent(id)}`);
  }

  requests(): Promise<Array<Record<string, unknown>>> {
    return this.call('GET', '/_sim/requests');
  }

  setFaults(faults: unknown): Promise<unknown> {
    return this.call('POST', '/_sim/faults', faults);
  }

  advance(seconds: number): Promise<unknown> {
    return this.call('POST', '/_sim/clock/advance', { seconds });
  }

  reset(): Promise<unknown> {
    return this.call('POST', '/_sim/reset', {});
  }

  /** Total create requests across the generation endpoints. */
  async createRequests(): Promise<number> {
    const { requestsByEndpoint } = await this.stats();
    return [...GENERATION_KINDS, 'ad-one-click', 'one-click-mv'].reduce((n, k) => n + (requestsByEndpoint[k] ?? 0), 0);
  }
}
