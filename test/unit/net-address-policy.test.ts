import { describe, expect, it } from 'vitest';
import {
  addressRefusal,
  hostRefusal,
  nonPublicRange,
  parseAllowPrivate,
  STRICT_POLICY,
} from '../../platform/net/address-policy';

describe('nonPublicRange', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['169.254.169.254', 'link-local'], // AWS/GCP/Azure metadata
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.100.100.200', 'carrier-grade NAT'], // Alibaba metadata
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'unique-local (private)'],
    ['fd00:ec2::254', 'unique-local (private)'], // AWS IPv6 metadata
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['::7f00:1', 'ipv4-compatible'],
    ['::a00:1', 'ipv4-compatible'],
    ['64:ff9b::7f00:1', 'rfc6052 of loopback'],
    ['2002:a00:1::', '6to4 of private'],
    ['2001:db8::1', 'reserved'],
  ])('refuses %s (%s)', (address, range) => {
    expect(nonPublicRange(address)).toBe(range);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('accepts the public address %s', (address) => {
    expect(nonPublicRange(address)).toBeUndefined();
  });
});

describe('parseAllowPrivate and the refusals', () => {
  it('refuses every private address and the metadata names by default', () => {
    expect(addressRefusal(STRICT_POLICY, 'cdn.example', '10.0.0.1')).toBe('cdn.example resolves to a private address');
    expect(addressRefusal(STRICT_POLICY, 'cdn.example', '93.184.216.34')).toBeUndefined();
    expect(hostRefusal(STRICT_POLICY, '127.0.0.1')).toBe('127.0.0.1 is a loopback address');
    expect(hostRefusal(STRICT_POLICY, '[::1]')).toBe('::1 is a loopback address');
    expect(hostRefusal(STRICT_POLICY, '[::ffff:7f00:1]')).toBe('::ffff:7f00:1 is a loopback address');
    expect(hostRefusal(STRICT_POLICY, 'metadata.google.internal')).toMatch(/cloud metadata/);
    expect(hostRefusal(STRICT_POLICY, 'METADATA.google.internal.')).toMatch(/cloud metadata/);
    expect(hostRefusal(STRICT_POLICY, 'localhost')).toMatch(/loopback name/);
    expect(hostRefusal(STRICT_POLICY, 'app.localhost')).toMatch(/loopback name/);
    expect(hostRefusal(STRICT_POLICY, 'cdn.example')).toBeUndefined();
    expect(parseAllowPrivate(undefined)).toEqual(STRICT_POLICY);
    expect(parseAllowPrivate('')).toEqual(STRICT_POLICY);
    expect(parseAllowPrivate('0')).toEqual(STRICT_POLICY);
  });

  it('`1` allows everything', () => {
    const all = parseAllowPrivate('1');
    expect(hostRefusal(all, '127.0.0.1')).toBeUndefined();
    expect(hostRefusal(all, 'metadata.google.internal')).toBeUndefined();
    expect(addressRefusal(all, 'x', '169.254.169.254')).toBeUndefined();
  });

  it('a list allows exactly its addresses, ranges and host names', () => {
    const policy = parseAllowPrivate(' 127.0.0.1, 10.0.0.0/8 ,cdn.internal,[fd12::1], fd34::/16');
    expect(hostRefusal(policy, '127.0.0.1')).toBeUndefined();
    expect(hostRefusal(policy, '127.0.0.2')).toMatch(/loopback/);
    expect(hostRefusal(policy, '[::ffff:127.0.0.1]')).toBeUndefined(); // the same address, mapped
    expect(hostRefusal(policy, '[::1]')).toMatch(/loopback/);
    expect(addressRefusal(policy, 'a.example', '10.200.3.4')).toBeUndefined();
    expect(addressRefusal(policy, 'a.example', '::ffff:10.200.3.4')).toBeUndefined();
    expect(addressRefusal(policy, 'a.example', '11.0.0.1')).toBeUndefined(); // public anyway
    expect(addressRefusal(policy, 'a.example', '192.168.0.1')).toMatch(/private/);
    expect(addressRefusal(policy, 'a.example', '169.254.169.254')).toMatch(/link-local/);
    // An allowed host name may resolve to anything; another name to the same address may not.
    expect(addressRefusal(policy, 'cdn.internal', '192.168.0.1')).toBeUndefined();
    expect(addressRefusal(policy, 'CDN.internal.', '192.168.0.1')).toBeUndefined();
    expect(addressRefusal(policy, 'other.internal', '192.168.0.1')).toMatch(/private/);
    expect(hostRefusal(policy, '[fd12::1]')).toBeUndefined();
    expect(hostRefusal(policy, '[fd12::2]')).toMatch(/unique-local/);
    expect(addressRefusal(policy, 'x', 'fd34:1::9')).toBeUndefined();
    expect(hostRefusal(policy, 'metadata.google.internal')).toMatch(/cloud metadata/);
    expect(hostRefusal(policy, 'localhost')).toMatch(/loopback name/);
    expect(hostRefusal(parseAllowPrivate('localhost'), 'localhost')).toBeUndefined();
  });

  it('an IPv4-mapped CIDR range covers the IPv4 addresses it maps', () => {
    const policy = parseAllowPrivate('::ffff:10.0.0.0/104');
    expect(addressRefusal(policy, 'x', '10.9.9.9')).toBeUndefined();
    expect(addressRefusal(policy, 'x', '172.16.0.1')).toMatch(/private/);
  });

  it.each(['10.0.0.0/33', 'not a host!', '10.0.0.0/x', 'http://cdn.internal'])(
    'refuses the malformed entry %j, naming the variable',
    (entry) => {
      expect(() => parseAllowPrivate(`127.0.0.1,${entry}`)).toThrow(/^VIDU_FLOW_ALLOW_PRIVATE_URLS: /);
    },
  );
});
