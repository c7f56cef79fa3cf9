import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidGenerationInput } from '../../client';
import { checkAdFilmInput } from '../../contract/ad-film-input';
import { checkMusicVideoInput } from '../../contract/music-video-input';
import { checkGenerationInput, GENERATION_KINDS } from '../../contract/generation-input';
import { mediaSlots, type MediaEndpoint, remoteMediaIssues, STAGED_NOT_FOUND } from '../../contract/media-fields';
import { isResultRef, parseResultRef } from '../../contract/result-ref';
import { ownershipOf } from '../../platform/temporal/workflow-owner';
import { ownerOfCaller } from '../../contract/staged-ref';
import type { InputStaging } from '../../platform/stores/staging-store';
import {
  portOf,
  STRICT_WEBHOOK_POLICY,
  WEBHOOK_ALLOW_PRIVATE_ENV,
  webhookHostRefusal,
} from '../../platform/net/webhook-policy';
import { describeZodError } from '../../vidu/schemas';
import { ViduCaller } from '../../core/search-attributes';
import { serverIdErrors } from './subjects';
import type { GenerationKind } from '../../core/generation-types';
import { NOTIFY_MEMO, type NotifyTarget } from '../../core/webhook-types';
import { createdByThisStart, namespacedIdempotencyKey, START_MEMO, startMemoFor } from '../idempotent-start';
import type { ApiKey } from '../../platform/keys/api-keys';
import { linksFor } from '../ownership';
import { type FieldError, fieldErrors, invalidInput, objectBody, problem } from '../problem';
import { Notify } from '../schemas';
import type { ApiDeps, Guard } from '../deps';

// POST /v1/generations/{kind}, /v1/ad-films, /v1/batches. The body is the workflow input plus an
// optional `notify`; an Idempotency-Key header makes the start repeatable: the same key (per API
// key) maps to the same workflow id, and a repeat answers 200 with the same body instead of 201.

type Starter = (opts: {
  idempotencyKey?: string;
  searchAttributes: [{ key: typeof ViduCaller; value: string }];
  memo: Record<string, unknown>;
}) => Promise<{ workflowId: string }>;

export function registerStarts(app: FastifyInstance, guard: Guard, deps: ApiDeps): void {
  const start = guard('start');

  app.post<{ Params: { kind: string } }>('/v1/generations/:kind', { preHandler: start }, async (req, reply) => {
    const kind = req.params.kind;
    if (!(GENERATION_KINDS as readonly string[]).includes(kind)) {
      throw problem(404, 'unknown-kind', `unknown kind ${JSON.stringify(kind)}`, {
        errors: [
          { field: 'kind', message: `must be one of ${GENERATION_KINDS.join(', ')} (AD films: POST /v1/ad-films)` },
        ],
      });
    }
    const body = objectBody(req.body, ['request', 'options', 'notify']);
    const notify = notifyOf(body, req.apiKey!, deps);
    const input = pick(body, ['request', 'options']);
    const errors = contractErrors(checkGenerationInput(kind as GenerationKind, input));
    errors.push(...(await remoteMediaErrors(kind as GenerationKind, body.request, req.apiKey!, deps)));
    if (errors.length === 0) errors.push(...(await serverIdErrors(body.request, req, deps)));
    if (errors.length > 0) throw invalidInput(errors);
    return startAndAnswer(req, reply, body, kind, notify, (opts) =>
      deps.client.start(kind as GenerationKind, input as never, opts),
    );
  });

  app.post('/v1/ad-films', { preHandler: start }, async (req, reply) => {
    const body = objectBody(req.body, ['request', 'edits', 'options', 'notify']);
    const notify = notifyOf(body, req.apiKey!, deps);
    const input = pick(body, ['request', 'edits', 'options']);
    const errors = contractErrors(checkAdFilmInput(input));
    errors.push(...(await remoteMediaErrors('ad-one-click', body.request, req.apiKey!, deps)));
    if (errors.length > 0) throw invalidInput(errors);
    return startAndAnswer(req, reply, body, 'adFilm', notify, (opts) => deps.client.startAdFilm(input as never, opts));
  });

  // The one-click MV: the AD film's input shape for one-click/mv (core/film-kinds.ts). Its review
  // uses the AD film's routes (api/routes/review.ts), which take a music video's id as well.
  app.post('/v1/music-videos', { preHandler: start }, async (req, reply) => {
    const body = objectBody(req.body, ['request', 'edits', 'options', 'notify']);
    const notify = notifyOf(body, req.apiKey!, deps);
    const input = pick(body, ['request', 'edits', 'options']);
    const errors = contractErrors(checkMusicVideoInput(input));
    errors.push(...(await remoteMediaErrors('one-click-mv', body.request, req.apiKey!, deps)));
    if (errors.length > 0) throw invalidInput(errors);
    return startAndAnswer(req, reply, body, 'musicVideo', notify, (opts) =>
      deps.client.startMusicVideo(input as never, opts),
    );
  });

  // POST /v1/batches: api/routes/batches.ts (its lines come in the request).

  async function startAndAnswer(
    req: FastifyRequest,
    reply: FastifyReply,
    body: Record<string, unknown>,
    kind: string,
    notify: NotifyTarget | undefined,
    run: Starter,
  ) {
    const caller = req.apiKey!.id;
    // Header or body, namespaced by the caller's key id: two keys using the same key never meet,
    // and no caller can aim at another's ids (api/idempotent-start.ts).
    const idempotencyKey = namespacedIdempotencyKey(req, caller, body);
    const memo = startMemoFor(body);
    let workflowId: string;
    try {
      ({ workflowId } = await run({
        ...(idempotencyKey ? { idempotencyKey } : {}),
        // The key's fairness weight (issue 19 §4; its slot weight is read by the worker, activities/admission.ts).
        ...(req.apiKey!.weight !== undefined ? { fairnessWeight: req.apiKey!.weight } : {}),
        searchAttributes: [{ key: ViduCaller, value: caller }],
        memo: { [START_MEMO]: memo, ...(notify ? { [NOTIFY_MEMO]: notify } : {}) },
      }));
    } catch (err) {
      if (err instanceof InvalidGenerationInput) throw invalidInput(contractErrors(err.issues));
      throw err;
    }
    const created = await createdByThisStart(
      deps.client.temporal,
      workflowId,
      memo,
      idempotencyKey !== undefined,
      kind === 'adFilm' ? 'AD film' : kind === 'musicVideo' ? 'music video' : 'generation',
    );
    const links = linksFor(workflowId);
    return reply
      .code(created ? 201 : 200)
      .header('location', links.self)
      .send({ id: workflowId, kind, links });
  }
}

