/**
 * /_sim/ — the simulator's own control and inspection API for tests, demos
 * and benchmarks. No auth: it only listens where the sim listens.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { describeZodError } from '../../vidu/schemas';
import type { SimContext } from '../context';
import { filesOf } from '../creations';
import { parseFaultConfig } from '../faults';
import { ViduHttpError } from '../http-errors';
import type { SimCreation } from '../task';
import { truncateDataUris } from '../truncate';

const AdvanceBody = z.strictObject({
  seconds: z
    .number()
    .min(0)
    .max(10 * 365 * 86_400),
});
const CreditsBody = z.strictObject({ balance: z.number().int().min(0) });
const RequestsQuery = z.strictObject({
  endpoint: z.string().optional(),
  limit: z.coerce.number().int().min(1).optional(),
});

function parseAdmin<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw new ViduHttpError('BadRequest', describeZodError(r.error).join('; '));
  return r.data;
}

export function registerAdminRoutes(app: FastifyInstance, ctx: SimContext): void {
  const { store, ledger, engine, clock, callbacks, faults } = ctx;

  app.get('/_sim/health', () => ({ ok: true }));

  app.get('/_sim/stats', () => {
    engine.tick();
    return {
      now: clock.describe().now,
      requestsByEndpoint: Object.fromEntries(store.requestsByEndpoint),
      submissionsByClientRequestId: Object.fromEntries(store.submissionsByClientRequestId),
      tasksByState: store.tasksByState(),
      running: engine.running,
      waiting: engine.waiting,
      maxRunningAtOnce: store.maxRunningAtOnce,
      creditsBalance: ledger.balance,
      creditsSpent: ledger.spent,
      creditsRefunded: ledger.refundedTotal,
      callbacks: callbacks.getStats(),
    };
  });

  app.get('/_sim/requests', (req) => {
    const q = parseAdmin(RequestsQuery, req.query);
    const log = q.endpoint ? store.requestLog.filter((e) => e.endpoint === q.endpoint) : store.requestLog;
    return q.limit ? log.slice(-q.limit) : log;
  });

  app.get('/_sim/callbacks', () => callbacks.getLog());

  app.get('/_sim/tasks', () => {
    engine.tick();
    return [...store.tasks.values()].map((t) => ({
      id: t.id,
      kind: t.kind,
      state: t.state,
      errCode: t.errCode,
      credits: t.credits,
      createdAt: t.createdAtText,
      clientRequestId: t.clientRequestId,
      offPeak: t.offPeak,
    }));
  });

  app.get<{ Params: { id: string } }>('/_sim/tasks/:id', (req) => {
    engine.tick();
    const t = store.get(req.params.id);
    if (!t) throw new ViduHttpError('TaskNotFound', `task ${req.params.id} not found`);
    // The whole record, data URIs cut short (they can be 20 MB each).
    return {
      ...(truncateDataUris(t) as Record<string, unknown>),
      progress: engine.progressAt(t, clock.now()),
      creations: t.creations.map((c) => withHashes(ctx, c)),
    };
  });

  app.get<{ Params: { creationId: string } }>('/_sim/media/:creationId/sha256', (req) => {
    const c = store.creations.get(req.params.creationId);
    if (!c) throw new ViduHttpError('CreationNotFound', `creation ${req.params.creationId} not found`);
    return withHashes(ctx, c);
  });

  app.post('/_sim/reset', () => {
    ctx.reset();
    return { ok: true, clock: clock.describe() };
  });

  app.get('/_sim/clock', () => clock.describe());

  app.post('/_sim/clock/advance', (req) => {
    const { seconds } = parseAdmin(AdvanceBody, req.body);
    clock.advance(seconds);
    // Apply what became due now, so the caller's next request already sees it.
    engine.tick();
    return clock.describe();
  });

  app.get('/_sim/faults', () => faults.snapshot());

  app.post('/_sim/faults', (req) => {
    const r = parseFaultConfig(req.body ?? {});
    if (!r.ok) throw new ViduHttpError('BadRequest', r.problems.join('; '));
    faults.set(r.faults);
    return faults.snapshot();
  });

  app.post('/_sim/credits', (req) => {
    const { balance } = parseAdmin(CreditsBody, req.body);
    ledger.setBalance(balance);
    return { balance: ledger.balance };
  });
}

function withHashes(ctx: SimContext, c: SimCreation) {
  const files = filesOf(c);
  const describe = (f: typeof files.main | undefined) => {
    const r = f && ctx.files.render(c, f);
    return r ? { sha256: r.sha256, bytes: r.bytes.byteLength, contentType: r.contentType } : undefined;
  };
  return {
    ...c,
    sha256: describe(files.main)?.sha256,
    file: describe(files.main),
    cover: describe(files.cover),
    watermarked: describe(files.wm),
  };
}
