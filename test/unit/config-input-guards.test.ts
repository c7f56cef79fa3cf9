import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STRICT_POLICY } from '../../platform/net/address-policy';
import { loadWorkerConfig } from '../../worker/config';

// The worker's two input guards from its environment: VIDU_FLOW_INPUT_ROOTS and
// VIDU_FLOW_ALLOW_PRIVATE_URLS. Both default to refusing.

const KEY = 'vk_test';

describe('worker input guards', () => {
  it('default: no input root, no private address', () => {
    const config = loadWorkerConfig({ VIDU_API_KEY: KEY });
    expect(config.inputRoots).toEqual([]);
    expect(config.privateUrls).toEqual(STRICT_POLICY);
  });

  it('VIDU_FLOW_INPUT_ROOTS: a path-delimited list, made absolute, empty entries ignored', () => {
    const config = loadWorkerConfig({
      VIDU_API_KEY: KEY,
      VIDU_FLOW_INPUT_ROOTS: ['/srv/inputs', '', 'relative/in'].join(path.delimiter),
    });
    expect(config.inputRoots).toEqual(['/srv/inputs', path.resolve('relative/in')]);
  });

  it('VIDU_FLOW_ALLOW_PRIVATE_URLS: 1, or a list of hosts and ranges', () => {
    expect(loadWorkerConfig({ VIDU_API_KEY: KEY, VIDU_FLOW_ALLOW_PRIVATE_URLS: '1' }).privateUrls.allowAll).toBe(true);
    const list = loadWorkerConfig({
      VIDU_API_KEY: KEY,
      VIDU_FLOW_ALLOW_PRIVATE_URLS: '127.0.0.1,cdn.internal',
    }).privateUrls;
    expect(list.allowAll).toBe(false);
    expect([...list.hosts]).toEqual(['cdn.internal']);
    expect(list.ranges).toHaveLength(1);
  });

  it('refuses a malformed allow list at start-up, naming the variable', () => {
    expect(() => loadWorkerConfig({ VIDU_API_KEY: KEY, VIDU_FLOW_ALLOW_PRIVATE_URLS: '10.0.0.0/99' })).toThrow(
      /^VIDU_FLOW_ALLOW_PRIVATE_URLS: "10\.0\.0\.0\/99" is not a valid CIDR range/,
    );
  });
});
