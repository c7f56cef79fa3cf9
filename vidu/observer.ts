/**
 * An optional hook into every Vidu HTTP request, for metrics and tracing. The worker injects one
 * (worker/vidu-observer.ts); vidu/ itself knows nothing of Temporal, Prometheus or OpenTelemetry.
 * Only bounded, secret-free facts are passed: the endpoint's name (never its path, which holds
 * task ids), the method, and how the request ended.
 */

import type { GenerationKind } from './endpoints';

/** Every Vidu endpoint the client calls, by name (a generation endpoint by its kind). */
export type ViduEndpointName =
  | GenerationKind
  | 'ad-one-click'
  | 'ad-detail'
  | 'ad-edit'
  | 'ad-compose'
  | 'one-click-mv'
  | 'mv-detail'
  | 'mv-edit'
  | 'mv-compose'
  | 'creations'
  | 'tasks'
  | 'cancel'
  | 'credits'
  | 'subjects';

export interface ViduRequestStart {
  endpoint: ViduEndpointName;
  method: 'GET' | 'POST' | 'PUT';
}

/**
 * How one request (one attempt) ended. `reason`: Vidu's error reason (from the catalogue, else
 * `Unknown`), `timeout`, `network`, `bad-response` (a 2xx Vidu's schema does not match) or
 * `cancelled` (the caller aborted).
 */
export type ViduRequestEnd = { ok: true } | { ok: false; status?: number; reason: string };

export interface ViduRequestObserver {
  /** Called as a request starts; the function it returns is called exactly once when it ends. */
  start(request: ViduRequestStart): (end: ViduRequestEnd) => void;
}
