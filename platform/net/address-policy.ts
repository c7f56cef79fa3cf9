import ipaddr from 'ipaddr.js';
import net from 'node:net';

// Which network addresses the worker may download from (http(s) inputs, archive downloads).
// Only global unicast addresses are reachable by default: a caller that may start a workflow must
// not be able to make the worker fetch from its loopback, its private network, a link-local
// cloud-metadata service or a multicast group. VIDU_FLOW_ALLOW_PRIVATE_URLS opens that up:
// `1` for everything (development), or a list of hosts and CIDR ranges an operator trusts.

/** The environment variable that allows private addresses; named in every refusal. */
export const ALLOW_PRIVATE_ENV = 'VIDU_FLOW_ALLOW_PRIVATE_URLS';

export interface AddressPolicy {
  /** `1`: nothing is refused (development). */
  allowAll: boolean;
  /** Host names (lower case) whose connections are allowed whatever they resolve to. */
  hosts: ReadonlySet<string>;
  /** CIDR ranges (IP literals become /32 or /128) whose addresses are allowed. */
  ranges: ReadonlyArray<readonly [ipaddr.IPv4 | ipaddr.IPv6, number]>;
}

/** The default: only public unicast addresses. */
export const STRICT_POLICY: AddressPolicy = { allowAll: false, hosts: new Set(), ranges: [] };

/**
 * Names of cloud metadata services, refused before any DNS lookup (their addresses are refused
 * anyway; this also stops a resolver that maps them somewhere unexpected).
 */
const METADATA_HOSTS = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.internal',
]);

/** Parses VIDU_FLOW_ALLOW_PRIVATE_URLS: unset/empty ⇒ strict, `1` ⇒ all, else `host,cidr,…`. */
export function parseAllowPrivate(value: string | undefined): AddressPolicy {
  const text = (value ?? '').trim();
  if (text === '' || text === '0') return STRICT_POLICY;
  if (text === '1') return { allowAll: true, hosts: new Set(), ranges: [] };
  const hosts = new Set<string>();
  const ranges: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> = [];
  for (const raw of text.split(',')) {
    const entry = raw
      .trim()
      .toLowerCase()
      .replace(/^\[(.*)\]$/, '$1');
    if (entry === '') continue;
    if (entry.includes('/')) {
      if (!ipaddr.isValidCIDR(entry))
        throw new Error(
          `${ALLOW_PRIVATE_ENV}: ${JSON.stringify(raw.trim())} is not a valid CIDR range (e.g. 10.0.0.0/8, fc00::/7)`,
        );
      const [addr, bits] = ipaddr.parseCIDR(entry);
      ranges.push([
        normalize(addr),
        addr.kind() === 'ipv6' && normalize(addr).kind() === 'ipv4' ? Math.max(0, bits - 96) : bits,
      ]);
    } else if (net.isIP(entry)) {
      const addr = normalize(ipaddr.parse(entry));
      ranges.push([addr, addr.kind() === 'ipv4' ? 32 : 128]);
    } else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/.test(entry)) {
      hosts.add(entry.replace(/\.$/, ''));
    } else {
      throw new Error(
        `${ALLOW_PRIVATE_ENV}: ${JSON.stringify(raw.trim())} is neither a host name, an IP address nor a CIDR range; use 1, or a comma list such as 127.0.0.1,10.0.0.0/8,cdn.internal`,
      );
    }
  }
  return { allowAll: false, hosts, ranges };
}

/** IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is the IPv4 address it maps; judged as such. */
function normalize(addr: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()
    ? (addr as ipaddr.IPv6).toIPv4Address()
    : addr;
}

/** The IPv4 address inside a NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address. */
function embeddedIPv4(addr: ipaddr.IPv6, range: string): ipaddr.IPv4 | undefined {
  const p = addr.parts;
  if (range === 'rfc6052' && p[0] === 0x64 && p[1] === 0xff9b && p[2] === 0) return ipv4From(p[6]!, p[7]!);
  if (range === '6to4') return ipv4From(p[1]!, p[2]!);
  return undefined;
}

