import type { FastifyInstance } from 'fastify';
import { InvalidGenerationInput } from '../../client';
import {
  checkBatchInput,
  checkBatchLine,
  MAX_BATCH_LINE_BYTES,
  MAX_HTTP_BATCH_LINES,
} from '../../contract/batch-input';
import { ViduCaller } from '../../core/search-attributes';
import type { GenerationOptions } from '../../core/generation-types';
import { ownerOfCaller } from '../../contract/staged-ref';
import { createdByThisStart, idempotencyKeyHeader, START_MEMO, startMemoFor } from '../idempotent-start';
import { linksFor } from '../ownership';
import { type FieldError, fieldErrors, invalidInput, problem } from '../problem';
import type { ApiDeps, Guard } from '../deps';

// POST /v1/batches (issue 16 item 4): the batch's lines come in the request, as JSON objects,
// never as a path on the worker's disk. Every line is checked before anything starts (the batch
// line contract plus the HTTP media rule); the lines are then written to the staging store as the
// caller's own JSONL (`staged:key-<id>/<sha256>.jsonl`) and the batch workflow reads them from
// there (activities/batch.ts), only for a batch of the same key. A bad line is reported by its
// number and the rule it broke, never by its content.

export function registerBatches(app: FastifyInstance, guard: Guard, deps: ApiDeps): void {
  // The key is checked at the front door (api/front-door.ts), before fastify reads the body; the
  // body limit is the batch route's own (api/limits.ts largeBodyRoutes, API_BATCH_BODY_LIMIT_BYTES).
  app.post('/v1/batches', { preHandler: guard('start') }, async (req, reply) => {
    const body = batchBody(req.body);
    const errors = lineErrors(body.lines, body.options as GenerationOptions | undefined);
    if (errors.length > 0)
      throw invalidInput(errors, `invalid batch: ${errors.length} problem(s) in the lines; nothing was started`);

    const caller = req.apiKey!.id;
    // The Idempotency-Key is namespaced by the caller's key id like every start's
    // (api/idempotent-start.ts), and checked before anything is staged; the memo tells a repeat
    // from the first start.
    const header = idempotencyKeyHeader(req);
    const idempotencyKey = header === undefined ? undefined : `${caller}:${header}`;
    const owner = ownerOfCaller(caller);
    const jsonl = `${(body.lines as unknown[]).map((l) => JSON.stringify(l)).join('\n')}\n`;
    const incoming = await deps.client.staging.receive([Buffer.from(jsonl)]);
    const staged = await incoming.commit('jsonl', owner);

    const memo = startMemoFor(body);
    let workflowId: string;
    try {
      const handle = await deps.client.startBatch(
        { staged },
        {
          // window, options and linesPerRun passed checkBatchInput in batchBody, before anything was staged.
          ...(body.window !== undefined ? { window: body.window as number } : {}),
          ...(body.options !== undefined ? { options: body.options as GenerationOptions } : {}),
          ...(body.linesPerRun !== undefined ? { linesPerRun: body.linesPerRun as number } : {}),
          ...(idempotencyKey ? { idempotencyKey } : {}),
          // The key's fairness weight (issue 19 §4; its slot weight is read by the worker, activities/admission.ts).
          ...(req.apiKey!.weight !== undefined ? { fairnessWeight: req.apiKey!.weight } : {}),
          searchAttributes: [{ key: ViduCaller, value: caller }],
          memo: { [START_MEMO]: memo },
        },
      );
      workflowId = handle.workflowId;
    } catch (err) {
      if (err instanceof InvalidGenerationInput) throw invalidInput(fieldErrors(err.issues));
      throw err;
    }
    const created = await createdByThisStart(
      deps.client.temporal,
      workflowId,
      memo,
      idempotencyKey !== undefined,
      'batch',
    );
    const links = linksFor(workflowId);
    return reply
      .code(created ? 201 : 200)
      .header('location', links.self)
      .send({ id: workflowId, kind: 'batch', links, lines: (body.lines as unknown[]).length });
  });
}

const ALLOWED = ['lines', 'window', 'options', 'linesPerRun'] as const;

function batchBody(raw: unknown): Record<string, unknown> & { lines: unknown } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw problem(400, 'bad-request', 'the body must be a JSON object', {
      errors: [{ field: '(body)', message: `must be a JSON object with ${ALLOWED.join(', ')}` }],
    });
  }
  const body = raw as Record<string, unknown>;
  const errors: FieldError[] = [];
  if ('source' in body) {
    errors.push({
      field: 'source',
      message:
        'a batch over the HTTP API takes its lines in the request (`lines`), never a file on the worker (source.path is refused)',
    });
  }
  if ('notify' in body)
    errors.push({
      field: 'notify',
      message: 'batches send no webhooks; follow the batch with GET /v1/generations/{id} or its /events stream',
    });
  for (const k of Object.keys(body))
    if (k !== 'source' && k !== 'notify' && !(ALLOWED as readonly string[]).includes(k))
      errors.push({ field: k, message: `unknown field; expected only ${ALLOWED.join(', ')}` });
  if (!Array.isArray(body.lines) || body.lines.length === 0)
    errors.push({
      field: 'lines',
      message: `required: 1–${MAX_HTTP_BATCH_LINES} lines, each { "kind", "request", "options" }`,
    });
  else if (body.lines.length > MAX_HTTP_BATCH_LINES)
    errors.push({
      field: 'lines',
      message: `at most ${MAX_HTTP_BATCH_LINES} lines per batch; split it into several batches`,
    });
  const opts = body.options as { idempotencyKey?: unknown } | undefined;
  if (opts && typeof opts === 'object' && opts.idempotencyKey !== undefined)
    errors.push({
      field: 'options.idempotencyKey',
      message: 'a batch is made repeatable with the Idempotency-Key header',
    });
  // window, options and linesPerRun: the batch contract, with a stand-in source.
  const rest = Object.fromEntries(
    ['window', 'options', 'linesPerRun'].filter((k) => body[k] !== undefined).map((k) => [k, body[k]]),
  );
  errors.push(
    ...fieldErrors(checkBatchInput({ source: { staged: `staged:operator/${'0'.repeat(64)}.jsonl` }, ...rest })),
  );
  if (errors.length > 0) throw invalidInput(errors);
  return body as Record<string, unknown> & { lines: unknown };
}

/** One error per bad line: `lines[i]` and "line i+1: <rule>", never the line's content. */
export function lineErrors(lines: unknown, defaults: GenerationOptions | undefined): FieldError[] {
  const errors: FieldError[] = [];
  (lines as unknown[]).forEach((line, i) => {
    const size = Buffer.byteLength(JSON.stringify(line) ?? '');
    if (size > MAX_BATCH_LINE_BYTES) {
      errors.push({
        field: `lines[${i}]`,
        message: `line ${i + 1}: ${size} bytes; a batch line may have at most ${MAX_BATCH_LINE_BYTES} (give media as http(s) URLs)`,
      });
      return;
    }
    const parsed = checkBatchLine(line, { remote: true, ...(defaults ? { defaults } : {}) });
    if (!parsed.ok) errors.push({ field: `lines[${i}]`, message: `line ${i + 1}: ${parsed.message}` });
  });
  return errors;
}
