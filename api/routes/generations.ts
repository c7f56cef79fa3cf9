import type { FastifyInstance } from 'fastify';
import { ViduKind, ViduState, ViduTaskId } from '../../core/search-attributes';
import { executionOf, readGeneration } from '../../platform/generation-view';
import { linksFor, ownedGeneration } from '../ownership';
import { problem } from '../problem';
import type { ApiDeps, Guard } from '../deps';
import { generationListing } from '../generation-list';

// GET /v1/generations (list by search attributes), GET /v1/generations/{id} (status query, and
// the result or typed failure once finished), POST /v1/generations/{id}/cancel.

export function registerGenerations(app: FastifyInstance, guard: Guard, deps: ApiDeps): void {
  app.get('/v1/generations', { preHandler: guard('read') }, async (req) => {
    const q = generationListing(req);
    const items: Array<Record<string, unknown>> = [];
    for await (const wf of deps.client.temporal.workflow.list({ query: q.query, pageSize: q.limit })) {
      if (items.length >= q.limit) break;
      const state = wf.typedSearchAttributes.get(ViduState);
      const taskId = wf.typedSearchAttributes.get(ViduTaskId);
      items.push({
        id: wf.workflowId,
        kind: wf.typedSearchAttributes.get(ViduKind) ?? wf.type,
        execution: executionOf(wf.status.name),
        createdAt: wf.startTime.toISOString(),
        ...(wf.closeTime ? { closedAt: wf.closeTime.toISOString() } : {}),
        ...(state ? { state } : {}),
        ...(taskId ? { taskId } : {}),
        links: linksFor(wf.workflowId),
      });
    }
    return { items };
  });

  app.get<{ Params: { id: string } }>('/v1/generations/:id', { preHandler: guard('read') }, async (req) => {
    await ownedGeneration(deps.client, req, req.params.id);
    return {
      ...(await readGeneration(deps.client.temporal, req.params.id, {
        ...(deps.presign ? { presign: deps.presign } : {}),
      })),
      links: linksFor(req.params.id),
    };
  });

  app.post<{ Params: { id: string } }>(
    '/v1/generations/:id/cancel',
    { preHandler: guard('cancel') },
    async (req, reply) => {
      const owned = await ownedGeneration(deps.client, req, req.params.id);
      if (!owned.running)
        throw problem(409, 'not-running', 'the generation has already finished; there is nothing to cancel');
      await deps.client.temporal.workflow.getHandle(req.params.id).cancel();
      // Accepted: the workflow asks Vidu to cancel and records the outcome (Vidu may refuse a running task).
      return reply.code(202).send({ id: req.params.id, cancelRequested: true, links: linksFor(req.params.id) });
    },
  );
}
