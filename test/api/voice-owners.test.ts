// Over HTTP, a key cannot aim at another key's cloned voice by the Vidu id vidu-flow derived for
// it (README "The tenant model", contract/voice-ids.ts): every voice field refuses a vf-<hex>-…
// value with a field error before anything starts (a client that throws on any use proves it).
// That mallory's clone:<name> never reaches Vidu as alice's voice is the stage activity's mapping
// (test/unit/voice-owners.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ViduFlowClient } from '../../client';
import { viduVoiceId } from '../../activities/voice-ids';
import { ownerOfCaller } from '../../contract/staged-ref';
import { parseAllowPrivate } from '../../platform/net/address-policy';
import { newApiKey } from '../../platform/keys/api-keys';
import { buildApi } from '../../api/server';

const alice = newApiKey('alice');
const mallory = newApiKey('mallory');
const untouchable = new Proxy(
  {},
  {
    get: (_t, p) => {
      throw new Error(`the client was used (${String(p)}) for a request that should have been refused`);
    },
  },
) as ViduFlowClient;
let app: FastifyInstance;

beforeAll(async () => {
  app = buildApi({
    client: untouchable,
    keys: () => [alice.entry, mallory.entry],
    privateUrls: parseAllowPrivate(undefined),
    bodyLimit: 65536,
    log: () => {},
  });
  await app.ready();
});
afterAll(() => app.close());

async function start(key: string, kind: string, request: Record<string, unknown>) {
  const res = await app.inject({
    method: 'POST',
    url: `/v1/generations/${kind}`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    payload: JSON.stringify({ request }),
  });
  return { status: res.statusCode, json: res.json() as { errors?: Array<{ field: string; message: string }> } };
}

describe('voices over the HTTP API', () => {
  it('refuses alice’s derived voice id from mallory in every voice field, naming the field', async () => {
    const aliceVoice = viduVoiceId(ownerOfCaller(alice.entry.id), 'narrator-01');
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['audioTts', { text: 'hi', voice_setting_voice_id: aliceVoice }, 'request.voice_setting_voice_id'],
      [
        'lipSync',
        { video_url: 'https://cdn.example.com/f.mp4', text: 'hello', voice_id: aliceVoice },
        'request.voice_id',
      ],
      [
        'img2video',
        { model: 'viduq2', images: ['https://cdn.example.com/a.png'], prompt: 'p', audio: true, voice_id: aliceVoice },
        'request.voice_id',
      ],
      [
        'reference2video',
        {
          model: 'viduq2',
          prompt: '@hero waves',
          subjects: [{ name: 'hero', images: ['https://cdn.example.com/a.png'], voice_id: aliceVoice }],
        },
        'request.subjects[0].voice_id',
      ],
    ];
    for (const [kind, request, field] of cases) {
      const res = await start(mallory.key, kind, request);
      expect(res.status, `${kind} ${JSON.stringify(res.json)}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.json.errors, kind).toContainEqual({
        field,
        message: expect.stringMatching(/name your own cloned voice as clone:/),
      });
    }
    // Alice cannot type it either: only vidu-flow writes that form.
    const own = await start(alice.key, 'audioTts', { text: 'hi', voice_setting_voice_id: aliceVoice });
    expect(own.json.errors?.[0]?.field).toBe('request.voice_setting_voice_id');
  });
});
