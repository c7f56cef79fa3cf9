import { acceptedContentTypes } from './uploads/upload-media';
import { z } from 'zod';
import { MAX_HTTP_BATCH_LINES } from '../contract/batch-input';
import { buildJsonSchemas } from '../contract/json-schemas';
import { GENERATION_KINDS } from '../contract/generation-input';
import { WEBHOOK_EVENT_TYPES } from '../core/webhook-types';
import { EditsBody, ListQuery, Notify, StartResponse } from './schemas';
import { SubjectCreateBody, SubjectEditBody } from '../contract/subjects';

// GET /openapi.json: OpenAPI 3.1, generated from the same zod contract the API validates with
// (contract/json-schemas.ts for the workflow inputs and outputs, api/schemas.ts for the rest).
// OpenAPI 3.1 schemas are JSON Schema 2020-12, what z.toJSONSchema writes.

type Json = Record<string, unknown>;

function strip(schema: Json): Json {
  const { $schema: _drop, ...rest } = schema;
  return rest;
}

function zodJson(schema: z.ZodType, io: 'input' | 'output' = 'input'): Json {
  return strip(z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json);
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json) => ({ 'application/json': { schema } });

/** Every route behind a key may also answer 429 (rate limit; event streams: the stream caps), with Retry-After. */
const PROBLEM_RESPONSES = (codes: number[]): Json =>
  Object.fromEntries(
    (codes.includes(401) ? [...codes, 429] : codes).map((c) => [
      String(c),
      { $ref: `#/components/responses/Problem${c}` },
    ]),
  );

/** An input schema with the API's optional `notify` beside request and options. */
function withNotify(input: Json): Json {
  const copy = structuredClone(input);
  (copy.properties as Json).notify = ref('Notify');
  return copy;
}

