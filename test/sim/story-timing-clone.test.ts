// The simulator answers template-story, timing2audio and audio-clone from their registry entries:
// validated with the schema and media limits (template-story's 9:16 images, a clone recording's
// 10 s–5 min), priced (timing2audio from the table, the other two from the simulator's stand-ins),
// run and served (audio as WAV).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSim } from '../../sim';
import { renderWav } from '../../sim/media/wav';
import { ENDPOINTS } from '../../vidu/endpoints';
import { toDataUri } from '../helpers/media-fixtures';
import { admin, api, call, pngUri, startTestSim, waitFor } from './helpers';

let sim: RunningSim;
beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(() => sim.close());

type Kind = 'templateStory' | 'timing2audio' | 'audioClone';
const post = (kind: Kind, body: unknown) => call(sim, 'POST', ENDPOINTS[kind].path, body);
const wav = (seconds: number) => toDataUri(renderWav(`w${seconds}`, seconds), 'audio/wav');

async function finished(taskId: string): Promise<any> {
  return waitFor(`task ${taskId}`, async () => {
    await admin.advance(sim, 120);
    const g = (await api.get(sim, `tasks/${taskId}/creations`)).body;
    return g.state === 'success' || g.state === 'failed' ? g : undefined;
  });
}

const REQUESTS: Record<Kind, () => Record<string, unknown>> = {
  templateStory: () => ({ story: 'love_story', images: [pngUri(360, 640, 'portrait')] }),
  timing2audio: () => ({
    model: 'audio1.0',
    duration: 4,
    timing_prompts: [
      { from: 0, to: 2, prompt: 'a door creaks' },
      { from: 1, to: 4, prompt: 'rain' },
    ],
  }),
  audioClone: () => ({ audio_url: wav(12), voice_id: 'vf-0123456789ab-narrator', text: 'Hello in my voice.' }),
};

describe('template-story, timing2audio and audio-clone in the simulator', () => {
  it.each(Object.keys(REQUESTS) as Kind[])('%s: creates, prices, runs and serves its result', async (kind) => {
    const res = await post(kind, REQUESTS[kind]());
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.type).toBe(ENDPOINTS[kind].result.taskType);
    expect(res.body.credits).toBe({ templateStory: 40, timing2audio: 10, audioClone: 50 }[kind]);
    const done = await finished(res.body.task_id);
    expect(done.state).toBe('success');
    const file = await fetch(done.creations[0].url);
    const audio = ENDPOINTS[kind].result.media === 'audio';
    expect(file.headers.get('content-type')).toBe(audio ? 'audio/wav' : 'video/mp4');
    console.log(`[sim] ${kind}: ${res.body.credits} credits, ${(await file.arrayBuffer()).byteLength} bytes`);
  });

  it('echoes the voice_id a clone was made under (what vidu-flow sent); a voice_id is unique on the account', async () => {
    const body = { ...REQUESTS.audioClone(), voice_id: 'vf-0123456789ab-second' };
    const res = await post('audioClone', body);
    expect(res.body.voice_id).toBe('vf-0123456789ab-second');
    const task = (await admin.get(sim, `tasks/${res.body.task_id}`)).body;
    expect(task.request.voice_id).toBe('vf-0123456789ab-second');
    // The same id again: 409 Conflict, nothing charged; another id is free.
    const again = await post('audioClone', body);
    expect({ status: again.status, reason: again.body.reason }).toEqual({ status: 409, reason: 'Conflict' });
    expect(again.body.message).toMatch(/voice_id vf-0123456789ab-second already exists/);
    expect((await post('audioClone', { ...body, voice_id: 'vf-ba9876543210-second' })).status).toBe(200);
  });

  it('refuses bad input the way Vidu does', async () => {
    const cases: Array<[Kind, Record<string, unknown>, number, string, RegExp]> = [
      ['templateStory', { story: 'love_story', images: [pngUri(640, 360)] }, 400, 'PageSizeOutOfRange', /9:16/],
      ['templateStory', { story: 'nope', images: [pngUri(360, 640)] }, 400, 'FieldInvalid', /story must be one of/],
      [
        'timing2audio',
        { model: 'audio1.0', duration: 3, timing_prompts: [{ from: 1, to: 4, prompt: 'x' }] },
        400,
        'FieldInvalid',
        /at most the duration, 3 s/,
      ],
      [
        'audioClone',
        { audio_url: wav(5), voice_id: 'narrator-01', text: 'hi' },
        400,
        'PageSizeOutOfRange',
        /audio lasts 5(\.0)? s; audio-clone accepts 10–300 s/,
      ],
      ['audioClone', { audio_url: wav(12), voice_id: '9lives-voice', text: 'hi' }, 400, 'FieldInvalid', /voice_id/],
    ];
    for (const [kind, body, status, reason, message] of cases) {
      const res = await post(kind, body);
      expect({ kind, status: res.status, reason: res.body.reason }).toEqual({ kind, status, reason });
      expect(res.body.message).toMatch(message);
    }
    // one_shot takes any shape.
    const oneShot = await post('templateStory', { story: 'one_shot', images: [pngUri(640, 360)] });
    expect(oneShot.status).toBe(200);
  });
});
