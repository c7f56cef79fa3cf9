// A TLS-terminating proxy in front of the (plaintext) Temporal dev server, so tests can reach
// Temporal the way production does: TLS with ALPN h2 (gRPC requires it), client certificates
// required and checked against a CA. Each accepted connection is piped to a plain TCP connection
// to the dev server, so gRPC's HTTP/2 passes through as h2c.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

export interface TlsProxy {
  address: string;
  /** Connections that completed the handshake with a trusted client certificate. */
  authorized: number;
  /** Handshakes the proxy refused, with the reason OpenSSL gave. */
  refused: string[];
  close(): Promise<void>;
}

export async function startTlsProxy(opts: {
  target: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
}): Promise<TlsProxy> {
  const [host, port] = splitHostPort(opts.target);
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };
  const proxy: TlsProxy = { address: '', authorized: 0, refused: [], close: async () => undefined };
  const server = tls.createServer(
    {
      key: readFileSync(opts.serverKey),
      cert: readFileSync(opts.serverCert),
      ca: readFileSync(opts.caCert),
      ALPNProtocols: ['h2'],
      requestCert: true,
      rejectUnauthorized: true,
    },
    (client) => {
      proxy.authorized += 1;
      track(client);
      const upstream = net.connect(port, host);
      track(upstream);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    },
  );
  server.on('tlsClientError', (err) => proxy.refused.push(err.message));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  proxy.address = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  proxy.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return proxy;
}

function splitHostPort(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at).replace(/^\[|\]$/g, ''), Number(address.slice(at + 1))];
}
