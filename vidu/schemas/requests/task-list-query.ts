import { z } from 'zod';
import { IntLike, TaskState } from '../common';
import { requestObject } from '../builders';
import { fieldLabel, named, show } from '../fields';

// A query-string parser yields a string for a key seen once and an array for
// a repeated key (docs/vidu-api.md §7: arrays are sent as repeated keys [INF]).
function repeatable<T extends z.ZodType<string>>(item: T) {
  return z
    .custom<z.input<T> | z.input<T>[]>((v) => typeof v === 'string' || Array.isArray(v), {
      error: (iss) => `${fieldLabel(iss.path)} must be a string or an array of strings (got ${show(iss.input)})`,
    })
    .transform((v): unknown[] => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(item, named));
}

const PAGE_SIZE_MAX = 100;
const Page = IntLike.pipe(z.number(named).int().min(0));
const PageSize = IntLike.pipe(z.number(named).int().min(1).max(PAGE_SIZE_MAX));

/**
 * GET /ent/v2/tasks query (docs/vidu-api.md §7). Keys keep their dotted wire names.
 * docs/vidu-api.md §12 item 13: the doc spells the page fields `paper.page` /
 * `paper.pagesz` next to `pager.page_token`; both prefixes are accepted and
 * the output uses the documented `paper.` spelling, defaults filled in
 * (page 0, size 10).
 */
export const TaskListQuery = requestObject('tasks list', {
  'created_at.from': z.string(named).optional(),
  'created_at.to': z.string(named).optional(),
  task_ids: repeatable(z.string(named).min(1)).optional(),
  templates: repeatable(z.string(named)).optional(),
  // Documented values are version labels (2.0, q1, q2, q2-pro, q2-pro-fast)
  // and already miss q3, so any label is passed through.
  model_versions: repeatable(z.string(named)).optional(),
  resolutions: repeatable(z.string(named)).optional(),
  states: repeatable(TaskState).optional(),
  'paper.page': Page.optional(),
  'paper.pagesz': PageSize.optional(),
  'pager.page': Page.optional(),
  'pager.pagesz': PageSize.optional(),
  'pager.page_token': z.string(named).optional(),
}).transform(({ 'pager.page': altPage, 'pager.pagesz': altSize, ...rest }) => ({
  ...rest,
  'paper.page': rest['paper.page'] ?? altPage ?? 0,
  'paper.pagesz': rest['paper.pagesz'] ?? altSize ?? 10,
}));

export type TaskListQuery = z.output<typeof TaskListQuery>;
export type TaskListQueryInput = z.input<typeof TaskListQuery>;