function pick(body: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]));
}

/**
 * The contract's issue lines as field errors: lines about `options`, `edits` or the whole input
 * keep their field; the others are about the Vidu request body and get `request.` in front.
 */
export function contractErrors(lines: readonly string[]): FieldError[] {
  return lines.flatMap((line) => {
    if (/^(options|edits|request|input|source|window|linesPerRun)([.[:]|$)/.test(line)) return fieldErrors([line]);
    return fieldErrors([line], 'request.');
  });
}

/**
 * Over HTTP, media are http(s) URLs, data: URIs, staged: references to the caller's own uploads
 * (POST /v1/uploads) or vidu-flow: references to the caller's own results (the worker checks the
 * owner); no Vidu ids (contract/media-fields.ts remoteMediaIssues). A local path would make the API
 * read its own disk on a remote caller's behalf. A staged: reference of another owner, and one of
 * the caller's that is not in the store (never uploaded, or swept), get the same answer
 * (STAGED_NOT_FOUND), so a reference tells a caller nothing about others' uploads. The worker
 * resolves staged: within the workflow's owner anyway (activities/media-source.ts). Likewise a
 * vidu-flow: reference to another key's workflow, or to none, is refused here with the worker's
 * own answer (activities/result-refs.ts), so such a start is a 422 rather than a 201 that fails
 * at stage.
 */
async function remoteMediaErrors(
  endpoint: MediaEndpoint,
  request: unknown,
  key: ApiKey,
  deps: ApiDeps,
): Promise<FieldError[]> {
  const staging = () => deps.client.staging;
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return [];
  const owner = ownerOfCaller(key.id);
  const errors = remoteMediaIssues(endpoint, request as Record<string, unknown>, owner).map((i) => ({
    field: `request.${i.path}`,
    message: i.message,
  }));
  const refused = new Set(errors.map((e) => e.field));
  for (const slot of mediaSlots(endpoint, structuredClone(request as Record<string, unknown>))) {
    const field = `request.${slot.path}`;
    if (refused.has(field)) continue;
    if (/^staged:/i.test(slot.value) && !(await stagedExists(staging(), slot.value)))
      errors.push({ field, message: STAGED_NOT_FOUND });
    if (isResultRef(slot.value)) {
      const ref = parseResultRef(slot.path, slot.value);
      if (typeof ref === 'string') continue; // the contract's check names the shape
      if ((await ownershipOf(deps.client.temporal, ref.workflowId))?.owner !== owner) {
        errors.push({ field, message: `${slot.value}: no finished, archived result of yours has this workflow id` });
      }
    }
  }
  return errors;
}

/** Whether the store holds `ref`. */
async function stagedExists(staging: InputStaging, ref: string): Promise<boolean> {
  return staging.sizeOf(ref).then(
    () => true,
    () => false,
  );
}

/** `notify` from the body, else the key's default notifyUrl; checked before anything starts. */
function notifyOf(body: Record<string, unknown>, key: ApiKey, deps: ApiDeps): NotifyTarget | undefined {
  let notify: NotifyTarget | undefined;
  if (body.notify !== undefined) {
    const parsed = Notify.safeParse(body.notify);
    if (!parsed.success) throw invalidInput(fieldErrors(describeZodError(parsed.error), 'notify.'));
    notify = parsed.data;
  } else if (key.notifyUrl) {
    notify = { url: key.notifyUrl };
  }
  if (!notify) return undefined;
  if (!key.webhookSecret) {
    throw invalidInput([
      {
        field: 'notify',
        message: `the API key ${JSON.stringify(key.name)} has no webhookSecret to sign webhooks with; ask the operator to add one`,
      },
    ]);
  }
  // The worker's webhook fetch checks the address actually connected to (and its port); refusing
  // a literal private host here saves starting a generation whose webhook could never be sent.
  // Webhooks have their own list, never the download one (issue 16 item 6).
  const url = new URL(notify.url);
  const refusal = webhookHostRefusal(deps.webhookPrivateUrls ?? STRICT_WEBHOOK_POLICY, url.hostname, portOf(url));
  if (refusal)
    throw invalidInput([
      {
        field: 'notify.url',
        message: `${refusal}; private addresses are refused unless ${WEBHOOK_ALLOW_PRIVATE_ENV} allows them`,
      },
    ]);
  return notify;
}
