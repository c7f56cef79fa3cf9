import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ownerOfCaller } from '../../contract/staged-ref';
import { StagingLimitExceeded, type IncomingFile } from '../../platform/stores/staging-store';
import { probeFile } from '../../vidu/media/probe-file';
import { detectFormat } from '../../vidu/media/detect';
import { MediaProbeError } from '../../vidu/media/errors';
import { MIME_TYPES } from '../../vidu/media/formats';
import {
  acceptedContentTypes,
  formatOfContentType,
  maxBytesFor,
  mediaProblems,
  UploadQuery,
} from '../uploads/upload-media';
import { fieldErrors, invalidInput, problem } from '../problem';
import type { UploadPresigner } from '../uploads/presign-upload';
import type { ApiDeps, Guard } from '../deps';
import { headOf } from '../../client/input-staging';

// POST /v1/uploads (issue 22 item 2): the raw bytes of one input, stored in the staging store
// under the calling key (`staged:key-<id>/<sha256>.<ext>`, contract/staged-ref.ts), so
// a caller in any language can hand a start a short reference instead of a data: URI that would
// travel in the workflow's history. The key is checked at the front door before a byte is read
// (api/front-door.ts); the bytes stream into the store's temporary file (never held in memory) up
// to the smaller of the route's limit (API_UPLOAD_BODY_LIMIT_BYTES) and the largest documented
// size a field takes for the declared format; then the same checks as the worker's stage step
// run (magic bytes, then the whole probe against the fields' limits: activities/stage.ts), and
// only bytes that pass are committed. The worker still re-checks them when a start uses the ref.

export interface UploadDeps extends ApiDeps {
  /** Days an unused upload is kept (VIDU_FLOW_STAGING_TTL_DAYS, the worker sweeps; 0: forever). */
  stagingTtlDays: number;
  /** STAGING_URL=s3://… only: signs PUTs for POST /v1/uploads/presign. */
  uploadPresigner?: UploadPresigner;
}

export function registerUploads(app: FastifyInstance, guard: Guard, deps: UploadDeps): void {
  // Encapsulated: the pass-through body parser applies to this route only (every other route
  // keeps its JSON-only parser, api/json-body.ts).
  registerPresign(app, guard, deps);
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    scope.post('/v1/uploads', { preHandler: guard('start') }, async (req, reply) => {
      const query = parseQuery(req.query);
      const declared = req.headers['content-type'];
      const format = formatOfContentType(declared);
      const accepted = acceptedContentTypes(query);
      if (!format || !accepted.includes(MIME_TYPES[format])) {
        reply.header('connection', 'close');
        throw problem(
          415,
          'unsupported-media-type',
          `send the bytes with one of these content types: ${accepted.join(', ')}`,
          {
            errors: [
              {
                field: 'Content-Type',
                message: `must be one of ${accepted.join(', ')}${query.kind ? ` (what ${query.kind}${query.field ? `.${query.field}` : ''} takes)` : ''}`,
              },
            ],
          },
        );
      }
      const routeLimit = req.routeOptions.bodyLimit ?? Number.POSITIVE_INFINITY;
      const maxBytes = Math.min(routeLimit, maxBytesFor(format, query));
      const length = Number(req.headers['content-length']);
      if (Number.isFinite(length) && length > maxBytes) {
        reply.header('connection', 'close');
        throw tooLarge(maxBytes, format);
      }
      let incoming: IncomingFile;
      try {
        incoming = await deps.client.staging.receive(req.body as AsyncIterable<Uint8Array>, maxBytes);
      } catch (err) {
        reply.header('connection', 'close');
        if (err instanceof StagingLimitExceeded) throw tooLarge(maxBytes, format);
        throw err;
      }
      let committed = false;
      try {
        if (incoming.size === 0)
          throw problem(400, 'empty-body', 'the body is empty; send the media bytes', {
            errors: [{ field: '(body)', message: 'empty' }],
          });
        const detected = detectFormat(await headOf(incoming.path));
        if (!detected)
          throw refused(
            'not-media',
            `the bytes are none of the media formats vidu-flow accepts (${accepted.join(', ')}); nothing was stored`,
          );
        if (detected.format !== format) {
          throw refused(
            'content-type-mismatch',
            `the bytes are ${detected.format} (${detected.mime}), not ${MIME_TYPES[format]} as Content-Type says; nothing was stored`,
          );
        }
        const probe = await probeFile(incoming.path, incoming.size).catch((err: unknown) => {
          if (err instanceof MediaProbeError)
            throw refused('not-media', `not a readable ${detected.kind} (${err.message}); nothing was stored`);
          throw err;
        });
        const problems = mediaProblems(probe, incoming.size, query);
        if (problems.length > 0)
          throw problem(
            422,
            'media-refused',
            `the ${probe.format} breaks a documented input rule; nothing was stored`,
            { errors: fieldErrors(problems) },
          );
        const ref = await incoming.commit(probe.format, ownerOfCaller(req.apiKey!.id));
        committed = true;
        const days = deps.stagingTtlDays;
        return reply.code(201).send({
          ref,
          bytes: incoming.size,
          sha256: incoming.sha256,
          contentType: MIME_TYPES[probe.format],
          format: probe.format,
          ...(probe.width ? { width: probe.width, height: probe.height } : {}),
          ...(probe.durationSeconds !== undefined ? { durationSeconds: probe.durationSeconds } : {}),
          // The worker sweeps uploads unused for the TTL; a start that uses one renews nothing (only staging again does).
          expiresAt: days > 0 ? new Date(Date.now() + days * 86_400_000).toISOString() : null,
        });
      } finally {
        if (!committed) await incoming.discard();
      }
    });
  });
}

