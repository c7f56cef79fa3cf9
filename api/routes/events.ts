import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { executionOf, queryStatus, readGeneration } from '../../platform/generation-view';
import { keyStillValid } from '../../platform/keys/api-keys';
import { ownedGeneration } from '../ownership';
import type { ApiDeps, Guard } from '../deps';
import type { StatusSnapshot, StatusSource } from '../status-hub';

// GET /v1/generations/{id}/events: Server-Sent Events. An `status` event whenever the workflow's
// status query answers something new (phase, Vidu state, progress…), then one `result` event
// with the generation as GET /v1/generations/{id} shows it, and the stream ends.
//
// Event ids come from the status itself — `<updates>-<digest of the status>`, where `updates`
// is the workflow's own counter of task updates — so any API instance can resume a stream: a
// reconnect with Last-Event-ID skips the status the client already has and continues from there.
// Statuses are snapshots taken every `eventsPollMs` by ONE reader per generation shared by all
// its streams (api/status-hub.ts); `status.updates` shows when several changes fell between two.
//
// Limits (issue 16 item 5): a stream takes a slot per key and overall (api/stream-slots.ts; 429
// past either cap), and at every snapshot it checks that its key is still the one in the keys
// file: a key removed, rotated or stripped of `read` (reloaded on SIGHUP) ends its streams with
// an `error` event.

const KEEPALIVE_MS = 15_000;

export function statusEventId(status: Record<string, unknown>): string {
  const updates = typeof status.updates === 'number' ? status.updates : 0;
  return `${updates}-${createHash('sha256').update(JSON.stringify(status)).digest('hex').slice(0, 12)}`;
}

/** The Temporal calls of a status reader. */
export function temporalStatusSource(deps: Pick<ApiDeps, 'client' | 'presign'>): StatusSource {
  return {
    execution: async (id) => executionOf((await deps.client.temporal.workflow.getHandle(id).describe()).status.name),
    status: (id) => queryStatus(deps.client.temporal, id, 5000),
    result: (id) => readGeneration(deps.client.temporal, id, { ...(deps.presign ? { presign: deps.presign } : {}) }),
  };
}

export function registerEvents(
  app: FastifyInstance,
  guard: Guard,
  deps: ApiDeps & Required<Pick<ApiDeps, 'streams' | 'statusHub'>>,
): void {
  app.get<{ Params: { id: string } }>(
    '/v1/generations/:id/events',
    { preHandler: guard('read') },
    async (req, reply) => {
      const id = req.params.id;
      const key = req.apiKey!;
      const release = deps.streams.open(key.id, key.name);
      try {
        await ownedGeneration(deps.client, req, id);
      } catch (err) {
        release();
        throw err;
      }
      const header = req.headers['last-event-id'];
      let lastId = Array.isArray(header) ? header[0] : header;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const send = (event: string, eventId: string, data: unknown) =>
        res.write(`id: ${eventId}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      res.write('retry: 2000\n\n');
      let lastWrite = Date.now();

      await new Promise<void>((resolve) => {
        let ended = false;
        const end = () => {
          if (ended) return;
          ended = true;
          unsubscribe();
          release();
          res.end();
          resolve();
        };
        const onSnapshot = (snap: StatusSnapshot) => {
          if (ended) return;
          if (!keyStillValid(deps.keys(), key, 'read')) {
            // The key was removed or rotated since the stream opened: nothing more for it.
            res.write(
              `event: error\ndata: ${JSON.stringify({ detail: 'the API key of this stream was revoked or changed; the stream is closed' })}\n\n`,
            );
            deps.log?.(`api events ${id}: stream of key ${key.name} closed (key revoked or changed)`);
            return end();
          }
          if (snap.error !== undefined) {
            // Headers are gone already: tell the client in-band; it may reconnect with Last-Event-ID.
            res.write(
              `event: error\ndata: ${JSON.stringify({ detail: 'lost contact with the generation; reconnect to resume' })}\n\n`,
            );
            deps.log?.(`api events ${id}: ${snap.error}`);
            return end();
          }
          if (snap.status) {
            const eventId = statusEventId(snap.status);
            if (eventId !== lastId) {
              send('status', eventId, { id, execution: snap.execution, status: snap.status });
              lastId = eventId;
              lastWrite = Date.now();
            }
          }
          if (snap.result) {
            send('result', 'result', snap.result);
            return end();
          }
          if (Date.now() - lastWrite > KEEPALIVE_MS) {
            res.write(': keep-alive\n\n');
            lastWrite = Date.now();
          }
        };
        const unsubscribe = deps.statusHub.subscribe(id, onSnapshot);
        res.on('close', end);
      });
    },
  );
}
