import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bearerToken, findKey, hasScope, loadKeysFile, newApiKey, sha256Hex } from '../../api/keys';

const dir = mkdtempSync(path.join(tmpdir(), 'vidu-flow-keys-'));
function file(content: unknown): string {
  const f = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
}

describe('API keys', () => {
  it('--new-key makes a key whose SHA-256 is in the entry, with all scopes and a webhook secret', () => {
    const { key, entry } = newApiKey('shop');
    expect(key).toMatch(/^vf_[\w-]{43}$/);
    expect(entry.keySha256).toBe(sha256Hex(key));
    expect(entry.scopes).toEqual(['start', 'read', 'cancel']);
    expect(entry.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    // The printed entry loads as a keys file as it is.
    expect(loadKeysFile(file([entry]))).toEqual([entry]);
    expect(() => newApiKey('Shop Name')).toThrow(/a-z, 0-9/);
  });

  it('finds the key by its hash, and nothing for a wrong or empty key', () => {
    const a = newApiKey('a');
    const b = newApiKey('b');
    const keys = [a.entry, { ...b.entry, scopes: ['read' as const] }];
    expect(findKey(keys, a.key)?.name).toBe('a');
    expect(findKey(keys, b.key)?.name).toBe('b');
    expect(findKey(keys, `${a.key}x`)).toBeUndefined();
    expect(findKey(keys, '')).toBeUndefined();
    expect(hasScope(keys[1]!, 'read')).toBe(true);
    expect(hasScope(keys[1]!, 'start')).toBe(false);
  });

  it('reads the bearer token of an Authorization header only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('refuses to run without a keys file, and names the entry and field of a bad one without echoing secrets', () => {
    expect(() => loadKeysFile(undefined)).toThrow(/VIDU_FLOW_API_KEYS_FILE is not set.*deny by default/s);
    expect(() => loadKeysFile(path.join(dir, 'missing.json'))).toThrow(/cannot read .*ENOENT/);
    expect(() => loadKeysFile(file('{nope'))).toThrow(/not valid JSON/);
    const { entry } = newApiKey('ok');
    const secret = 'whsec_dG9vc2hvcnQ=';
    let message = '';
    try {
      loadKeysFile(file([entry, { ...entry, name: 'y' }, { name: 'x', keySha256: 'ABC', scopes: ['write'], webhookSecret: secret }]));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/\[2\]\.keySha256: must be the lower-case hex SHA-256/);
    expect(message).toMatch(/\[2\]\.scopes\[0\]/);
    expect(message).toMatch(/\[2\]\.webhookSecret: must be whsec_/);
    expect(message).not.toContain(secret);
    expect(() => loadKeysFile(file([entry, entry]))).toThrow(/\[1\]\.name: duplicate name "ok"/);
  });
});
