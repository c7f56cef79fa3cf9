// Cloned voices belong to their owner (README "The tenant model", contract/voice-ids.ts): one Vidu
// account serves every key and a voice_id is the caller's choice, so vidu-flow sends each owner's
// clones under a prefix of its own. Proven here on the mapping and on the stage activity (whose
// request is exactly what is submitted to Vidu) with two keys: mallory naming alice's voice never
// reaches Vidu as alice's voice, and the id vidu-flow derived for alice cannot be typed by mallory.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeStageInputs } from '../../activities/stage';
import { mapVoiceIds, viduVoiceId, voicePrefix } from '../../activities/voice-ids';
import { remoteMediaIssues } from '../../contract/media-fields';
import { OPERATOR_OWNER, ownerOfCaller } from '../../contract/staged-ref';
import { needsVoiceOwner, OWNED_VOICE_ID, voiceSlots } from '../../contract/voice-ids';
import { StagingStore } from '../../platform/stores/staging-store';
import { renderWav } from '../../sim/media/wav';
import { VIDU_VOICE_ID, VIDU_VOICE_ID_MAX } from '../../vidu/endpoints/audio-clone';
import { toDataUri } from '../helpers/media-fixtures';

const ALICE = ownerOfCaller('alice');
const MALLORY = ownerOfCaller('mallory');
const IMG = 'https://cdn.example.com/a.png';

describe('the owner-to-voice mapping', () => {
  it('gives each owner a namespace of its own, in a form Vidu accepts as a voice_id', () => {
    expect(voicePrefix(ALICE)).toBe(voicePrefix(ALICE));
    expect(voicePrefix(ALICE)).not.toBe(voicePrefix(MALLORY));
    expect(voicePrefix(OPERATOR_OWNER)).not.toBe(voicePrefix(ALICE));
    for (const owner of [ALICE, MALLORY, OPERATOR_OWNER]) {
      const id = viduVoiceId(owner, `n${'a'.repeat(238)}9`);
      expect(id).toMatch(VIDU_VOICE_ID);
      expect(id).toMatch(OWNED_VOICE_ID);
      expect(id.length).toBe(VIDU_VOICE_ID_MAX);
    }
    console.log(`[voices] alice ${voicePrefix(ALICE)}, mallory ${voicePrefix(MALLORY)}`);
  });

  it('finds every voice field: voice_id, voice_setting_voice_id, subjects[].voice_id; not audioClone’s new voice', () => {
    const r = { voice_id: 'a', voice_setting_voice_id: 'b', subjects: [{ name: 's', voice_id: 'c' }, { name: 't' }] };
    expect(voiceSlots('reference2video', r).map((s) => s.path)).toEqual([
      'voice_id',
      'voice_setting_voice_id',
      'subjects[0].voice_id',
    ]);
    expect(voiceSlots('audioClone', { voice_id: 'narrator-01' })).toEqual([]);
    expect(needsVoiceOwner('audioClone', { voice_id: 'narrator-01' })).toBe(true);
    expect(needsVoiceOwner('audioTts', { voice_setting_voice_id: 'female-1' })).toBe(false);
    expect(needsVoiceOwner('audioTts', { voice_setting_voice_id: 'clone:narrator-01' })).toBe(true);
  });

  it.each([
    ['audioTts', 'voice_setting_voice_id'],
    ['lipSync', 'voice_id'],
    ['img2video', 'voice_id'],
  ] as const)('%s %s: clone:<name> becomes the owner’s own Vidu id; a system voice passes unchanged', (kind, field) => {
    const alice = { [field]: 'clone:narrator-01' };
    const mallory = { [field]: 'clone:narrator-01' };
    expect(mapVoiceIds(kind, alice, ALICE).problems).toEqual([]);
    expect(mapVoiceIds(kind, mallory, MALLORY).problems).toEqual([]);
    expect(alice[field]).toBe(viduVoiceId(ALICE, 'narrator-01'));
    expect(mallory[field]).toBe(viduVoiceId(MALLORY, 'narrator-01'));
    expect(mallory[field]).not.toBe(alice[field]);
    const system = { [field]: 'female-1' };
    expect(mapVoiceIds(kind, system, MALLORY)).toEqual({ problems: [] });
    expect(system[field]).toBe('female-1');
  });

  it('reference2video subjects[].voice_id are mapped the same way', () => {
    const r = { subjects: [{ name: 'hero', images: [IMG], voice_id: 'clone:narrator-01' }] };
    mapVoiceIds('reference2video', r, ALICE);
    expect(r.subjects[0]!.voice_id).toBe(viduVoiceId(ALICE, 'narrator-01'));
  });

  it('refuses a typed vidu-flow voice id from an API key (the operator may name any) and a bad clone name', () => {
    const aliceId = viduVoiceId(ALICE, 'narrator-01');
    expect(mapVoiceIds('audioTts', { voice_setting_voice_id: aliceId }, MALLORY).problems).toEqual([
      expect.stringMatching(/^voice_setting_voice_id: a voice id of the form vf-<hex>-… is one vidu-flow derived/),
    ]);
    // Upper case hex too: the pattern is case-insensitive, so no spelling slips through.
    expect(
      mapVoiceIds('lipSync', { voice_id: aliceId.toUpperCase().replace('VF-', 'vf-') }, MALLORY).problems,
    ).toHaveLength(1);
    expect(mapVoiceIds('audioTts', { voice_setting_voice_id: aliceId }, OPERATOR_OWNER).problems).toEqual([]);
    expect(mapVoiceIds('audioTts', { voice_setting_voice_id: 'clone:ab' }, ALICE).problems).toEqual([
      'voice_setting_voice_id: the cloned voice name in "clone:ab" must be 8–240 characters (got 2)',
    ]);
    expect(mapVoiceIds('audioTts', { voice_setting_voice_id: 'clone:narrator-' }, ALICE).problems).toEqual([
      'voice_setting_voice_id: the cloned voice name in "clone:narrator-" must start with a letter, hold only letters, digits, - and _, and not end in - or _',
    ]);
  });

  it('the HTTP API refuses a typed vidu-flow voice id before anything starts (starts and batch lines)', () => {
    const aliceId = viduVoiceId(ALICE, 'narrator-01');
    expect(remoteMediaIssues('audioTts', { text: 'hi', voice_setting_voice_id: aliceId })).toEqual([
      { path: 'voice_setting_voice_id', message: expect.stringMatching(/name your own cloned voice as clone:/) },
    ]);
    expect(
      remoteMediaIssues('reference2video', { images: [IMG], subjects: [{ name: 'x', voice_id: aliceId }] }),
    ).toEqual([{ path: 'subjects[0].voice_id', message: expect.any(String) }]);
    expect(remoteMediaIssues('audioTts', { text: 'hi', voice_setting_voice_id: 'clone:narrator-01' })).toEqual([]);
    expect(remoteMediaIssues('audioTts', { text: 'hi', voice_setting_voice_id: 'female-1' })).toEqual([]);
  });
});

