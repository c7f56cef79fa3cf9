import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseAllowPrivate, PrivateAddressRefused, STRICT_POLICY } from '../../platform/net/address-policy';
import { createGuardedFetch, type LookupFunction } from '../../platform/net/guarded-fetch';

// The guard against a real HTTP server on 127.0.0.1. Refused destinations must fail before a
// connection is opened: the server counts every connection it accepts.

let server: http.Server;
let port: number;
let connections = 0;
let hits: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/ok') {
      res.end('hello');
    } else if (req.url === '/to-ok') {
      res.writeHead(302, { location: '/ok' });
      res.end();
    } else if (req.url === '/to-metadata') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      res.end();
    } else if (req.url === '/to-other-loopback') {
      res.writeHead(307, { location: `http://127.0.0.2:${port}/ok` });
      res.end();
    } else if (req.url === '/loop') {
      res.writeHead(302, { location: '/loop' });
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  connections = 0;
  hits = [];
});

async function refusal(p: Promise<unknown>): Promise<PrivateAddressRefused> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PrivateAddressRefused);
  return err as PrivateAddressRefused;
}

/** A resolver that maps every name to `address`, as a hostile or rebinding DNS would. */
function resolveTo(address: string, seen: string[] = []): LookupFunction {
  return (hostname, options, callback) => {
    seen.push(hostname);
    if (options.all) callback(null, [{ address, family: address.includes(':') ? 6 : 4 }]);
    else callback(null, address, address.includes(':') ? 6 : 4);
  };
}

describe('guarded fetch', () => {
  it('refuses 127.0.0.1 without an allow list, before connecting', async () => {
    const guarded = createGuardedFetch({ policy: STRICT_POLICY });
    const err = await refusal(guarded(`http://127.0.0.1:${port}/ok`));
    expect(err.message).toMatch(/127\.0\.0\.1 is a loopback address.*VIDU_FLOW_ALLOW_PRIVATE_URLS/);
    expect(connections).toBe(0);
  });

  it('fetches from 127.0.0.1 when the list allows it', async () => {
    const guarded = createGuardedFetch({ policy: parseAllowPrivate('127.0.0.1') });
    const res = await guarded(`http://127.0.0.1:${port}/ok`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('hello');
  });

  it('follows a redirect between allowed addresses', async () => {
    const guarded = createGuardedFetch({ policy: parseAllowPrivate('127.0.0.1') });
    const res = await guarded(`http://127.0.0.1:${port}/to-ok`);
    expect(await res.text()).toBe('hello');
    expect(hits).toEqual(['/to-ok', '/ok']);
  });

  it('refuses a redirect from an allowed host to a refused one', async () => {
    const guarded = createGuardedFetch({ policy: parseAllowPrivate('127.0.0.1') });
    expect((await refusal(guarded(`http://127.0.0.1:${port}/to-metadata`))).message).toMatch(
      /169\.254\.169\.254 is a link-local address/,
    );
    expect((await refusal(guarded(`http://127.0.0.1:${port}/to-other-loopback`))).message).toMatch(
      /127\.0\.0\.2 is a loopback address/,
    );
    expect(hits).toEqual(['/to-metadata', '/to-other-loopback']);
  });

  it('gives up after a bounded number of redirects', async () => {
    const guarded = createGuardedFetch({ policy: parseAllowPrivate('127.0.0.1'), maxRedirects: 3 });
    await expect(guarded(`http://127.0.0.1:${port}/loop`)).rejects.toThrow(/more than 3 redirects/);
    expect(hits).toHaveLength(4);
  });

  it('refuses a host name that resolves to loopback, checked on the address connected to', async () => {
    const seen: string[] = [];
    const guarded = createGuardedFetch({ policy: STRICT_POLICY, lookup: resolveTo('127.0.0.1', seen) });
    const err = await refusal(guarded(`http://media.example.com:${port}/ok`));
    expect(err.message).toMatch(/media\.example\.com resolves to a loopback address/);
    expect(seen).toEqual(['media.example.com']);
    expect(connections).toBe(0);
  });

  it('refuses a name resolving to an IPv4-mapped loopback address', async () => {
    const guarded = createGuardedFetch({ policy: STRICT_POLICY, lookup: resolveTo('::ffff:127.0.0.1') });
    expect((await refusal(guarded(`http://media.example.com:${port}/ok`))).message).toMatch(/loopback/);
    expect(connections).toBe(0);
  });

  it('connects a resolved name when its address is in an allowed range, or the name itself is allowed', async () => {
    const byRange = createGuardedFetch({ policy: parseAllowPrivate('127.0.0.0/8'), lookup: resolveTo('127.0.0.1') });
    expect(await (await byRange(`http://media.example.com:${port}/ok`)).text()).toBe('hello');
    const byName = createGuardedFetch({ policy: parseAllowPrivate('media.internal'), lookup: resolveTo('127.0.0.1') });
    expect(await (await byName(`http://media.internal:${port}/ok`)).text()).toBe('hello');
    await refusal(byName(`http://other.internal:${port}/ok`));
  });

  it('refuses metadata and localhost names without a lookup', async () => {
    const seen: string[] = [];
    const guarded = createGuardedFetch({
      policy: parseAllowPrivate('127.0.0.1'),
      lookup: resolveTo('127.0.0.1', seen),
    });
    await refusal(guarded('http://metadata.google.internal/computeMetadata/v1/'));
    await refusal(guarded(`http://localhost:${port}/ok`));
    expect(seen).toEqual([]);
    expect(connections).toBe(0);
  });

  it('`1` allows everything', async () => {
    const guarded = createGuardedFetch({ policy: parseAllowPrivate('1'), lookup: resolveTo('127.0.0.1') });
    expect(await (await guarded(`http://anything.example:${port}/ok`)).text()).toBe('hello');
  });

  it('refuses schemes other than http(s)', async () => {
    const guarded = createGuardedFetch({ policy: parseAllowPrivate('1') });
    await expect(guarded('file:///etc/passwd')).rejects.toThrow(/file: URL/);
  });
});