const PresignBody = z
  .object({
    contentType: z.string().min(1).max(100),
    bytes: z.number().int().positive(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the lower-case hex sha256 of the bytes'),
  })
  .strict();

/**
 * POST /v1/uploads/presign (STAGING_URL=s3://… only): a PUT URL for the caller's own owner path,
 * bound to the declared type, length and sha256 (api/uploads/presign-upload.ts). The declared
 * type and size are checked here against the fields' limits; the bytes themselves are checked by
 * the worker's stage step when a start uses the reference.
 */
function registerPresign(app: FastifyInstance, guard: Guard, deps: UploadDeps): void {
  app.post('/v1/uploads/presign', { preHandler: guard('start') }, async (req, reply) => {
    if (!deps.uploadPresigner) {
      throw problem(
        404,
        'presign-unavailable',
        'presigned uploads need S3 staging (STAGING_URL=s3://…); upload the bytes with POST /v1/uploads',
      );
    }
    const query = parseQuery(req.query);
    const parsed = PresignBody.safeParse(req.body);
    if (!parsed.success)
      throw invalidInput(parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message })));
    const body = parsed.data;
    const format = formatOfContentType(body.contentType);
    const accepted = acceptedContentTypes(query);
    if (!format || !accepted.includes(MIME_TYPES[format]))
      throw invalidInput([{ field: 'contentType', message: `must be one of ${accepted.join(', ')}` }]);
    const maxBytes = maxBytesFor(format, query);
    if (body.bytes > maxBytes)
      throw invalidInput([{ field: 'bytes', message: `an upload of ${format} may have at most ${maxBytes} bytes` }]);
    const signed = await deps.uploadPresigner(ownerOfCaller(req.apiKey!.id), {
      sha256: body.sha256,
      ext: format,
      contentType: MIME_TYPES[format],
      bytes: body.bytes,
    });
    return reply.code(201).send(signed);
  });
}

function parseQuery(raw: FastifyRequest['query']): UploadQuery {
  const parsed = UploadQuery.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  throw problem(400, 'bad-request', 'bad query', {
    errors: parsed.error.issues.map((i) => ({
      field: i.path.length > 0 ? `?${i.path.join('.')}` : '(query)',
      message: i.message,
    })),
  });
}

function tooLarge(maxBytes: number, format: string): Error {
  return problem(
    413,
    'too-large',
    `an upload of ${format} may have at most ${maxBytes} bytes (the route's limit or the largest documented input of that format)`,
    {
      errors: [{ field: '(body)', message: `at most ${maxBytes} bytes` }],
    },
  );
}

function refused(slug: string, message: string): Error {
  return problem(422, slug, message, { errors: [{ field: '(body)', message }] });
}