describe('the stage activity with two keys', () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'vidu-voices-'));
  });
  afterEach(async () => rm(tmp, { recursive: true, force: true }));

  const stage = (owner: string) =>
    makeStageInputs({
      staging: new StagingStore(path.join(tmp, 'staging')),
      ownership: async () => ({ owner, callerText: true }),
    });

  it('alice’s clone is sent under her prefix and recorded; mallory naming it reaches Vidu as another id, typing it is refused', async () => {
    const clone = await stage(ALICE)({
      kind: 'audioClone',
      workflowId: 'audioClone-key-alice:v1',
      request: {
        audio_url: toDataUri(renderWav('alice', 12), 'audio/wav'),
        voice_id: 'narrator-01',
        text: 'Hello in my own voice.',
      },
    });
    const aliceId = viduVoiceId(ALICE, 'narrator-01');
    expect(clone.request.voice_id).toBe(aliceId);
    expect(clone.voice).toEqual({ voiceId: 'clone:narrator-01', viduVoiceId: aliceId });

    const aliceTts = await stage(ALICE)({
      kind: 'audioTts',
      workflowId: 'audioTts-key-alice:t1',
      request: { text: 'hi', voice_setting_voice_id: 'clone:narrator-01' },
    });
    expect(aliceTts.request.voice_setting_voice_id).toBe(aliceId);

    const malloryTts = await stage(MALLORY)({
      kind: 'audioTts',
      workflowId: 'audioTts-key-mallory:t1',
      request: { text: 'hi', voice_setting_voice_id: 'clone:narrator-01' },
    });
    expect(malloryTts.request.voice_setting_voice_id).not.toBe(aliceId);
    expect(malloryTts.request.voice_setting_voice_id).toBe(viduVoiceId(MALLORY, 'narrator-01'));

    await expect(
      stage(MALLORY)({
        kind: 'lipSync',
        workflowId: 'lipSync-key-mallory:l1',
        request: { video_url: 'https://cdn.example.com/face.mp4', text: 'hello there', voice_id: aliceId },
      }),
    ).rejects.toMatchObject({
      type: 'InvalidRequest',
      message: expect.stringMatching(/voice_id: a voice id of the form/),
    });

    // Mallory cloning the same name gets her own voice, not a write over alice's.
    const malloryClone = await stage(MALLORY)({
      kind: 'audioClone',
      workflowId: 'audioClone-key-mallory:v1',
      request: {
        audio_url: toDataUri(renderWav('mallory', 12), 'audio/wav'),
        voice_id: 'narrator-01',
        text: 'Hello.',
      },
    });
    expect(malloryClone.request.voice_id).not.toBe(aliceId);
  });

  it('refuses a clone recording outside 10 s–5 min, and a sample of 8 s or more, before any credit', async () => {
    const short = stage(ALICE)({
      kind: 'audioClone',
      workflowId: 'audioClone-key-alice:v2',
      request: { audio_url: toDataUri(renderWav('a', 9), 'audio/wav'), voice_id: 'narrator-01', text: 'Hi.' },
    });
    await expect(short).rejects.toMatchObject({
      type: 'InvalidRequest',
      message: expect.stringMatching(/audio_url: .*audio lasts 9.* s; audio-clone accepts 10–300 s/),
    });
    const longSample = stage(ALICE)({
      kind: 'audioClone',
      workflowId: 'audioClone-key-alice:v3',
      request: {
        audio_url: toDataUri(renderWav('a', 12), 'audio/wav'),
        prompt_audio_url: toDataUri(renderWav('b', 8), 'audio/wav'),
        prompt_text: 'Hello there.',
        voice_id: 'narrator-01',
        text: 'Hi.',
      },
    });
    await expect(longSample).rejects.toMatchObject({
      type: 'InvalidRequest',
      message: expect.stringMatching(/prompt_audio_url: .*audio lasts 8.* s; audio-clone accepts/),
    });
  });
});
