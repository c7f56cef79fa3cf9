import net from 'node:net';
import {
  ALLOW_PRIVATE_ENV,
  type AddressPolicy,
  addressRefusal,
  hostRefusal,
  parseAllowPrivate,
  PrivateAddressRefused,
  STRICT_POLICY,
} from './address-policy';
import { createGuardedFetch, type DestinationJudge } from './guarded-fetch';

// Which private destinations completion webhooks may be POSTed to: a list of its own,
// VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS, empty by default, never the download list
// (VIDU_FLOW_ALLOW_PRIVATE_URLS, which exists so inputs can come from an internal CDN; issue 16
// item 6 saw the worker POST to `127.0.0.1:<port>/internal/admin/reset?confirm=1` through it).
// Same form as the download list — `1` (everything: development only), or a comma list of host
// names, IP addresses and CIDR ranges — and each entry may name one port, so an operator can open
// exactly one private port: `127.0.0.1:9000`, `[::1]:9000`, `hooks.internal:8443`,
// `10.0.0.0/8:443`. An entry without a port allows every port of what it names. Public
// destinations need no entry (any port).

export const WEBHOOK_ALLOW_PRIVATE_ENV = 'VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS';

export interface WebhookAddressPolicy {
  allowAll: boolean;
  /** One address policy per entry, with the port it is limited to (undefined: every port). */
  entries: ReadonlyArray<{ policy: AddressPolicy; port?: number; text: string }>;
}

export const STRICT_WEBHOOK_POLICY: WebhookAddressPolicy = { allowAll: false, entries: [] };

/** Parses VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS: unset/empty ⇒ strict, `1` ⇒ all, else `entry[:port],…`. */
export function parseWebhookAllowPrivate(value: string | undefined): WebhookAddressPolicy {
  const text = (value ?? '').trim();
  if (text === '' || text === '0') return STRICT_WEBHOOK_POLICY;
  if (text === '1') return { allowAll: true, entries: [] };
  const entries: Array<{ policy: AddressPolicy; port?: number; text: string }> = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const { target, port } = splitPort(entry);
    if (target === '1' || target === '0')
      throw new Error(
        `${WEBHOOK_ALLOW_PRIVATE_ENV}: ${JSON.stringify(entry)}: 1 allows everything and stands alone, not in a list`,
      );
    let policy: AddressPolicy;
    try {
      policy = parseAllowPrivate(target);
    } catch (err) {
      throw new Error(
        (err as Error).message
          .replace(ALLOW_PRIVATE_ENV, WEBHOOK_ALLOW_PRIVATE_ENV)
          .replace(
            /use 1, or a comma list such as [^;]*$/,
            'use 1, or a comma list such as 127.0.0.1:9000,[::1]:9000,hooks.internal:8443,10.0.0.0/8',
          ),
      );
    }
    entries.push({ policy, ...(port !== undefined ? { port } : {}), text: entry });
  }
  return { allowAll: false, entries };
}

/** `host:port`, `[v6]:port`, `cidr:port` → the target and the port; a bare IPv6 address has no port. */
function splitPort(entry: string): { target: string; port?: number } {
  let target = entry;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(entry);
  if (bracketed) {
    target = bracketed[1]!;
    portText = bracketed[2];
  } else if (!net.isIPv6(entry) && !/^[0-9a-f:]+\/\d+$/i.test(entry)) {
    const i = entry.lastIndexOf(':');
    if (i >= 0) {
      target = entry.slice(0, i);
      portText = entry.slice(i + 1);
    }
  }
  if (portText === undefined) return { target };
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535))
    throw new Error(
      `${WEBHOOK_ALLOW_PRIVATE_ENV}: ${JSON.stringify(entry)} has no valid port after the colon (1–65535)`,
    );
  if (net.isIPv6(target) && !bracketed)
    throw new Error(
      `${WEBHOOK_ALLOW_PRIVATE_ENV}: ${JSON.stringify(entry)}: write an IPv6 address with a port in brackets, e.g. [::1]:9000`,
    );
  return { target, port };
}

// The port a URL connects to: one definition, in the fetch that connects (platform/net/guarded-fetch.ts).
export { portOf } from './guarded-fetch';

const portSuffix = (port: number) => ` (port ${port})`;

/**
 * Why a webhook connection to `hostname` on `port` must not be opened before any lookup (an IP
 * literal, a metadata or localhost name that no entry allows on this port), or undefined.
 */
export function webhookHostRefusal(policy: WebhookAddressPolicy, hostname: string, port: number): string | undefined {
  if (policy.allowAll) return undefined;
  const refusal = hostRefusal(STRICT_POLICY, hostname);
  if (refusal === undefined) return undefined;
  if (
    policy.entries.some(
      (e) => (e.port === undefined || e.port === port) && hostRefusal(e.policy, hostname) === undefined,
    )
  )
    return undefined;
  return refusal + portSuffix(port);
}

/** Why a webhook connection to `address` (resolved from `hostname`) on `port` is refused, or undefined. */
export function webhookAddressRefusal(
  policy: WebhookAddressPolicy,
  hostname: string,
  address: string,
  port: number,
): string | undefined {
  if (policy.allowAll) return undefined;
  const refusal = addressRefusal(STRICT_POLICY, hostname, address);
  if (refusal === undefined) return undefined;
  if (
    policy.entries.some(
      (e) => (e.port === undefined || e.port === port) && addressRefusal(e.policy, hostname, address) === undefined,
    )
  )
    return undefined;
  return refusal + portSuffix(port);
}

/** The judge of webhook destinations, for the guarded fetch: checked on the address actually connected to. */
export function webhookJudge(policy: WebhookAddressPolicy): DestinationJudge {
  return {
    hostRefusal: (hostname, port) => webhookHostRefusal(policy, hostname, port),
    addressRefusal: (hostname, address, port) => webhookAddressRefusal(policy, hostname, address, port),
    refused: (reason) => new PrivateAddressRefused(reason, 'webhooks', WEBHOOK_ALLOW_PRIVATE_ENV),
  };
}

/** The fetch completion webhooks are POSTed with (no redirects are followed for POST). */
export function createWebhookFetch(policy: WebhookAddressPolicy): typeof fetch {
  return createGuardedFetch({ judge: webhookJudge(policy) });
}
