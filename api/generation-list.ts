import type { FastifyRequest } from 'fastify';
import { ViduCaller, ViduKind, ViduState } from '../core/search-attributes';
import { describeZodError } from '../vidu/schemas';
import { fieldErrors, problem } from './problem';
import { LIST_EXECUTIONS, ListQuery } from './schemas';

// The one reading of a list request (GET /v1/generations and the studio's list): the query
// parameters checked, and the visibility query that lists only the caller's own generations.

export interface GenerationListing {
  /** The visibility query: the caller's key id and the filters asked for. */
  query: string;
  /** At most this many rows (the `limit` parameter). */
  limit: number;
}

/** Throws a 400 problem naming each bad parameter. */
export function generationListing(req: FastifyRequest): GenerationListing {
  const parsed = ListQuery.safeParse(req.query);
  if (!parsed.success)
    throw problem(400, 'bad-query', 'invalid query parameters', {
      errors: fieldErrors(describeZodError(parsed.error)),
    });
  const q = parsed.data;
  // Values are enums (or the key's id, restricted to [a-z0-9_-]): nothing to escape.
  const clauses = [`${ViduCaller.name} = '${req.apiKey!.id}'`];
  if (q.kind) clauses.push(`${ViduKind.name} = '${q.kind}'`);
  if (q.state) clauses.push(`${ViduState.name} = '${q.state}'`);
  if (q.execution) clauses.push(`ExecutionStatus = '${LIST_EXECUTIONS[q.execution]}'`);
  return { query: clauses.join(' AND '), limit: q.limit };
}
