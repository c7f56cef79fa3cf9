import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { describeZodError } from '../../vidu/schemas';
import { approveSignal, requestEditsUpdate, storyboardsQuery } from '../../core/workflow-messages';
import { linksFor, ownedGeneration } from '../ownership';
import { type FieldError, fieldErrors, invalidInput, problem } from '../problem';
import { EditsBody } from '../schemas';
import type { ApiDeps, Guard } from '../deps';

// AD-film (and music-video) review over HTTP: POST /v1/ad-films/{id}/edits (the requestEdits update; its
// validator's refusals come back as 422 naming the field), POST /v1/ad-films/{id}/approve,
// GET /v1/ad-films/{id}/storyboards. Edits and approval spend credits, so they need `start`.

export function registerReview(app: FastifyInstance, guard: Guard, deps: ApiDeps): void {
  const adFilm = async (req: FastifyRequest, id: string) => {
    const owned = await ownedGeneration(deps.client, req, id);
    // A music video runs on the AD film's workflow (same update, signal and query).
    if (owned.kind !== 'adFilm' && owned.kind !== 'musicVideo')
      throw problem(404, 'not-found', `${JSON.stringify(id)} is not an AD film or a music video of this API key`);
    return owned;
  };

  app.post<{ Params: { id: string } }>('/v1/ad-films/:id/edits', { preHandler: guard('start') }, async (req) => {
    const parsed = EditsBody.safeParse(req.body);
    if (!parsed.success) throw invalidInput(fieldErrors(describeZodError(parsed.error)));
    const owned = await adFilm(req, req.params.id);
    if (!owned.running) throw problem(409, 'not-running', 'the AD film has already finished');
    try {
      const result = await deps.client
        .getAdFilmHandle(req.params.id)
        .workflow.executeUpdate(requestEditsUpdate, { args: [parsed.data.edits] });
      return { id: req.params.id, ...result, links: linksFor(req.params.id) };
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw invalidInput(updateErrors(err));
      throw err;
    }
  });

  app.post<{ Params: { id: string } }>(
    '/v1/ad-films/:id/approve',
    { preHandler: guard('start') },
    async (req, reply) => {
      const owned = await adFilm(req, req.params.id);
      if (!owned.running) throw problem(409, 'not-running', 'the AD film has already finished');
      await deps.client.getAdFilmHandle(req.params.id).workflow.signal(approveSignal);
      return reply.code(202).send({ id: req.params.id, approved: true, links: linksFor(req.params.id) });
    },
  );

  app.get<{ Params: { id: string } }>('/v1/ad-films/:id/storyboards', { preHandler: guard('read') }, async (req) => {
    await adFilm(req, req.params.id);
    return {
      id: req.params.id,
      storyboards: await deps.client.getAdFilmHandle(req.params.id).workflow.query(storyboardsQuery),
    };
  });
}

/**
 * The update validator's refusal as field errors, read from the typed failure's structured
 * details (InvalidEdits, NotReadyForReview: details[0].problems, core/issues.ts); a refusal about
 * the film's state is about `edits` as a whole. A worker older than those types sent only a
 * message (`invalid edits:\n  - edits[0].storyboard: …`), read line by line.
 */
export function updateErrors(err: WorkflowUpdateFailedError): FieldError[] {
  const problems = (
    err.cause as { details?: Array<{ problems?: Array<{ field?: unknown; message?: unknown }> }> } | undefined
  )?.details?.[0]?.problems;
  if (Array.isArray(problems) && problems.length > 0)
    return problems.map((p) => ({ field: String(p.field), message: String(p.message) }));
  const message = (err.cause as Error | undefined)?.message ?? err.message;
  const lines = message
    .split('\n')
    .map((l) => l.replace(/^\s*-\s*/, '').trim())
    .filter((l) => l !== '' && l !== 'invalid edits:');
  return lines.map((line) =>
    /^edits?[.[]/.test(line)
      ? fieldErrors([line])[0]!
      : /^\[\d+\]/.test(line)
        ? fieldErrors([line], 'edits')[0]!
        : { field: 'edits', message: line },
  );
}
