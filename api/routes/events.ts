import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { executionOf, queryStatus, readGeneration } from '../generation-view';
import { ownedGeneration } from '../ownership';
import type { ApiDeps, Guard } from '../server';

// GET /v1/generations/{id}/events: Server-Sent Events. An `status` event whenever the workflow's
// status query answers something new (phase, Vidu state, progress…), then one `result` event
// with the generation as GET /v1/generations/{id} shows it, and the stream ends.
//
// Event ids come from the status itself — `<updates>-<digest of the status>`, where `updates`
// is the workflow's own counter of task updates — so any API instance can resume a stream: a
// reconnect with Last-Event-ID skips the status the client already has and continues from there.
// Statuses are snapshots taken every `eventsPollMs`; `status.updates` shows when several changes
// fell between two of them.

const KEEPALIVE_MS = 15_000;

export function statusEventId(status: Record<string, unknown>): string {
  const updates = typeof status.updates === 'number' ? status.updates : 0;
  return `${updates}-${createHash('sha256').update(JSON.stringify(status)).digest('hex').slice(0, 12)}`;
}

export function registerEvents(app: FastifyInstance, guard: Guard, deps: ApiDeps): void {
  const pollMs = deps.eventsPollMs ?? 1000;
  app.get<{ Params: { id: string } }>('/v1/generations/:id/events', { preHandler: guard('read') }, async (req, reply) => {
    const id = req.params.id;
    await ownedGeneration(deps.client, req, id);
    const header = req.headers['last-event-id'];
    let lastId = Array.isArray(header) ? header[0] : header;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    let closed = false;
    req.raw.on('close', () => (closed = true));
    const send = (event: string, eventId: string, data: unknown) => res.write(`id: ${eventId}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    res.write('retry: 2000\n\n');
    let lastWrite = Date.now();
    const handle = deps.client.temporal.workflow.getHandle(id);
    try {
      while (!closed) {
        const execution = executionOf((await handle.describe()).status.name);
        const status = await queryStatus(deps.client.temporal, id, 5000);
        if (status) {
          const eventId = statusEventId(status);
          if (eventId !== lastId) {
            send('status', eventId, { id, execution, status });
            lastId = eventId;
            lastWrite = Date.now();
          }
        }
        if (execution !== 'running' && execution !== 'continued_as_new') {
          send('result', 'result', await readGeneration(deps.client.temporal, id, { ...(deps.presign ? { presign: deps.presign } : {}) }));
          break;
        }
        if (Date.now() - lastWrite > KEEPALIVE_MS) {
          res.write(': keep-alive\n\n');
          lastWrite = Date.now();
        }
        await new Promise((r) => setTimeout(r, pollMs));
      }
    } catch (err) {
      // Headers are gone already: tell the client in-band; it may reconnect with Last-Event-ID.
      if (!closed) res.write(`event: error\ndata: ${JSON.stringify({ detail: 'lost contact with the generation; reconnect to resume' })}\n\n`);
      deps.log?.(`api events ${id}: ${(err as Error).message}`);
    }
    res.end();
  });
}
