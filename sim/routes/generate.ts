/**
 * POST /ent/v2/<endpoint> for every generation endpoint of the registry (vidu/endpoints/):
 * validate with its schema, apply its model defaults, check its media against its limits, then
 * price and answer the task object as its behaviour says (sim/behaviours/).
 */
import type { FastifyInstance } from 'fastify';
import { ENDPOINTS, type EndpointSpec, type GenerationKind } from '../../vidu/endpoints';
import { ViduHttpError } from '../http-errors';
import { applyModelDefaults } from '../../vidu/models';
import { requestSchemaOf } from '../../vidu/request-schemas';
import { BEHAVIOURS, type BehaviourContext } from '../behaviours';
import { genericBehaviour } from '../behaviours/generic';
import type { SimContext } from '../context';
import { checkMediaInputs, mediaInputsOf } from '../inputs';
import { simPrice } from '../pricing';
import { submitTask } from '../submit';
import { parseRequest } from '../validation';

const SEED_MAX = 2_147_483_647;

export function registerGenerateRoutes(app: FastifyInstance, ctx: SimContext): void {
  const fetchOpts = { timeoutMs: ctx.config.fetchTimeoutMs, maxBytes: ctx.config.fetchMaxBytes };
  const b: BehaviourContext = {
    seedOf: (seed) => (seed ? seed : ctx.rng.int(1, SEED_MAX)),
    common: (r) => ({
      request: r as Record<string, unknown>,
      clientRequestId: r.client_request_id ?? '',
      callbackUrl: r.callback_url,
      payload: r.payload ?? '',
    }),
    get processingSeconds() {
      return ctx.config.processingSeconds;
    },
    creation: (id) => ctx.store.creations.get(id),
    voices: ctx.store.voices,
    subjectExists: (id) => ctx.store.subjects.has(id),
    price: (kind, request, facts) => simPrice(ctx.prices, kind, request, facts),
  };
  for (const kind of Object.keys(ENDPOINTS) as GenerationKind[]) {
    const spec = ENDPOINTS[kind];
    const behaviour = BEHAVIOURS[kind] ?? genericBehaviour(kind);
    const rule = (spec as EndpointSpec).mediaRule;
    for (const path of [spec.path, ...((spec as EndpointSpec).legacyPaths ?? [])]) {
      app.post(path, { config: { endpoint: kind } }, (req) =>
        submitTask(ctx, req, async () => {
          // requestSchemaOf: the registry's schema plus the fields the models file allows (sim/config.ts loads it).
          const r = applyModelDefaults(kind, parseRequest(requestSchemaOf(kind), req.body) as Record<string, unknown>);
          const probes = await checkMediaInputs(mediaInputsOf(kind, r), fetchOpts);
          // Rules across several inputs are judged like the single-input ones (PageSizeOutOfRange).
          const broken = rule?.(probes, r) ?? [];
          if (broken.length > 0) throw new ViduHttpError('PageSizeOutOfRange', broken.join('; '));
          return behaviour(b, r, probes);
        }),
      );
    }
  }
}
