import { execFile, execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ViduFlowClient } from '../../client';
import { parseAllowPrivate } from '../../platform/net/address-policy';
import { newApiKey } from '../../platform/keys/api-keys';
import { buildApi } from '../../api/server';
import { newWebhookSecret, webhookHeaders } from '../../platform/webhooks/signature';

// examples/webhook-verify.py is what the README tells Python callers to use: it must pass the
// Standard Webhooks test vector and accept exactly what the worker signs (and nothing altered).

const script = path.resolve(__dirname, '../../examples/webhook-verify.py');

describe('examples/webhook-verify.py (Python standard library only)', () => {
  it('verifies the Standard Webhooks test vector', () => {
    expect(execFileSync('python3', [script], { encoding: 'utf8' })).toMatch(
      /^ok: the Standard Webhooks test vector verifies/,
    );
  });

  it('verifies a delivery signed by vidu-flow, and refuses it with a changed body', () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({
      type: 'generation.updated',
      timestamp: new Date().toISOString(),
      data: { id: 'img2video-key-shop:1', status: { phase: 'waiting' } },
    });
    const headers = webhookHeaders('evt_img2video-key-shop:1_updated_1', body, secret);
    const run = (b: string) =>
      execFileSync('python3', [script, '--verify'], {
        input: JSON.stringify({ headers, body: b }),
        env: { ...process.env, VIDU_WEBHOOK_SECRET: secret },
        encoding: 'utf8',
        stdio: 'pipe',
      });
    expect(run(body).trim()).toBe('generation.updated');
    expect(() => run(body.replace('waiting', 'done'))).toThrow(/bad webhook signature/);
  });
});

describe('examples/http-caller.py (the whole HTTP flow from Python; run against the real stack in test/e2e/api.test.ts)', () => {
  it('checks the rejections, and exits 1 with a JSON summary naming the failed check when a start fails', async () => {
    // An API whose client library fails every call: the rejections are answered before it is
    // used, the start is a 500 — so the script must report exactly that step and exit non-zero.
    const full = newApiKey('py');
    const reader = newApiKey('reader', ['read']);
    const broken = new Proxy(
      {},
      {
        get: () => {
          throw new Error('no Temporal here');
        },
      },
    ) as ViduFlowClient;
    const app = buildApi({
      client: broken,
      keys: () => [full.entry, reader.entry],
      privateUrls: parseAllowPrivate(undefined),
      bodyLimit: 4096,
      log: () => undefined,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const api = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const run = await new Promise<{ code: number | null; stdout: string }>((resolve) =>
        execFile(
          'python3',
          [
            path.resolve(__dirname, '../../examples/http-caller.py'),
            '--api',
            api,
            '--read-only-key',
            reader.key,
            '--image',
            'https://cdn.example.com/still.png',
            '--oversize-bytes',
            '4097',
            '--timeout',
            '5',
          ],
          {
            env: { ...process.env, VIDU_FLOW_API_KEY: full.key, VIDU_WEBHOOK_SECRET: full.entry.webhookSecret! },
            timeout: 30_000,
          },
          (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout }),
        ),
      );
      expect(run.code).toBe(1);
      const summary = JSON.parse(run.stdout) as {
        ok: boolean;
        failed: string[];
        checks: Array<{ check: string; ok: boolean }>;
      };
      expect(summary.ok).toBe(false);
      expect(summary.failed).toEqual(['start: 201 with id and links']);
      const passed = summary.checks.filter((c) => c.ok).map((c) => c.check);
      expect(passed).toHaveLength(8);
      expect(passed.join('\n')).toMatch(
        /no key: 401[\s\S]*unknown key: 401[\s\S]*403[\s\S]*400[\s\S]*422[\s\S]*404[\s\S]*4097 bytes\): 413/,
      );
    } finally {
      await app.close();
    }
  });

  it('refuses to run without a key and a webhook secret (exit 2)', () => {
    const env = { ...process.env };
    delete env.VIDU_FLOW_API_KEY;
    delete env.VIDU_WEBHOOK_SECRET;
    let status: number | null = null;
    try {
      execFileSync('python3', [path.resolve(__dirname, '../../examples/http-caller.py')], { env, stdio: 'pipe' });
    } catch (err) {
      status = (err as { status: number | null }).status;
    }
    expect(status).toBe(2);
  });
});
