import { MockActivityEnvironment } from '@temporalio/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeWebhookActivities } from '../../activities/webhook';
import { newApiKey } from '../../platform/keys/api-keys';
import { verifyWebhook } from '../../client';
import type { WebhookDeliveryInput } from '../../core/webhook-types';

// The worker signs a webhook with the secret of the key whose stable id started the generation
// (the workflow's `caller` is the ViduCaller search attribute: the key's id), never by display
// name: a key given another key's old name cannot receive, nor make the worker sign with, its secret.

describe('webhook secret lookup', () => {
  it('finds the secret by the key id, not by its name', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vidu-flow-hook-id-'));
    const owner = newApiKey('shop', undefined, 'k-owner');
    const impostor = newApiKey('k-owner-name', undefined, 'shop');
    const file = path.join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify([owner.entry, impostor.entry]), { mode: 0o600 });
    const sent: Array<{ headers: Record<string, string>; body: string }> = [];
    const fetchStub = (async (_url: string, init: { headers: Record<string, string>; body: string }) => {
      sent.push({ headers: init.headers, body: init.body });
      return new Response(null, { status: 204 });
    }) as unknown as typeof fetch;
    const { deliverWebhook } = makeWebhookActivities({ apiKeysFile: file, webhookFetch: fetchStub });
    const input: WebhookDeliveryInput = {
      generationId: 'img2video-key-k-owner:o-1',
      type: 'generation.updated',
      caller: 'k-owner',
      url: 'https://hooks.example.com/vidu',
      eventId: 'evt_x_updated_1',
      occurredAt: new Date().toISOString(),
      data: { id: 'img2video-key-k-owner:o-1' } as never,
    };
    // A client is required by the context; this delivery (data given, no predecessor) never uses it.
    const client = { withAbortSignal: (_signal: AbortSignal, fn: () => unknown) => fn() };
    expect(
      await new MockActivityEnvironment(undefined, { client: client as never }).run(deliverWebhook, input),
    ).toMatchObject({ status: 204 });
    expect(sent).toHaveLength(1);
    // Signed with the owner's secret (found by id "k-owner"), not the key named "shop"… whose id is "shop".
    expect(() => verifyWebhook(sent[0]!.headers, sent[0]!.body, owner.entry.webhookSecret!)).not.toThrow();
    expect(() => verifyWebhook(sent[0]!.headers, sent[0]!.body, impostor.entry.webhookSecret!)).toThrow();
  });
});