const ipv4From = (hi: number, lo: number): ipaddr.IPv4 => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);

/**
 * Why `address` is not a public address (e.g. `loopback`, `private`, `link-local`), or undefined
 * when it is global unicast. Anything ipaddr.js does not classify as plain unicast is refused:
 * RFC1918, CGNAT 100.64/10, link-local (169.254.169.254, the metadata service, included),
 * unique-local fc00::/7 (fd00:ec2::254 included), multicast, broadcast, unspecified, reserved
 * and documentation ranges, Teredo, and IPv4-compatible `::a.b.c.d`.
 */
export function nonPublicRange(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'unparseable';
  const addr = normalize(ipaddr.parse(address));
  const range = addr.range();
  if (addr.kind() === 'ipv6') {
    const v6 = addr as ipaddr.IPv6;
    // ::a.b.c.d (deprecated IPv4-compatible) reads as unicast to ipaddr.js; nothing public lives there.
    if (range === 'unicast' && v6.parts.slice(0, 6).every((x) => x === 0)) return 'ipv4-compatible';
    const inner = embeddedIPv4(v6, range);
    if (inner) {
      const innerRange = inner.range();
      return innerRange === 'unicast' ? undefined : `${range} of ${innerRange}`;
    }
  }
  if (range === 'unicast') return undefined;
  return RANGE_NAMES[range] ?? range;
}

const RANGE_NAMES: Record<string, string> = {
  linkLocal: 'link-local',
  uniqueLocal: 'unique-local (private)',
  carrierGradeNat: 'carrier-grade NAT',
};

/** True when `address` falls in one of the policy's CIDR ranges. */
function inAllowedRange(policy: AddressPolicy, address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const addr = normalize(ipaddr.parse(address));
  return policy.ranges.some(([base, bits]) => base.kind() === addr.kind() && addr.match(base, bits));
}

export function hostAllowed(policy: AddressPolicy, hostname: string): boolean {
  return policy.allowAll || policy.hosts.has(bareHost(hostname));
}

/** URL host names keep IPv6 brackets and may end with a dot; compare without either. */
export function bareHost(hostname: string): string {
  return hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

/**
 * Why a connection to `hostname` must not be opened before any lookup (a metadata service name
 * or a `localhost` name), or undefined. IP literals are judged by `refusal` with the address.
 */
export function hostRefusal(policy: AddressPolicy, hostname: string): string | undefined {
  if (hostAllowed(policy, hostname)) return undefined;
  const host = bareHost(hostname);
  if (METADATA_HOSTS.has(host)) return `${host} is a cloud metadata service`;
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is a loopback name`;
  if (net.isIP(host)) return addressRefusal(policy, host, host);
  return undefined;
}

/** Why connecting to `address` (resolved from `hostname`) is refused, or undefined. */
export function addressRefusal(policy: AddressPolicy, hostname: string, address: string): string | undefined {
  if (hostAllowed(policy, hostname)) return undefined;
  const range = nonPublicRange(address);
  if (range === undefined || inAllowedRange(policy, address)) return undefined;
  const host = bareHost(hostname);
  return net.isIP(host) ? `${host} is a ${range} address` : `${host} resolves to a ${range} address`;
}

/** Thrown (and never retried into a connection) when the policy refuses a destination. */
export class PrivateAddressRefused extends Error {
  override readonly name = 'PrivateAddressRefused';
  readonly code = 'ERR_PRIVATE_ADDRESS_REFUSED';

  /** `what` and `env`: webhooks have a list of their own (platform/net/webhook-policy.ts). */
  constructor(reason: string, what = 'downloads', env = ALLOW_PRIVATE_ENV) {
    super(
      `${reason}; ${what} may not reach loopback, private, link-local, multicast or cloud-metadata addresses unless ${env} allows them`,
    );
  }
}
