import { z } from 'zod';
import { NONCE_PATTERN, STATE_PATTERN, TASK_ID_PATTERN, type TaskUpdate } from '../core/task-update';

/**
 * The only part of a callback body that may reach a workflow. Vidu sends the Get Generation shape
 * (docs/vidu-api.md §10), but the body is not signed, so creations, URLs, credits and err_code are dropped
 * here: the workflow takes those from Vidu's own Get Generation.
 */
const CallbackWakeUp = z
  .looseObject({
    id: z.union([z.string(), z.number().int().nonnegative()]).optional(),
    task_id: z.union([z.string(), z.number().int().nonnegative()]).optional(),
    // docs/vidu-api.md §12 item 11: the docs call the field "status", the shape says `state`.
    state: z.string().optional(),
    status: z.string().optional(),
    progress: z.union([z.number(), z.string()]).optional(),
  })
  .transform((b, ctx) => {
    const state = b.state ?? b.status;
    if (state === undefined || !STATE_PATTERN.test(state)) {
      ctx.addIssue({
        code: 'custom',
        path: ['state'],
        message: 'state must be a word of 1–32 letters, digits, _ or -',
      });
      return z.NEVER;
    }
    const rawId = b.id ?? b.task_id;
    const taskId = rawId === undefined || rawId === '' ? undefined : String(rawId);
    if (taskId !== undefined && !TASK_ID_PATTERN.test(taskId)) {
      ctx.addIssue({ code: 'custom', path: ['id'], message: 'id must be 1–64 letters, digits, _ or -' });
      return z.NEVER;
    }
    const n = typeof b.progress === 'string' ? Number(b.progress) : b.progress;
    // Progress is cosmetic; a bad value reads as 0 rather than losing the wake-up.
    const progress = typeof n === 'number' && Number.isFinite(n) ? Math.max(0, Math.min(100, n)) : 0;
    return { state, progress, ...(taskId !== undefined ? { taskId } : {}) };
  });

export type WakeUpResult = { ok: true; update: TaskUpdate } | { ok: false; issues: string[] };

/** Builds the small update from a verified callback's body and its signed nonce. */
export function toTaskUpdate(body: unknown, nonce: string): WakeUpResult {
  if (!NONCE_PATTERN.test(nonce)) return { ok: false, issues: ['x-request-nonce: must be 1–128 printable characters'] };
  const parsed = CallbackWakeUp.safeParse(body);
  if (!parsed.success)
    return { ok: false, issues: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`) };
  return { ok: true, update: { ...parsed.data, nonce } };
}
