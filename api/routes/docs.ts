import type { FastifyInstance } from 'fastify';
import { buildOpenApi } from '../openapi';
import { renderDocsPage } from '../docs-page';

// GET /openapi.json and GET /docs (a self-contained page: no CDN script, works offline).

export function registerDocs(app: FastifyInstance): void {
  const doc = buildOpenApi();
  const text = JSON.stringify(doc);
  const page = renderDocsPage(doc);
  app.get('/openapi.json', { config: { public: true } }, async (_req, reply) =>
    reply.type('application/json').send(text),
  );
  app.get('/docs', { config: { public: true } }, async (_req, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'",
      )
      .send(page),
  );
}
