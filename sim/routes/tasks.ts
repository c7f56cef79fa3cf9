/**
 * Task endpoints: Get Generation, list, cancel (docs/vidu-api.md §6–§8).
 */
import type { FastifyInstance } from 'fastify';
import { TaskListQuery } from '../../vidu/schemas';
import type { SimContext } from '../context';
import { taskNotFound, ViduHttpError } from '../http-errors';
import type { SimTask } from '../task';
import { parseRequest } from '../validation';
import { generationBody, listItem } from '../views';

const DEFAULT_WINDOW_MS = 7 * 24 * 3600 * 1000;

/** Version label of a model as the list filter spells it: viduq2-pro → q2-pro, vidu2.0 → 2.0. */
function modelVersion(model: string): string {
  return model.replace(/^vidu/, '');
}

// The page token is an opaque cursor to the client; here it is just the offset.
const encodeToken = (offset: number) => Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
function decodeToken(token: string): number {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof v.o === 'number' && Number.isSafeInteger(v.o) && v.o >= 0) return v.o;
  } catch {
    // fall through
  }
  throw new ViduHttpError('FieldInvalid', 'pager.page_token: not a page token this service issued');
}

/**
 * RFC 3339 [INF]: a date-time with an explicit zone, to epoch ms with the
 * fraction kept to the nanosecond.
 */
function parseRfc3339(value: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(value);
  return m ? Date.parse(`${m[1]}${m[3]}`) + Number(`0${m[2] ?? ''}`) * 1000 : NaN;
}

function parseBound(field: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = parseRfc3339(value);
  if (Number.isNaN(ms))
    throw new ViduHttpError('FieldInvalid', `${field}: ${JSON.stringify(value)} is not an RFC 3339 date-time`);
  return ms;
}

export function registerTaskRoutes(app: FastifyInstance, ctx: SimContext): void {
  const find = (id: string): SimTask => {
    const task = ctx.store.get(id);
    if (!task) throw taskNotFound(id);
    return task;
  };

  app.get<{ Params: { id: string } }>('/ent/v2/tasks/:id/creations', { config: { endpoint: 'creations' } }, (req) => {
    const task = find(req.params.id);
    req.simTaskId = task.id;
    const now = ctx.clock.now();
    const snap = {
      state: task.state,
      errCode: task.errCode,
      progress: ctx.engine.progressAt(task, now),
      credits: task.credits,
    };
    return generationBody(task, snap, ctx.signer, now);
  });

  app.get('/ent/v2/tasks', { config: { endpoint: 'list' } }, (req) => {
    const q = parseRequest(TaskListQuery, req.query);
    const now = ctx.clock.now();
    const from = parseBound('created_at.from', q['created_at.from'], now - DEFAULT_WINDOW_MS);
    const to = parseBound('created_at.to', q['created_at.to'], Number.POSITIVE_INFINITY);
    const match = <T>(filter: readonly T[] | undefined, test: (item: T) => boolean) => !filter || filter.some(test);
    const tasks = ctx.store
      .userTasks()
      .filter((t) => {
        // Compared as the client sees it, so a task's own created_at used as a bound includes it.
        const at = parseRfc3339(t.createdAtText);
        return (
          at >= from &&
          at <= to &&
          match(q.task_ids, (id) => id === t.id) &&
          match(q.states, (s) => s === t.state) &&
          match(q.resolutions, (r) => r === t.resolution) &&
          match(q.model_versions, (v) => v === t.model || v === modelVersion(t.model)) &&
          // [INF] No sim task comes from a template, so a template filter matches nothing.
          match(q.templates, () => false)
        );
      })
      // [INF] Newest first.
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
    const size = q['paper.pagesz'];
    const offset = q['pager.page_token'] ? decodeToken(q['pager.page_token']) : q['paper.page'] * size;
    const page = tasks.slice(offset, offset + size);
    return {
      tasks: page.map((t) => listItem(t, ctx.keyId, ctx.signer, now)),
      next_page_token: offset + size < tasks.length ? encodeToken(offset + size) : '',
    };
  });

  app.post<{ Params: { id: string } }>('/ent/v2/tasks/:id/cancel', { config: { endpoint: 'cancel' } }, (req) => {
    const task = find(req.params.id);
    req.simTaskId = task.id;
    // [INF] created and queueing (off-peak waiting included) can be cancelled;
    // `scheduled` cannot (docs/vidu-api.md §8's exact message), nor anything later.
    if (task.state !== 'created' && task.state !== 'queueing') {
      throw new ViduHttpError('BadRequest', `task state is ${task.state}, can not cancel`);
    }
    ctx.engine.cancel(task, 'UserCancelled');
    return {};
  });
}
