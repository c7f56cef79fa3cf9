import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PrivateAddressRefused } from '../../platform/net/address-policy';
import { createGuardedFetch, type LookupFunction } from '../../platform/net/guarded-fetch';
import {
  createWebhookFetch,
  parseWebhookAllowPrivate,
  STRICT_WEBHOOK_POLICY,
  webhookAddressRefusal,
  webhookHostRefusal,
  webhookJudge,
} from '../../platform/net/webhook-policy';
import { loadWorkerConfig } from '../../worker/config';

// VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS (issue 16 item 6): webhooks' own allow-list, empty by
// default, never the download list, with optional ports. Against two real HTTP servers on
// 127.0.0.1: an allow-listed port is reached, another port of the same host is refused before
// any connection is opened.

let servers: http.Server[] = [];
let ports: number[] = [];
let connections = [0, 0];

beforeAll(async () => {
  servers = [0, 1].map((i) => {
    const s = http.createServer((_req, res) => res.writeHead(204).end());
    s.on('connection', () => (connections[i]! += 1));
    return s;
  });
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  ports = servers.map((s) => (s.address() as AddressInfo).port);
});

afterAll(async () => {
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
});

beforeEach(() => {
  connections = [0, 0];
});

async function refused(p: Promise<unknown>): Promise<PrivateAddressRefused> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PrivateAddressRefused);
  return err as PrivateAddressRefused;
}

const post = (f: typeof fetch, url: string) => f(url, { method: 'POST', body: '{}' });

describe('parseWebhookAllowPrivate', () => {
  it('is empty by default', () => {
    expect(parseWebhookAllowPrivate(undefined)).toBe(STRICT_WEBHOOK_POLICY);
    expect(parseWebhookAllowPrivate('  ')).toBe(STRICT_WEBHOOK_POLICY);
    expect(parseWebhookAllowPrivate('1').allowAll).toBe(true);
  });

  it('reads hosts, addresses and ranges, each with an optional port', () => {
    const p = parseWebhookAllowPrivate(
      '127.0.0.1:9000, [::1]:9001, hooks.internal:8443, 10.0.0.0/8:443, fd00::/8, ::1, cdn.internal',
    );
    expect(p.entries.map((e) => [e.text, e.port])).toEqual([
      ['127.0.0.1:9000', 9000],
      ['[::1]:9001', 9001],
      ['hooks.internal:8443', 8443],
      ['10.0.0.0/8:443', 443],
      ['fd00::/8', undefined],
      ['::1', undefined],
      ['cdn.internal', undefined],
    ]);
  });

  it.each([
    ['a port out of range', '127.0.0.1:70000', /no valid port/],
    ['a port that is not a number', 'hooks.internal:http', /no valid port/],
    ['an empty port', '127.0.0.1:', /no valid port/],
    ['a bad range', '10.0.0.0/99:80', /not a valid CIDR range/],
    ['garbage', 'ex ample', /neither a host name/],
    ['1 inside a list', '127.0.0.1,1', /stands alone/],
  ])('refuses %s, naming its own variable', (_name, value, message) => {
    expect(() => parseWebhookAllowPrivate(value)).toThrow(message);
    expect(() => parseWebhookAllowPrivate(value)).toThrow(/^VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS: /);
  });

  it('is its own variable in the worker config: the download list opens nothing for webhooks', () => {
    const config = loadWorkerConfig({ VIDU_API_KEY: 'k'.repeat(32), VIDU_FLOW_ALLOW_PRIVATE_URLS: '1' });
    expect(config.privateUrls.allowAll).toBe(true);
    expect(config.webhookPrivateUrls).toEqual(STRICT_WEBHOOK_POLICY);
    expect(webhookHostRefusal(config.webhookPrivateUrls, '127.0.0.1', 80)).toMatch(/loopback/);
    const own = loadWorkerConfig({
      VIDU_API_KEY: 'k'.repeat(32),
      VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS: '127.0.0.1:9000',
    });
    expect(own.privateUrls.allowAll).toBe(false);
    expect(webhookHostRefusal(own.webhookPrivateUrls, '127.0.0.1', 9000)).toBeUndefined();
  });
});

