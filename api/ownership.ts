import type { FastifyRequest } from 'fastify';
import type { ViduFlowClient } from '../client';
import { derivedWorkflowIdProblem } from '../contract/workflow-id';
import { isWorkflowNotFound, ownerOf } from '../platform/generation-view';
import { problem } from './problem';

// Deny by default: a key sees, follows, cancels and reviews only the generations started with its
// own key id (search attribute ViduCaller; the id, not the display name, so a renamed key keeps
// its generations and a new key given an old name gets none). Anything else — another key's
// generation, a workflow started without the API, an id that does not exist — is the same 404,
// so ids of other callers cannot be probed. Operators see everything in the Web UI and CLI.

export async function ownedGeneration(
  client: ViduFlowClient,
  req: FastifyRequest,
  id: string,
): Promise<{ kind?: string; running: boolean }> {
  const notFound = problem(404, 'not-found', `no generation ${JSON.stringify(id)} for this API key`);
  if (derivedWorkflowIdProblem(id) !== undefined) throw notFound;
  try {
    const owner = await ownerOf(client.temporal, id);
    if (!req.apiKey || owner.caller !== req.apiKey.id) throw notFound;
    return { ...(owner.kind ? { kind: owner.kind } : {}), running: owner.running };
  } catch (err) {
    if (isWorkflowNotFound(err)) throw notFound;
    throw err;
  }
}

export function linksFor(id: string): { self: string; events: string; cancel: string } {
  const self = `/v1/generations/${encodeURIComponent(id)}`;
  return { self, events: `${self}/events`, cancel: `${self}/cancel` };
}
