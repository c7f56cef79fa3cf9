/**
 * GET /ent/v2/credits (docs/vidu-api.md §8): the balance plus the concurrency figures;
 * ?show_detail=true adds the (single, simulated) package.
 */
import type { FastifyInstance } from 'fastify';
import { CreditsQuery } from '../../vidu/schemas';
import type { SimContext } from '../context';
import { parseRequest } from '../validation';

const YEAR_MS = 365 * 24 * 3600 * 1000;

export function registerCreditRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/ent/v2/credits', { config: { endpoint: 'credits' } }, (req) => {
    const q = parseRequest(CreditsQuery, req.query ?? {});
    const { ledger, engine, config, clock } = ctx;
    const body: Record<string, unknown> = {
      remains: [
        {
          type: 'metered',
          credit_remain: ledger.balance,
          concurrency_limit: config.maxConcurrency,
          current_concurrency: engine.running,
          queue_count: engine.waiting,
        },
      ],
    };
    if (q.show_detail) {
      const started = clock.startedAt();
      body.packages = [
        {
          id: 'sim-package-1',
          name: 'Simulator metered credits',
          type: 'metered',
          concurrency: config.maxConcurrency,
          credit_amount: ledger.initial,
          credit_remain: ledger.balance,
          created_at: new Date(started).toISOString(),
          purchase_at: new Date(started).toISOString(),
          valid_from: new Date(started).toISOString(),
          valid_to: new Date(started + YEAR_MS).toISOString(),
        },
      ];
    }
    return body;
  });
}
