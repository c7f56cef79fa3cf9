import dns, { type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import {
  addressRefusal,
  hostRefusal,
  PrivateAddressRefused,
  STRICT_POLICY,
  type AddressPolicy,
} from './address-policy';

// A `fetch` for everything the worker downloads on a caller's behalf (http(s) inputs, results to
// archive). The address policy is enforced where the connection is made: on the address the DNS
// lookup returned for this very connection (so a name that resolves to a public address when
// checked and to 127.0.0.1 when connecting gains nothing), and for IP literals before connecting.
// Redirects are followed here, one hop at a time, so each hop is checked the same way.

/** dns.lookup's callback form; injectable so tests can resolve a name to loopback. */
export type LookupFunction = (
  hostname: string,
  options: LookupOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

/**
 * Decides each destination: before any lookup (IP literals, metadata and localhost names) and on
 * each address a lookup returned, knowing the port the connection is for.
 */
export interface DestinationJudge {
  hostRefusal(hostname: string, port: number): string | undefined;
  addressRefusal(hostname: string, address: string, port: number): string | undefined;
  /** The refusal thrown (names the variable that would allow it). */
  refused(reason: string): Error;
}

/** The download judge: VIDU_FLOW_ALLOW_PRIVATE_URLS, every port alike. */
export function downloadJudge(policy: AddressPolicy): DestinationJudge {
  return {
    hostRefusal: (hostname) => hostRefusal(policy, hostname),
    addressRefusal: (hostname, address) => addressRefusal(policy, hostname, address),
    refused: (reason) => new PrivateAddressRefused(reason),
  };
}

export interface GuardedFetchOptions {
  /** Downloads: the address policy (every port alike). */
  policy?: AddressPolicy;
  /** Or any judge (webhooks: platform/net/webhook-policy.ts, per port); wins over `policy`. */
  judge?: DestinationJudge;
  /** Default: dns.lookup. */
  lookup?: LookupFunction;
  /** Redirect hops followed before giving up (default 5). */
  maxRedirects?: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Builds the guarded fetch; the worker passes it to the activities as `deps.fetch`. */
export function createGuardedFetch(opts: GuardedFetchOptions): typeof fetch {
  const judge = opts.judge ?? downloadJudge(opts.policy ?? STRICT_POLICY);
  const resolve = opts.lookup ?? (dns.lookup as unknown as LookupFunction);
  const maxRedirects = opts.maxRedirects ?? 5;

  /** The lookup of one connection, to `port`: only addresses the judge allows reach the socket. */
  const guardedLookup =
    (port: number): LookupFunction =>
    (hostname, options, callback) => {
      resolve(hostname, { ...options, all: true }, (err, addresses) => {
        if (err) return callback(err, options.all ? [] : '', 0);
        const list = (addresses as LookupAddress[]).filter(
          (a) => judge.addressRefusal(hostname, a.address, port) === undefined,
        );
        if (list.length === 0) {
          const first = (addresses as LookupAddress[])[0];
          const reason = first ? judge.addressRefusal(hostname, first.address, port) : `${hostname} has no address`;
          return callback(
            judge.refused(reason ?? `${hostname} has no usable address`) as NodeJS.ErrnoException,
            options.all ? [] : '',
            0,
          );
        }
        // Only addresses the policy allows are handed to the socket, whichever one it picks.
        if (options.all) return callback(null, list);
        const chosen = list[0]!;
        return callback(null, chosen.address, chosen.family);
      });
    };

  // One connector per destination port (the lookup must know the port it judges for).
  const connectors = new Map<number, buildConnector.connector>();
  const agent = new Agent({
    connect: (options, callback) => {
      const port = options.port ? Number(options.port) : defaultPort(options.protocol);
      // net.connect skips the lookup for IP literals, so those are judged here.
      const refusal = judge.hostRefusal(options.hostname, port);
      if (refusal) return callback(judge.refused(refusal), null);
      let connector = connectors.get(port);
      if (!connector) {
        connector = buildConnector({ lookup: guardedLookup(port) as never });
        connectors.set(port, connector);
      }
      return connector(options, callback);
    },
  });

  async function guardedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    let url = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const follow = (init?.redirect ?? 'follow') === 'follow' && (method === 'GET' || method === 'HEAD');
    for (let hop = 0; ; hop++) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new TypeError(`refusing to fetch a ${url.protocol} URL`);
      // A refused host fails here, before undici queues anything for it.
      const refusal = judge.hostRefusal(url.hostname, portOf(url));
      if (refusal) throw judge.refused(refusal);
      let res: Response;
      try {
        res = (await undiciFetch(url, {
          ...(init as object),
          redirect: 'manual',
          dispatcher: agent,
        } as never)) as unknown as Response;
      } catch (err) {
        // undici wraps connector errors as `TypeError: fetch failed`; the refusal is the news.
        const cause = (err as { cause?: unknown }).cause;
        if (cause instanceof PrivateAddressRefused) throw cause;
        throw err;
      }
      const location = res.headers.get('location');
      if (init?.redirect === 'error' && REDIRECT_STATUSES.has(res.status)) {
        await res.body?.cancel().catch(() => undefined);
        throw new TypeError(`unexpected redirect from ${url.href}`);
      }
      if (!follow || !REDIRECT_STATUSES.has(res.status) || location === null) return res;
      await res.body?.cancel().catch(() => undefined);
      if (hop >= maxRedirects) throw new TypeError(`more than ${maxRedirects} redirects from ${String(input)}`);
      url = new URL(location, url);
    }
  }

  return guardedFetch as typeof fetch;
}

/** The port of a scheme when the URL names none. */
function defaultPort(protocol: string | undefined): number {
  return protocol === 'https:' ? 443 : 80;
}

/** The port a URL connects to (its own, else the scheme's default). */
export function portOf(url: URL): number {
  return url.port !== '' ? Number(url.port) : defaultPort(url.protocol);
}
