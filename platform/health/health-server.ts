import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// The small HTTP server of the worker and the callback receiver on METRICS_PORT:
//   GET /healthz  200 while the process runs (liveness);
//   GET /readyz   200 once `ready()` says so, else 503 (readiness: connected to Temporal, polling);
//   GET /metrics  Prometheus text from `metrics()`; with a token (METRICS_TOKEN), only for
//                 `Authorization: Bearer <token>` (compared in constant time), else 401.
// Plain node:http: three routes need no framework, and the worker has no other HTTP server.

export interface HealthServerOptions {
  port: number;
  host: string;
  ready: () => boolean | Promise<boolean>;
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** When set, /metrics needs this bearer token; probes stay open. */
  token?: string;
}

export interface HealthServer {
  /** http://host:port, with 127.0.0.1 for a wildcard host. */
  url: string;
  close(): Promise<void>;
}

export async function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  const server = createServer((req, res) => {
    void route(req, res, opts).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function route(req: IncomingMessage, res: ServerResponse, opts: HealthServerOptions): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  if (path === '/healthz') {
    json(res, 200, { ok: true });
  } else if (path === '/readyz') {
    const ready = await Promise.resolve(opts.ready()).catch(() => false);
    json(res, ready ? 200 : 503, { ready });
  } else if (
    path === '/metrics' &&
    opts.metrics &&
    opts.token !== undefined &&
    !bearerMatches(req.headers.authorization, opts.token)
  ) {
    res
      .writeHead(401, { 'www-authenticate': 'Bearer', 'content-type': 'application/json' })
      .end(JSON.stringify({ error: 'send the metrics token: Authorization: Bearer <METRICS_TOKEN>' }));
  } else if (path === '/metrics' && opts.metrics) {
    const { contentType, body } = await opts.metrics();
    res.writeHead(200, { 'content-type': contentType }).end(body);
  } else {
    json(res, 404, { error: 'not found' });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Whether the Authorization header carries `token`, compared as SHA-256 digests in constant time. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1] ?? '';
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(token)) && presented.length > 0;
}
