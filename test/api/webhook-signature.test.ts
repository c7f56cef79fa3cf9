import { describe, expect, it } from 'vitest';
import { verifyWebhook as verifyFromClient } from '../../client';
import {
  signWebhook,
  verifyWebhook,
  WebhookVerificationError,
  webhookHeaders,
  webhookSecretBytes,
} from '../../platform/webhooks/signature';

// The Standard Webhooks test vector (the one its reference libraries test against).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const AT = new Date(VECTOR.timestamp * 1000);
const headersOf = (signature = VECTOR.signature, timestamp = VECTOR.timestamp) => ({
  'webhook-id': VECTOR.id,
  'webhook-timestamp': String(timestamp),
  'webhook-signature': signature,
});

describe('Standard Webhooks signatures', () => {
  it('signs the spec test vector exactly', () => {
    expect(signWebhook(VECTOR.id, VECTOR.timestamp, VECTOR.body, VECTOR.secret)).toBe(VECTOR.signature);
  });

  it('verifies the test vector (also through the client library export) and returns the parsed body', () => {
    expect(verifyWebhook(headersOf(), VECTOR.body, VECTOR.secret, { now: AT })).toEqual({ test: 2432232314 });
    expect(verifyFromClient(new Headers(headersOf()), Buffer.from(VECTOR.body), VECTOR.secret, { now: AT })).toEqual({
      test: 2432232314,
    });
  });

  it('refuses a changed body, a wrong secret, a stale timestamp and missing headers', () => {
    expect(() => verifyWebhook(headersOf(), '{"test": 2432232315}', VECTOR.secret, { now: AT })).toThrow(
      /no v1 signature matches/,
    );
    expect(() =>
      verifyWebhook(headersOf(), VECTOR.body, 'whsec_' + Buffer.alloc(24, 7).toString('base64'), { now: AT }),
    ).toThrow(WebhookVerificationError);
    expect(() =>
      verifyWebhook(headersOf(), VECTOR.body, VECTOR.secret, { now: new Date(AT.getTime() + 301_000) }),
    ).toThrow(/webhook-timestamp/);
    expect(() => verifyWebhook({ 'webhook-id': VECTOR.id }, VECTOR.body, VECTOR.secret, { now: AT })).toThrow(
      /missing/,
    );
    // A signature of the same body at another timestamp does not carry over.
    const other = signWebhook(VECTOR.id, VECTOR.timestamp + 1, VECTOR.body, VECTOR.secret);
    expect(() => verifyWebhook(headersOf(other), VECTOR.body, VECTOR.secret, { now: AT })).toThrow(/no v1 signature/);
  });

  it('accepts any one matching signature of several (secret rotation) and ignores unknown versions', () => {
    const several = `v1a,whatever v1,${Buffer.alloc(32).toString('base64')} ${VECTOR.signature}`;
    expect(verifyWebhook(headersOf(several), VECTOR.body, VECTOR.secret, { now: AT })).toEqual({ test: 2432232314 });
  });

  it('produces headers a receiver verifies, and a secret error never shows the secret', () => {
    const secret = 'whsec_' + Buffer.alloc(32, 3).toString('base64');
    const body = JSON.stringify({
      type: 'generation.succeeded',
      timestamp: new Date().toISOString(),
      data: { id: 'x' },
    });
    const headers = webhookHeaders('evt_x_succeeded', body, secret);
    expect(verifyWebhook(headers, body, secret).type).toBe('generation.succeeded');
    const short = 'whsec_c2hvcnQ=';
    expect(() => webhookSecretBytes(short)).toThrow(/at least 16 bytes/);
    try {
      webhookSecretBytes(short);
    } catch (err) {
      expect((err as Error).message).not.toContain('c2hvcnQ');
    }
  });
});
