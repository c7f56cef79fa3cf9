import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidGenerationInput } from '../../client';
import { FailureType } from '../../core/failure-types';
import { ViduCaller } from '../../core/search-attributes';
import type { ApiDeps, Guard } from '../deps';
import { idempotencyKeyHeader } from '../idempotent-start';
import { fieldErrors, invalidInput, problem, type FieldError } from '../problem';

// The subject library over HTTP (docs/vidu-api-subjects.md; README "Subjects"). A key sees, edits
// and uses only the subjects it created: another key's subject answers exactly like one that does
// not exist (404), and its id is refused in a start like an unknown one. Scopes: `start` to create
// and edit (a create costs 5 credits), `read` to list and get. Vidu documents no delete: 405.

const callerOf = (req: FastifyRequest) => ({ searchAttributes: [{ key: ViduCaller, value: req.apiKey!.id }] });

const notFound = (id: string) => problem(404, 'not-found', `no subject ${JSON.stringify(id)} for this API key`);

/** The client's refusals as HTTP problems: bad input 422 naming the field, Vidu's refusal 422 with its reason. */
async function answered<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof InvalidGenerationInput) throw invalidInput(fieldErrors(err.issues));
    const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
    const app = cause instanceof ApplicationFailure ? cause : cause?.cause;
    if (app instanceof ApplicationFailure && app.type === FailureType.ViduRejected) {
      throw problem(422, 'vidu-rejected', app.message);
    }
    throw err;
  }
}

export function registerSubjects(app: FastifyInstance, guard: Guard, deps: ApiDeps): void {
  const subjects = () => deps.client.subjects;

  app.post('/v1/subjects', { preHandler: guard('start') }, async (req, reply) => {
    // Namespaced by the caller's key id like every start (api/idempotent-start.ts): the same key
    // twice is one create workflow and one paid subject.
    const header = idempotencyKeyHeader(req);
    const subject = await answered(
      subjects().create(req.body, {
        ...callerOf(req),
        ...(header !== undefined ? { idempotencyKey: `${req.apiKey!.id}:${header}` } : {}),
      }),
    );
    const self = `/v1/subjects/${encodeURIComponent(subject.id)}`;
    return reply.code(201).header('location', self).send(subject);
  });

  app.get('/v1/subjects', { preHandler: guard('read') }, async (req) =>
    answered(subjects().list(req.query ?? {}, callerOf(req))),
  );

  app.get<{ Params: { id: string } }>('/v1/subjects/:id', { preHandler: guard('read') }, async (req) => {
    const subject = await answered(subjects().get(req.params.id, callerOf(req)));
    if (!subject) throw notFound(req.params.id);
    return subject;
  });

  const edit = async (req: FastifyRequest<{ Params: { id: string } }>) => {
    const subject = await answered(subjects().update(req.params.id, req.body, callerOf(req)));
    if (!subject) throw notFound(req.params.id);
    return subject;
  };
  app.patch<{ Params: { id: string } }>('/v1/subjects/:id', { preHandler: guard('start') }, edit);
  app.put<{ Params: { id: string } }>('/v1/subjects/:id', { preHandler: guard('start') }, edit);

  app.delete<{ Params: { id: string } }>('/v1/subjects/:id', { preHandler: guard('start') }, async (_req, reply) => {
    reply.header('allow', 'GET, PATCH, PUT');
    throw problem(
      405,
      'method-not-allowed',
      'Vidu documents no way to delete a subject (docs/vidu-api-subjects.md §1.4); edit it instead (PATCH)',
    );
  });
}

/**
 * A start's stored subjects (reference2video's `subjects[].server_id`), checked before anything
 * starts: each must be one of the caller's, else the same field error as an unknown id. The worker
 * checks again at staging (activities/stage.ts), for every other way in.
 */
export async function serverIdErrors(request: unknown, req: FastifyRequest, deps: ApiDeps): Promise<FieldError[]> {
  const list = (request as { subjects?: unknown } | null)?.subjects;
  if (!Array.isArray(list)) return [];
  const errors: FieldError[] = [];
  for (const [i, s] of list.entries()) {
    const id = (s as { server_id?: unknown } | null)?.server_id;
    if (id === undefined) continue;
    const mine = typeof id === 'string' ? await deps.client.subjects.get(id, callerOf(req)) : undefined;
    if (!mine) {
      errors.push({
        field: `request.subjects[${i}].server_id`,
        message: `no subject ${JSON.stringify(id)} of yours; create one first (POST /v1/subjects)`,
      });
    }
  }
  return errors;
}
