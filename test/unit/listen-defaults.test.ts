import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadApiConfig } from '../../api/config';
import { newApiKey } from '../../platform/keys/api-keys';
import { loadCallbackConfig } from '../../receiver/config';
import { loadWorkerConfig } from '../../worker/config';
import { bearerMatches, startHealthServer } from '../../platform/health/health-server';

// Defaults a security reviewer signs (issue 16 item 6): loopback listeners, a keys file only its
// owner can read (API and worker refuse to start otherwise), /metrics optionally behind a token.

const KEY = 'vidu-test-key';
const dir = mkdtempSync(path.join(tmpdir(), 'vidu-flow-defaults-'));
const keysFile = (mode: number) => {
  const f = path.join(dir, `keys-${mode.toString(8)}.json`);
  writeFileSync(f, JSON.stringify([newApiKey('shop').entry]));
  chmodSync(f, mode);
  return f;
};

describe('listen addresses', () => {
  it('are 127.0.0.1 unless told otherwise: API, callback receiver, metrics', () => {
    expect(loadApiConfig({ VIDU_FLOW_API_KEYS_FILE: keysFile(0o600) }).host).toBe('127.0.0.1');
    expect(loadCallbackConfig({ VIDU_API_KEY: KEY }).CALLBACK_HOST).toBe('127.0.0.1');
    expect(loadWorkerConfig({ VIDU_API_KEY: KEY, METRICS_PORT: '9464' }).telemetry.metrics).toEqual({
      port: 9464,
      host: '127.0.0.1',
    });
    expect(loadApiConfig({ VIDU_FLOW_API_KEYS_FILE: keysFile(0o600), API_HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });
});

describe('the keys file', () => {
  it('is refused at start by the API and the worker when other users may read or write it, with the chmod that fixes it', () => {
    for (const mode of [0o644, 0o660, 0o606]) {
      const f = keysFile(mode);
      expect(() => loadApiConfig({ VIDU_FLOW_API_KEYS_FILE: f })).toThrow(`chmod 600 ${f}`);
      expect(() => loadWorkerConfig({ VIDU_API_KEY: KEY, VIDU_FLOW_API_KEYS_FILE: f })).toThrow(`chmod 600 ${f}`);
    }
    expect(loadWorkerConfig({ VIDU_API_KEY: KEY, VIDU_FLOW_API_KEYS_FILE: keysFile(0o600) }).apiKeysFile).toBeDefined();
  });
});

describe('METRICS_TOKEN', () => {
  it('compares the bearer token in constant time (digests of equal length), refusing empty and near misses', () => {
    expect(bearerMatches('Bearer s3cret-token-0123456789', 's3cret-token-0123456789')).toBe(true);
    expect(bearerMatches('Bearer s3cret-token-012345678', 's3cret-token-0123456789')).toBe(false);
    expect(bearerMatches(undefined, 's3cret-token-0123456789')).toBe(false);
    expect(bearerMatches('Basic s3cret-token-0123456789', 's3cret-token-0123456789')).toBe(false);
  });

  it('puts /metrics behind the token while /healthz and /readyz stay open; without a token /metrics is open', async () => {
    const metrics = async () => ({ contentType: 'text/plain', body: 'vidu_up 1\n' });
    const token = 'metrics-token-0123456789abcdef';
    const guarded = await startHealthServer({ port: 0, host: '127.0.0.1', ready: () => true, metrics, token });
    const open = await startHealthServer({ port: 0, host: '127.0.0.1', ready: () => true, metrics });
    try {
      expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const ok = await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe('vidu_up 1\n');
      expect((await fetch(`${guarded.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${guarded.url}/readyz`)).status).toBe(200);
      expect((await fetch(`${open.url}/metrics`)).status).toBe(200);
    } finally {
      await guarded.close();
      await open.close();
    }
  });

  it('must be long enough to be a secret, and is never echoed in the refusal', () => {
    expect(() => loadWorkerConfig({ VIDU_API_KEY: KEY, METRICS_PORT: '9464', METRICS_TOKEN: 'short' })).toThrow(
      /METRICS_TOKEN: must be at least 16 characters \(got a value\)/,
    );
    expect(() => loadCallbackConfig({ VIDU_API_KEY: KEY, METRICS_TOKEN: 'short' })).toThrow(
      /METRICS_TOKEN: must be at least 16 characters \(got a value\)/,
    );
    expect(
      loadWorkerConfig({ VIDU_API_KEY: KEY, METRICS_PORT: '9464', METRICS_TOKEN: 'x'.repeat(16) }).telemetry.metrics
        ?.token,
    ).toBe('x'.repeat(16));
  });
});
