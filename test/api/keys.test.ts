import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bearerToken,
  checkKeysFileMode,
  findKey,
  hasScope,
  keyStillValid,
  KEY_NAME_RULE,
  loadKeysFile,
  newApiKey,
  sha256Hex,
} from '../../platform/keys/api-keys';

const dir = mkdtempSync(path.join(tmpdir(), 'vidu-flow-keys-'));
function file(content: unknown): string {
  const f = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content), { mode: 0o600 });
  return f;
}

describe('API keys', () => {
  it('--new-key makes a key whose SHA-256 is in the entry, with a fresh id, all scopes and a webhook secret', () => {
    const { key, entry } = newApiKey('shop');
    expect(key).toMatch(/^vf_[\w-]{43}$/);
    expect(entry.id).toMatch(/^k[0-9a-f]{20}$/);
    expect(entry.id).toMatch(KEY_NAME_RULE);
    expect(newApiKey('shop').entry.id).not.toBe(entry.id);
    expect(newApiKey('shop', undefined, 'shop').entry.id).toBe('shop');
    expect(() => newApiKey('shop', undefined, 'Shop:1')).toThrow(/the id must be/);
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
      loadKeysFile(
        file([
          entry,
          { ...entry, id: 'y', name: 'y' },
          { id: 'x', name: 'x', keySha256: 'ABC', scopes: ['write'], webhookSecret: secret },
        ]),
      );
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/\[2\]\.keySha256: must be the lower-case hex SHA-256/);
    expect(message).toMatch(/\[2\]\.scopes\[0\]/);
    expect(message).toMatch(/\[2\]\.webhookSecret: must be whsec_/);
    expect(message).not.toContain(secret);
    expect(() => loadKeysFile(file([entry, { ...entry, id: 'other' }]))).toThrow(/\[1\]\.name: duplicate name "ok"/);
    expect(() => loadKeysFile(file([entry, { ...entry, name: 'other' }]))).toThrow(
      new RegExp(`\\[1\\]\\.id: duplicate id "${entry.id}"`),
    );
  });

  it('refuses a keys file from before ids, saying how to migrate (old name as id keeps the generations)', () => {
    const { entry } = newApiKey('shop');
    const { id: _id, ...old } = entry;
    let message = '';
    try {
      loadKeysFile(file([{ ...newApiKey('fresh').entry }, old]));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/entries without "id": \[1\] \("shop"\)/);
    expect(message).toMatch(/"id": "<its current name>"/);
    expect(message).not.toContain(entry.keySha256);
    expect(message).not.toContain(entry.webhookSecret!);
    expect(loadKeysFile(file([{ ...old, id: 'shop' }]))[0]!.id).toBe('shop');
  });

  it('refuses a keys file other users may read or write, naming the file and the chmod that fixes it', () => {
    const f = file([newApiKey('a').entry]);
    expect(() => checkKeysFileMode(f)).not.toThrow();
    for (const mode of [0o644, 0o640, 0o604, 0o620, 0o602]) {
      chmodSync(f, mode);
      expect(() => checkKeysFileMode(f), mode.toString(8)).toThrow(`chmod 600 ${f}`);
    }
    chmodSync(f, 0o400);
    expect(() => checkKeysFileMode(f)).not.toThrow();
    expect(() => checkKeysFileMode(path.join(dir, 'missing.json'))).toThrow(/cannot read .*ENOENT/);
  });

  it('tells whether a key is still the one in the file: same id, same key hash, scope kept', () => {
    const a = newApiKey('a');
    const rotated = { ...a.entry, keySha256: sha256Hex('another key') };
    expect(keyStillValid([a.entry], a.entry, 'read')).toBe(true);
    expect(keyStillValid([], a.entry, 'read')).toBe(false);
    expect(keyStillValid([rotated], a.entry, 'read')).toBe(false);
    expect(keyStillValid([{ ...a.entry, scopes: ['start'] }], a.entry, 'read')).toBe(false);
    // Renamed, same key: still valid (the name is only a label).
    expect(keyStillValid([{ ...a.entry, name: 'renamed' }], a.entry, 'read')).toBe(true);
  });
});