describe('webhook destinations', () => {
  const policy = parseWebhookAllowPrivate('127.0.0.1:9000,[::1]:9000,hooks.internal:8443,10.1.0.0/16');

  it('allows exactly the listed port of a listed private address', () => {
    expect(webhookHostRefusal(policy, '127.0.0.1', 9000)).toBeUndefined();
    expect(webhookHostRefusal(policy, '[::1]', 9000)).toBeUndefined();
    expect(webhookHostRefusal(policy, '127.0.0.1', 9001)).toMatch(/127\.0\.0\.1 is a loopback address \(port 9001\)/);
    expect(webhookHostRefusal(policy, '[::1]', 80)).toMatch(/loopback.*port 80/);
    // Another loopback address, the metadata service, a private range not listed: refused on every port.
    expect(webhookHostRefusal(policy, '127.0.0.2', 9000)).toMatch(/loopback/);
    expect(webhookHostRefusal(policy, '169.254.169.254', 9000)).toMatch(/link-local/);
    expect(webhookHostRefusal(policy, 'localhost', 9000)).toMatch(/loopback name/);
  });

  it('allows every port of an entry without one (a range here)', () => {
    for (const port of [80, 443, 9000, 65535])
      expect(webhookAddressRefusal(policy, 'hooks.corp', '10.1.2.3', port)).toBeUndefined();
    expect(webhookAddressRefusal(policy, 'hooks.corp', '10.2.0.1', 443)).toMatch(/private/);
  });

  it('judges a listed name on its port only, whatever it resolves to', () => {
    expect(webhookAddressRefusal(policy, 'hooks.internal', '10.9.9.9', 8443)).toBeUndefined();
    expect(webhookAddressRefusal(policy, 'hooks.internal', '10.9.9.9', 8080)).toMatch(
      /hooks\.internal resolves to a private address \(port 8080\)/,
    );
  });

  it('needs no entry for public destinations, on any port', () => {
    expect(webhookAddressRefusal(STRICT_WEBHOOK_POLICY, 'hooks.example.com', '93.184.216.34', 8443)).toBeUndefined();
    expect(webhookHostRefusal(STRICT_WEBHOOK_POLICY, 'hooks.example.com', 8443)).toBeUndefined();
  });
});

describe('the webhook fetch, on the address actually connected to', () => {
  it('reaches the allow-listed port and refuses another port of the same host before connecting', async () => {
    const f = createWebhookFetch(parseWebhookAllowPrivate(`127.0.0.1:${ports[0]}`));
    expect((await post(f, `http://127.0.0.1:${ports[0]}/hook`)).status).toBe(204);
    const err = await refused(post(f, `http://127.0.0.1:${ports[1]}/internal/admin/reset?confirm=1`));
    expect(err.message).toMatch(
      new RegExp(
        `loopback address \\(port ${ports[1]}\\); webhooks may not reach .* unless VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS allows them`,
      ),
    );
    expect(connections).toEqual([1, 0]);
  });

  it('checks a name that resolves to loopback at connect time, per port', async () => {
    const toLoopback: LookupFunction = (_host, options, cb) =>
      options.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4);
    const f = createGuardedFetch({
      judge: webhookJudge(parseWebhookAllowPrivate(`127.0.0.1:${ports[0]}`)),
      lookup: toLoopback,
    });
    expect((await post(f, `http://rebind.example:${ports[0]}/hook`)).status).toBe(204);
    const err = await refused(post(f, `http://rebind.example:${ports[1]}/hook`));
    expect(err.message).toMatch(/rebind\.example resolves to a loopback address/);
    expect(connections).toEqual([1, 0]);
  });

  it('refuses every private destination by default', async () => {
    const f = createWebhookFetch(STRICT_WEBHOOK_POLICY);
    await refused(post(f, `http://127.0.0.1:${ports[0]}/hook`));
    expect(connections).toEqual([0, 0]);
  });
});
