import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeWebhookActivities } from '../../activities/webhook';
import { newApiKey } from '../../platform/keys/api-keys';
import {
  NOTIFY_MEMO,
  notifyTargetOf,
  WEBHOOK_REFUSED,
  type WebhookDeliveryInput,
  webhookEventId,
  webhookWorkflowId,
} from '../../core/webhook-types';

const input: WebhookDeliveryInput = {
  generationId: 'img2video-key-shop:order-1',
  type: 'generation.succeeded',
  caller: 'shop',
  url: 'https://hooks.example.com/vidu',
  eventId: webhookEventId('img2video-key-shop:order-1', 'generation.succeeded'),
  occurredAt: '2026-01-01T00:00:00.000Z',
};

describe('completion webhook plumbing', () => {
  it('derives one event id and one delivery workflow id per generation and type', () => {
    expect(webhookEventId('g1', 'generation.failed')).toBe('evt_g1_failed');
    expect(webhookWorkflowId('g1', 'generation.cancelled')).toBe('g1~webhook-cancelled');
    expect(webhookEventId('g1', 'generation.failed')).toBe(webhookEventId('g1', 'generation.failed'));
    // generation.updated: one per announced change, numbered by the workflow.
    expect(webhookEventId('g1', 'generation.updated', 3)).toBe('evt_g1_updated_3');
    expect(webhookWorkflowId('g1', 'generation.updated', 3)).toBe('g1~webhook-updated-3');
  });

  it('reads the notify target from the memo, dropping event names it does not know', () => {
    expect(notifyTargetOf(undefined)).toBeUndefined();
    expect(notifyTargetOf({ [NOTIFY_MEMO]: { events: [] } })).toBeUndefined();
    expect(notifyTargetOf({ [NOTIFY_MEMO]: { url: 'https://x', events: ['generation.failed', 'bogus'] } })).toEqual({
      url: 'https://x',
      events: ['generation.failed'],
    });
  });

  it('refuses (non-retryable) to send without a secret for the key, and never shows a secret', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vidu-flow-hooks-'));
    const other = newApiKey('other');
    const unsigned = newApiKey('shop', undefined, 'shop');
    delete unsigned.entry.webhookSecret;
    const file = path.join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify([other.entry, unsigned.entry]), { mode: 0o600 });
    const env = new MockActivityEnvironment();
    for (const apiKeysFile of [undefined, file]) {
      const { deliverWebhook } = makeWebhookActivities({
        ...(apiKeysFile ? { apiKeysFile } : {}),
        webhookFetch: () => Promise.reject(new Error('must not be called')),
      });
      const err = await env.run(deliverWebhook, input).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect((err as ApplicationFailure).type).toBe(WEBHOOK_REFUSED);
      expect((err as ApplicationFailure).nonRetryable).toBe(true);
      expect((err as Error).message).not.toContain(other.entry.webhookSecret!);
    }
  });
});
