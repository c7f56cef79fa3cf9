// audioClone's result is a voice (issue 20 §4): the workflow records the voice the stage activity
// named for Vidu (activities/voice-ids.ts) beside the archived preview, in callback-less poll mode
// (Vidu documents no callback_url for audio-clone). Time skipping with stub activities.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationResult, StageResult } from '../../core/generation-types';
import { STUB_ACTIVITY_NAMES, StubVidu } from '../helpers/stub-activities';
import { secondsSince, startFastWorker, type FastWorker } from '../helpers/time-skipping';

let fast: FastWorker;
beforeAll(async () => {
  fast = await startFastWorker(STUB_ACTIVITY_NAMES);
});
afterAll(async () => fast?.close());

const request = { audio_url: 'https://cdn.example/me.mp3', voice_id: 'narrator-01', text: 'Hello in my voice.' };
const voice = { voiceId: 'clone:narrator-01', viduVoiceId: 'vf-0123456789ab-narrator-01' };

describe('audioClone', () => {
  it('records the voice made in its result; the request submitted is the staged one (the voice under its owner’s id)', async () => {
    const vidu = new StubVidu({});
    const stubs = vidu.activities();
    const workflowId = `audioClone-fast-${randomUUID()}`;
    fast.route(workflowId, {
      ...stubs,
      async stageInputs(input: Parameters<NonNullable<typeof stubs.stageInputs>>[0]): Promise<StageResult> {
        const staged = await stubs.stageInputs!(input);
        return { ...staged, request: { ...input.request, voice_id: voice.viduVoiceId }, voice };
      },
    });
    const started = Date.now();
    const result = (await fast.env.client.workflow.execute('audioClone', {
      taskQueue: fast.taskQueue,
      workflowId,
      args: [{ request }],
    })) as GenerationResult;
    expect(result).toMatchObject({ kind: 'audioClone', state: 'success', voice });
    const submitted = vidu.calls.find((c) => c.activity === 'submitWhenAdmitted')?.input as {
      request: Record<string, unknown>;
    };
    expect(submitted.request.voice_id).toBe(voice.viduVoiceId);
    // Any other kind's result has no voice.
    const other = `audioTts-fast-${randomUUID()}`;
    fast.route(other, new StubVidu({}).activities());
    const tts = (await fast.env.client.workflow.execute('audioTts', {
      taskQueue: fast.taskQueue,
      workflowId: other,
      args: [{ request: { text: 'hi', voice_setting_voice_id: 'female-1' } }],
    })) as GenerationResult;
    expect(tts.voice).toBeUndefined();
    process.stderr.write(`[time-skipping] audioClone and audioTts in ${secondsSince(started)} s\n`);
  });
});
