import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, webhookHeaders } from '../../api/webhooks/signature';

// examples/webhook-verify.py is what the README tells Python callers to use: it must pass the
// Standard Webhooks test vector and accept exactly what the worker signs (and nothing altered).

const script = path.resolve(__dirname, '../../examples/webhook-verify.py');

describe('examples/webhook-verify.py (Python standard library only)', () => {
  it('verifies the Standard Webhooks test vector', () => {
    expect(execFileSync('python3', [script], { encoding: 'utf8' })).toMatch(/^ok: the Standard Webhooks test vector verifies/);
  });

  it('verifies a delivery signed by vidu-flow, and refuses it with a changed body', () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ type: 'generation.updated', timestamp: new Date().toISOString(), data: { id: 'img2video-key-shop:1', status: { phase: 'waiting' } } });
    const headers = webhookHeaders('evt_img2video-key-shop:1_updated_1', body, secret);
    const run = (b: string) => execFileSync('python3', [script, '--verify'], { input: JSON.stringify({ headers, body: b }), env: { ...process.env, VIDU_WEBHOOK_SECRET: secret }, encoding: 'utf8', stdio: 'pipe' });
    expect(run(body).trim()).toBe('generation.updated');
    expect(() => run(body.replace('waiting', 'done'))).toThrow(/bad webhook signature/);
  });
});