export function buildOpenApi(): Json {
  const files = buildJsonSchemas();
  const schemas: Json = {
    Notify: zodJson(Notify),
    StartResponse: zodJson(StartResponse, 'output'),
    AdFilmInput: withNotify(strip(files['adFilm.input.schema.json']!)),
    MusicVideoInput: withNotify(strip(files['musicVideo.input.schema.json']!)),
    BatchInput: strip(files['batch.input.schema.json']!),
    BatchBody: batchBody(strip(files['batch.input.schema.json']!)),
    GenerationResult: strip(files['generation.result.schema.json']!),
    GenerationStatus: strip(files['generation.status.schema.json']!),
    AdFilmResult: strip(files['adFilm.result.schema.json']!),
    AdFilmStatus: strip(files['adFilm.status.schema.json']!),
    Storyboards: strip(files['adFilm.storyboards.schema.json']!),
    Edits: zodJson(EditsBody),
    Generation: {
      type: 'object',
      required: ['id', 'kind', 'execution', 'createdAt'],
      properties: {
        id: { type: 'string' },
        kind: { type: 'string' },
        caller: { type: 'string', description: 'Name of the API key that started it' },
        execution: {
          enum: [
            'running',
            'succeeded',
            'failed',
            'cancelled',
            'terminated',
            'timed_out',
            'continued_as_new',
            'unknown',
          ],
        },
        createdAt: { type: 'string', format: 'date-time' },
        closedAt: { type: 'string', format: 'date-time' },
        status: {
          description: 'The workflow\'s "status" query',
          anyOf: [ref('GenerationStatus'), ref('AdFilmStatus'), { type: 'object' }],
        },
        result: {
          description: 'On success',
          anyOf: [ref('GenerationResult'), ref('AdFilmResult'), { type: 'object' }],
        },
        downloads: {
          type: 'array',
          description:
            'On success with an S3 archive: presigned GET links (one hour) to each archived file and the manifest',
          items: {
            type: 'object',
            required: ['name', 'location', 'url', 'expiresAt'],
            properties: {
              name: { type: 'string' },
              location: { type: 'string', description: 's3://bucket/key' },
              sha256: { type: 'string' },
              bytes: { type: 'integer' },
              url: { type: 'string', format: 'uri' },
              expiresAt: { type: 'string', format: 'date-time' },
            },
          },
        },
        failure: {
          type: 'object',
          required: ['type', 'message', 'details'],
          properties: {
            type: { type: 'string' },
            message: { type: 'string' },
            details: { type: 'array' },
            errCode: { type: 'string' },
          },
        },
        links: { type: 'object' },
      },
    },
    GenerationList: {
      type: 'object',
      required: ['items'],
      properties: {
        items: { type: 'array', items: { type: 'object', required: ['id', 'kind', 'execution', 'createdAt'] } },
      },
    },
    Accepted: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
    WebhookEvent: {
      type: 'object',
      required: ['type', 'timestamp', 'data'],
      description:
        'Body of a webhook; headers webhook-id, webhook-timestamp, webhook-signature (Standard Webhooks). generation.updated (only when asked for) ' +
        'carries the generation as it was at that change of phase or Vidu state; order is best-effort, so order by `timestamp` and treat the terminal event as final',
      properties: {
        type: { enum: [...WEBHOOK_EVENT_TYPES] },
        timestamp: { type: 'string', format: 'date-time' },
        data: ref('Generation'),
      },
    },
    Upload: {
      type: 'object',
      required: ['ref', 'bytes', 'sha256', 'contentType', 'format', 'expiresAt'],
      properties: {
        ref: {
          type: 'string',
          description: 'staged:key-<your key id>/<sha256>.<ext>: usable in your own starts only',
          pattern: '^staged:key-[a-z0-9][a-z0-9_-]{0,39}/[0-9a-f]{64}\\.[a-z0-9]+$',
        },
        bytes: { type: 'integer' },
        sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        contentType: { type: 'string' },
        format: { type: 'string' },
        width: { type: 'integer' },
        height: { type: 'integer' },
        durationSeconds: { type: 'number' },
        expiresAt: {
          type: ['string', 'null'],
          format: 'date-time',
          description: 'Unused for VIDU_FLOW_STAGING_TTL_DAYS, the upload is swept; null: kept',
        },
      },
    },
    PresignUploadBody: {
      type: 'object',
      additionalProperties: false,
      required: ['contentType', 'bytes', 'sha256'],
      properties: {
        contentType: { type: 'string' },
        bytes: { type: 'integer', minimum: 1 },
        sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      },
    },
    PresignedUpload: {
      type: 'object',
      required: ['method', 'url', 'headers', 'ref', 'expiresAt'],
      properties: {
        method: { const: 'PUT' },
        url: { type: 'string' },
        headers: {
          type: 'object',
          additionalProperties: { type: 'string' },
          description: 'Content-Type, Content-Length and x-amz-checksum-sha256: signed, send them as they are',
        },
        ref: { type: 'string' },
        expiresAt: { type: 'string', format: 'date-time' },
      },
    },
    Problem: {
      type: 'object',
      description: 'RFC 9457 problem details',
      required: ['type', 'title', 'status', 'detail'],
      properties: {
        type: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        errors: {
          type: 'array',
          items: {
            type: 'object',
            required: ['field', 'message'],
            properties: { field: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  };
  for (const kind of GENERATION_KINDS) schemas[`${kind}Input`] = withNotify(strip(files[`${kind}.input.schema.json`]!));
  // POST /v1/estimates/{kind}: the start's input without notify (api/routes/estimates.ts).
  for (const kind of GENERATION_KINDS) schemas[`${kind}EstimateInput`] = strip(files[`${kind}.input.schema.json`]!);
  schemas.AdFilmEstimateInput = strip(files['adFilm.input.schema.json']!);
  schemas.MusicVideoEstimateInput = strip(files['musicVideo.input.schema.json']!);
  schemas.Estimate = {
    type: 'object',
    required: ['credits', 'basis'],
    description: 'The price before submission (docs/vidu-pricing.md; VIDU_FLOW_PRICES_FILE applies)',
    properties: {
      credits: { type: 'integer', minimum: 0, description: 'Estimated credits; 0 when unpriced' },
      basis: {
        type: 'string',
        description:
          'How the figure was reached: the table entry, the priced fields, the rules applied, the source and its date',
      },
      unpriced: {
        type: 'string',
        description:
          'Why no price could be given (unknown model or price, a source video’s length not known before staging)',
      },
      entry: {
        type: 'object',
        required: ['kind', 'model', 'source', 'readOn'],
        properties: {
          kind: { type: 'string' },
          model: { type: 'string' },
          source: { type: 'string' },
          readOn: { type: 'string' },
          override: { type: 'boolean', description: 'From the operator’s prices file' },
        },
      },
    },
  };
  schemas.Budgets = {
    type: 'object',
    required: ['at', 'budgets'],
    properties: {
      at: { type: 'string', description: 'When the figures were read (ISO 8601); periods are the ones current then' },
      budgets: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'period', 'periodKey', 'periodEndsAt', 'limitCredits', 'reserved', 'charged', 'remaining'],
          properties: {
            name: { type: 'string' },
            period: { type: 'string', enum: ['day', 'month'], description: 'A UTC day or a UTC calendar month' },
            periodKey: { type: 'string', description: '2026-12-07 (day) or 2026-12 (month)' },
            periodEndsAt: { type: 'string', description: 'ISO 8601, UTC' },
            limitCredits: { type: 'integer' },
            reserved: { type: 'integer', description: 'Held by generations not yet finished (their estimates)' },
            charged: { type: 'integer', description: 'Charged by finished generations, net of refunds' },
            remaining: { type: 'integer', description: 'limit − reserved − charged, at least 0' },
            caller: { type: 'string' },
            model: { type: 'string' },
            kind: { type: 'string' },
          },
        },
      },
    },
  };
  schemas.EstimateTotal = {
    type: 'object',
    required: ['credits', 'byModel', 'lines', 'unpriced'],
    description: 'Several estimates: an AD film’s calls or a batch’s lines. The total leaves the unpriced lines out',
    properties: {
      credits: { type: 'integer', minimum: 0 },
      byModel: { type: 'object', additionalProperties: { type: 'integer' } },
      lines: {
        type: 'array',
        items: {
          type: 'object',
          required: ['label', 'kind', 'model', 'estimate'],
          properties: {
            label: { type: 'string' },
            kind: { type: 'string' },
            model: { type: 'string' },
            estimate: ref('Estimate'),
          },
        },
      },
      unpriced: {
        type: 'array',
        items: {
          type: 'object',
          required: ['label', 'reason'],
          properties: { label: { type: 'string' }, reason: { type: 'string' } },
        },
      },
    },
  };
  schemas.BatchEstimateBody = {
    type: 'object',
    additionalProperties: false,
    required: ['lines'],
    properties: {
      lines: {
        type: 'array',
        minItems: 1,
        maxItems: MAX_HTTP_BATCH_LINES,
        items: {
          type: 'object',
          description: 'A batch line { kind, request, options }; an invalid one is listed as unpriced',
        },
      },
      options: { type: 'object' },
    },
  };

  const responses: Json = Object.fromEntries(
    [400, 401, 403, 404, 409, 413, 415, 422].map((c) => [
      `Problem${c}`,
      { description: `Problem (${c})`, content: { 'application/problem+json': { schema: ref('Problem') } } },
    ]),
  );
  responses.Problem429 = {
    description:
      'Too many requests: the key’s request budget (API_RATE_LIMIT_PER_KEY a minute; without a valid key, API_RATE_LIMIT_PER_ADDRESS per address), ' +
      'or for /events the open-stream caps (API_MAX_STREAMS_PER_KEY, API_MAX_STREAMS). Retry after the seconds in Retry-After.',
    headers: {
      'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } },
    },
    content: { 'application/problem+json': { schema: ref('Problem') } },
  };
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
  const idempotencyKey = {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'Same key (per API key; `options.idempotencyKey` in the body is the same key, namespaced alike) ⇒ the same generation: a repeat answers 200 with the same body',
    schema: { type: 'string', minLength: 1, maxLength: 200 },
  };
  const start = (summary: string, schema: string, scope = 'start'): Json => ({
    summary,
    security: [{ apiKey: [scope] }],
    parameters: [idempotencyKey],
    requestBody: { required: true, content: json(ref(schema)) },
    responses: {
      '201': { description: 'Started', content: json(ref('StartResponse')) },
      '200': {
        description: 'Already started with this Idempotency-Key (same body as the 201)',
        content: json(ref('StartResponse')),
      },
      ...PROBLEM_RESPONSES([400, 401, 403, 413, 415, 422]),
    },
  });

  const paths: Json = {};
  for (const kind of GENERATION_KINDS)
    paths[`/v1/generations/${kind}`] = {
      post: { operationId: `start_${kind}`, ...start(`Start a ${kind} generation`, `${kind}Input`) },
    };
  paths['/v1/ad-films'] = { post: { operationId: 'start_adFilm', ...start('Start an AD film', 'AdFilmInput') } };
  // Its review runs through /v1/ad-films/{id}/edits, /approve and /storyboards: the same workflow messages.
  paths['/v1/music-videos'] = {
    post: {
      operationId: 'start_musicVideo',
      ...start('Start a one-click music video (the AD film’s workflow for one-click/mv)', 'MusicVideoInput'),
    },
  };
  paths['/v1/batches'] = {
    post: {
      operationId: 'start_batch',
      ...start(
        'Start a batch over the lines in the request (staged as your own; never a file on the worker)',
        'BatchBody',
      ),
    },
  };
  const estimate = (summary: string, body: string, answer: string): Json => ({
    post: {
      operationId: `estimate_${body.replace(/EstimateInput$|EstimateBody$/, '')}`,
      summary,
      security: [{ apiKey: ['read'] }],
      requestBody: { required: true, content: json(ref(body)) },
      responses: {
        '200': { description: 'The estimate (nothing is started)', content: json(ref(answer)) },
        ...PROBLEM_RESPONSES([400, 401, 403, 413, 415, 422]),
      },
    },
  });
  for (const kind of GENERATION_KINDS)
    paths[`/v1/estimates/${kind}`] = estimate(
      `Estimate a ${kind} generation before starting it`,
      `${kind}EstimateInput`,
      'Estimate',
    );
  paths['/v1/estimates/ad-film'] = estimate(
    'Estimate an AD film: create, each edit, compose',
    'AdFilmEstimateInput',
    'EstimateTotal',
  );
  paths['/v1/estimates/music-video'] = estimate(
    'Estimate a music video: create (its lip-sync surcharge on the longest song Vidu takes, 180 s), each edit, compose',
    'MusicVideoEstimateInput',
    'EstimateTotal',
  );
  paths['/v1/estimates/batch'] = estimate(
    'Estimate a batch: the total, by model, and the lines that could not be priced',
    'BatchEstimateBody',
    'EstimateTotal',
  );
  // POST /v1/uploads (api/routes/uploads.ts): raw bytes, not JSON; the answer's `ref` goes in a start.
  const uploadQuery = [
    {
      name: 'kind',
      in: 'query',
      required: false,
      description: 'Check against this kind’s media fields only (e.g. img2video)',
      schema: { type: 'string' },
    },
    {
      name: 'field',
      in: 'query',
      required: false,
      description: 'With kind: check against this field’s documented limits (e.g. images)',
      schema: { type: 'string' },
    },
  ];
  paths['/v1/uploads'] = {
    post: {
      operationId: 'upload_media',
      summary:
        'Upload one input’s bytes (image/png, image/jpeg, image/webp, video/mp4, video/quicktime, video/webm, video/x-msvideo, audio/mpeg, audio/wav, audio/mp4, audio/ogg); ' +
        'checked like the stage step (magic bytes, probe, the fields’ size/pixel/aspect rules) and stored as your own. At most API_UPLOAD_BODY_LIMIT_BYTES (200 MiB) and the largest documented size for the format.',
      security: [{ apiKey: ['start'] }],
      parameters: uploadQuery,
      requestBody: {
        required: true,
        content: Object.fromEntries(
          acceptedContentTypes().map((t) => [t, { schema: { type: 'string', format: 'binary' } }]),
        ),
      },
      responses: {
        '201': { description: 'Stored', content: json(ref('Upload')) },
        ...PROBLEM_RESPONSES([400, 401, 403, 413, 415, 422]),
      },
    },
  };
  paths['/v1/uploads/presign'] = {
    post: {
      operationId: 'presign_upload',
      summary:
        'S3 staging only (STAGING_URL=s3://…): a 15-minute presigned PUT for bytes of this type, length and sha256; send the answered headers with the PUT. 404 with a local staging folder.',
      security: [{ apiKey: ['start'] }],
      parameters: uploadQuery,
      requestBody: { required: true, content: json(ref('PresignUploadBody')) },
      responses: {
        '201': { description: 'Signed', content: json(ref('PresignedUpload')) },
        ...PROBLEM_RESPONSES([400, 401, 403, 404, 413, 415, 422]),
      },
    },
  };
  const listQuery = zodJson(ListQuery) as { properties: Record<string, Json> };
  paths['/v1/generations'] = {
    get: {
      operationId: 'list_generations',
      summary: "This API key's generations, newest first",
      security: [{ apiKey: ['read'] }],
      parameters: Object.entries(listQuery.properties).map(([name, schema]) => ({
        name,
        in: 'query',
        required: false,
        schema,
      })),
      responses: {
        '200': { description: 'The list', content: json(ref('GenerationList')) },
        ...PROBLEM_RESPONSES([400, 401, 403]),
      },
    },
  };
  paths['/v1/generations/{id}'] = {
    get: {
      operationId: 'get_generation',
      summary: 'Status, and the result or the typed failure once finished',
      security: [{ apiKey: ['read'] }],
      parameters: [idParam],
      responses: {
        '200': { description: 'The generation', content: json(ref('Generation')) },
        ...PROBLEM_RESPONSES([401, 403, 404]),
      },
    },
  };
  paths['/v1/generations/{id}/events'] = {
    get: {
      operationId: 'generation_events',
      summary: 'Server-Sent Events: `status` on every change, then `result` (a Generation); resume with Last-Event-ID',
      security: [{ apiKey: ['read'] }],
      parameters: [idParam, { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' } }],
      responses: {
        '200': { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
        ...PROBLEM_RESPONSES([401, 403, 404]),
      },
    },
  };
  paths['/v1/generations/{id}/cancel'] = {
    post: {
      operationId: 'cancel_generation',
      summary: 'Cancel (Vidu is asked to cancel; it may refuse a running task, which is then still archived)',
      security: [{ apiKey: ['cancel'] }],
      parameters: [idParam],
      responses: {
        '202': { description: 'Cancel requested', content: json(ref('Accepted')) },
        ...PROBLEM_RESPONSES([401, 403, 404, 409]),
      },
    },
  };
  paths['/v1/ad-films/{id}/edits'] = {
    post: {
      operationId: 'request_edits',
      summary:
        'Review mode: queue edits (the requestEdits update); a refused edit is a 422 naming the field (an AD film or a music video)',
      security: [{ apiKey: ['start'] }],
      parameters: [idParam],
      requestBody: { required: true, content: json(ref('Edits')) },
      responses: {
        '200': {
          description: 'Accepted edits',
          content: json({ type: 'object', required: ['accepted'], properties: { accepted: { type: 'integer' } } }),
        },
        ...PROBLEM_RESPONSES([400, 401, 403, 404, 409, 413, 415, 422]),
      },
    },
  };
  paths['/v1/ad-films/{id}/approve'] = {
    post: {
      operationId: 'approve',
      summary: 'Review mode: compose with the current storyboards (an AD film or a music video)',
      security: [{ apiKey: ['start'] }],
      parameters: [idParam],
      responses: {
        '202': { description: 'Approved', content: json(ref('Accepted')) },
        ...PROBLEM_RESPONSES([401, 403, 404, 409]),
      },
    },
  };
  paths['/v1/ad-films/{id}/storyboards'] = {
    get: {
      operationId: 'storyboards',
      summary: 'Each storyboard: prompt, state, media URL (an AD film or a music video)',
      security: [{ apiKey: ['read'] }],
      parameters: [idParam],
      responses: {
        '200': {
          description: 'Storyboards',
          content: json({ type: 'object', properties: { id: { type: 'string' }, storyboards: ref('Storyboards') } }),
        },
        ...PROBLEM_RESPONSES([401, 403, 404]),
      },
    },
  };
  paths['/v1/budgets'] = {
    get: {
      operationId: 'budgets',
      summary:
        'Your key’s budgets (VIDU_FLOW_BUDGETS_FILE entries whose caller is your key id): limit, reserved, charged and remaining credits in the current UTC period. Shared budgets (overall, per model or kind) are not shown: their figures include other callers’',
      security: [{ apiKey: ['read'] }],
      responses: {
        '200': { description: 'Budgets', content: json(ref('Budgets')) },
        ...PROBLEM_RESPONSES([401, 403]),
      },
    },
  };

  // The subject library (api/routes/subjects.ts, docs/vidu-api-subjects.md): a key's own subjects only.
  schemas.SubjectCreateBody = zodJson(SubjectCreateBody);
  schemas.SubjectEditBody = zodJson(SubjectEditBody);
  schemas.Subject = {
    type: 'object',
    required: ['id', 'name', 'images', 'videos', 'voiceId', 'style', 'description', 'owner'],
    properties: {
      id: { type: 'string', description: 'Vidu’s id: the `server_id` of reference2video’s `subjects[]`' },
      name: { type: 'string' },
      images: { type: 'array', items: { type: 'string' } },
      videos: { type: 'array', items: { type: 'string' } },
      voiceId: { type: 'string' },
      style: { type: 'string' },
      description: { type: 'string' },
      owner: { type: 'string', description: '`key-<id>` of the key that created it' },
      credits: { type: 'integer', description: 'What the create cost (5); on the create’s answer only' },
    },
  };
  schemas.SubjectPage = {
    type: 'object',
    required: ['subjects'],
    properties: {
      subjects: { type: 'array', items: ref('Subject') },
      nextPageToken: { type: 'string', description: 'Absent on the last page' },
    },
  };
  const subjectIdempotencyKey = {
    ...idempotencyKey,
    description: 'Same key (per API key) ⇒ the same subject, created and paid once',
  };
  paths['/v1/subjects'] = {
    post: {
      operationId: 'create_subject',
      summary: 'Create a subject (5 credits): a name, 1–3 images, optionally one 5 s video and a voice_id',
      security: [{ apiKey: ['start'] }],
      parameters: [subjectIdempotencyKey],
      requestBody: { required: true, content: json(ref('SubjectCreateBody')) },
      responses: {
        '201': {
          description: 'Created (or, with the same Idempotency-Key, the one created before)',
          content: json(ref('Subject')),
        },
        ...PROBLEM_RESPONSES([400, 401, 403, 413, 415, 422]),
      },
    },
    get: {
      operationId: 'list_subjects',
      summary: "This API key's subjects, a page at a time (follow nextPageToken; a page may hold fewer than count)",
      security: [{ apiKey: ['read'] }],
      parameters: [
        { name: 'count', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100 } },
        { name: 'pageToken', in: 'query', required: false, schema: { type: 'string' } },
      ],
      responses: {
        '200': { description: 'The page', content: json(ref('SubjectPage')) },
        ...PROBLEM_RESPONSES([400, 401, 403, 422]),
      },
    },
  };
  const editSubject = (method: string): Json => ({
    operationId: `${method}_subject`,
    summary:
      'Edit one of your subjects (free): what is sent replaces (images, video, name, style, description, voice_id)',
    security: [{ apiKey: ['start'] }],
    parameters: [idParam],
    requestBody: { required: true, content: json(ref('SubjectEditBody')) },
    responses: {
      '200': { description: 'The subject after the edit', content: json(ref('Subject')) },
      ...PROBLEM_RESPONSES([400, 401, 403, 404, 413, 415, 422]),
    },
  });
  paths['/v1/subjects/{id}'] = {
    get: {
      operationId: 'get_subject',
      summary: 'One of your subjects (404 for an unknown id and for another key’s alike)',
      security: [{ apiKey: ['read'] }],
      parameters: [idParam],
      responses: {
        '200': { description: 'The subject', content: json(ref('Subject')) },
        ...PROBLEM_RESPONSES([401, 403, 404]),
      },
    },
    patch: editSubject('patch'),
    put: editSubject('put'),
    delete: {
      operationId: 'delete_subject',
      summary: 'Not available: Vidu documents no way to delete a subject (always 405)',
      security: [{ apiKey: ['start'] }],
      parameters: [idParam],
      responses: {
        '405': {
          description: 'Vidu documents no delete',
          content: { 'application/problem+json': { schema: { type: 'object' } } },
        },
      },
    },
  };

  return {
    openapi: '3.1.0',
    info: {
      title: 'vidu-flow HTTP API',
      version: '1',
      description:
        'Start Vidu generations, follow them (Server-Sent Events) and receive signed completion webhooks. ' +
        'Authenticate with `Authorization: Bearer <key>`; a key sees only the generations it started. Errors are RFC 9457 problem details. ' +
        'The key is checked before the body is read (401 without reading it). Bodies: up to API_BODY_LIMIT_BYTES (10 MiB) for the starts that take media as data: URIs, ' +
        'API_JSON_BODY_LIMIT_BYTES (256 KiB) elsewhere (413 above), nested at most API_JSON_MAX_DEPTH (32) levels (400). ' +
        'Requests are rate limited per key (429 with Retry-After); a key has at most API_MAX_STREAMS_PER_KEY (32) event streams open.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key from VIDU_FLOW_API_KEYS_FILE (scopes start, read, cancel)',
        },
      },
      schemas,
      responses,
    },
    security: [{ apiKey: [] }],
    paths,
    webhooks: {
      generationEvent: {
        post: {
          summary:
            "Sent to notify.url (or the key's notifyUrl) when a generation succeeds, fails or is cancelled, and on each change of phase or Vidu state when notify.events lists generation.updated",
          parameters: ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => ({
            name,
            in: 'header',
            required: true,
            schema: { type: 'string' },
          })),
          requestBody: { required: true, content: json(ref('WebhookEvent')) },
          responses: {
            '200': {
              description: 'Any 2xx acknowledges; anything else is retried with backoff for up to 24 h (410 stops)',
            },
          },
        },
      },
    },
  };
}

/** POST /v1/batches: the lines in the body, plus the batch input's window, options and linesPerRun (api/routes/batches.ts). */
function batchBody(input: Json): Json {
  const props = (input as { properties?: Record<string, Json> }).properties ?? {};
  return {
    type: 'object',
    required: ['lines'],
    additionalProperties: false,
    properties: {
      lines: {
        type: 'array',
        minItems: 1,
        maxItems: MAX_HTTP_BATCH_LINES,
        description:
          'One generation per line; media as http(s) URLs, data: URIs or vidu-flow: references to your own results. A bad line is a 422 naming lines[i].',
        items: {
          type: 'object',
          required: ['kind', 'request'],
          additionalProperties: false,
          properties: {
            kind: { type: 'string', enum: [...GENERATION_KINDS] },
            request: { type: 'object' },
            options: { type: 'object' },
          },
        },
      },
      ...Object.fromEntries(['window', 'options', 'linesPerRun'].filter((k) => props[k]).map((k) => [k, props[k]])),
    },
  };
}
