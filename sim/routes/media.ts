/**
 * GET /_media/<file>?exp=&sig= — the sim's stand-in for Vidu's CDN. No
 * Authorization header; the signature and expiry in the URL are the access
 * control, as with a presigned link.
 */
import type { FastifyInstance } from 'fastify';
import type { SimContext } from '../context';
import { errorBody } from '../http-errors';
import { parseFileName } from '../media-urls';

export function registerMediaRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get<{ Params: { file: string }; Querystring: { exp?: string; sig?: string } }>('/_media/:file', (req, reply) => {
    const file = parseFileName(req.params.file);
    const notFound = () => reply.code(404).send(errorBody(404, 'CreationNotFound', 'no such media file'));
    if (!file) return notFound();
    // Signature first: an unsigned request must not cost a render.
    const verdict = ctx.signer.check(req.params.file, req.query.exp, req.query.sig, ctx.clock.now());
    if (verdict !== 'ok') {
      const message =
        verdict === 'expired'
          ? 'this media URL has expired; fetch the task again for a fresh one'
          : 'bad media URL signature';
      return reply.code(403).send(errorBody(403, 'Forbidden', message));
    }
    const creation = ctx.store.creations.get(file.creationId);
    const rendered = creation ? ctx.files.render(creation, file) : undefined;
    if (!rendered) return notFound();
    return reply
      .header('Content-Type', rendered.contentType)
      .header('Content-Length', String(rendered.bytes.byteLength))
      .header('Cache-Control', 'private, max-age=0')
      .send(rendered.bytes);
  });
}
