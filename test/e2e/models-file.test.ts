// End to end, the operator's models file (VIDU_FLOW_MODELS_FILE, README "New models without a
// release"): a model the built-in matrix refuses (img2video "viduq9-test" at 12 s) with a field it
// does not know (audio_type) is refused with the hint by the client and by the worker's stage
// activity while they run without the file, and nothing reaches Vidu; once the worker and the
// client load the file, the same request runs end to end on the simulator (which loads it too)
// and reaches it with the added model and field. That run also asks for a watermark: the
// workflow archives Vidu's watermarked copy beside the creation (activities/archive.ts).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidGenerationInput, ViduFlowClient } from '../../client';
import { startWorkerProcess, type ManagedProcess, type Stack } from '../../dev/stack';
import type { SimAdmin } from '../../sim/admin-client';
import { renderPng } from '../../sim/media/render';
import { installModelExtensions } from '../../vidu/model-extensions';
import { failureOf, startE2eEnv } from '../helpers/e2e';

const MODELS = {
  endpoints: {
    img2video: {
      models: { 'viduq9-test': { like: 'viduq2', durations: [5, 12], resolutions: ['720p', '1080p'] } },
      fields: { audio_type: { type: 'enum', values: ['all', 'speech_only'] } },
    },
  },
};

let stack: Stack;
let client: ViduFlowClient;
let sim: SimAdmin;
let dir: string;
let modelsFile: string;
let image: string;
let worker: ManagedProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-e2e-models-'));
  modelsFile = path.join(dir, 'models.json');
  image = path.join(dir, 'start.png');
  await writeFile(modelsFile, JSON.stringify(MODELS));
  await writeFile(image, renderPng('start', { width: 640, height: 360 }));
  // The simulator plays Vidu, which already knows the model: it loads the file from the start. The
  // stack's own worker does not.
  ({ stack, client, sim } = await startE2eEnv('models-file', dir, {
    simEnv: { VIDU_SIM_TIME_SCALE: '60', VIDU_FLOW_MODELS_FILE: modelsFile },
  }));
});

afterAll(async () => {
  await worker?.stop();
  await stack?.stop();
  installModelExtensions(undefined);
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

const request = () => ({
  model: 'viduq9-test',
  images: [image],
  prompt: 'a lighthouse',
  duration: 12,
  audio_type: 'speech_only',
});

describe('VIDU_FLOW_MODELS_FILE', () => {
  it('without the file: the client and the worker refuse the model and the field, saying how to allow them', async () => {
    installModelExtensions(undefined);
    const before = await sim.createRequests();
    const refused = await client.start('img2video', { request: request() }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(InvalidGenerationInput);
    const issues = (refused as InvalidGenerationInput).issues.join('\n');
    expect(issues).toContain(
      'add "viduq9-test" under endpoints.img2video.models in the models file (VIDU_FLOW_MODELS_FILE',
    );
    expect(issues).toContain(
      'add "audio_type" under endpoints.img2video.fields in the models file (VIDU_FLOW_MODELS_FILE',
    );

    // Straight to Temporal, as a service in another language would: the stage activity refuses it.
    const started = await client.temporal.workflow.start('img2video', {
      taskQueue: client.taskQueue,
      workflowId: `models-file-refused-${Math.random().toString(36).slice(2)}`,
      args: [{ request: request() }],
    });
    const failure = (await failureOf(client.getHandle(started.workflowId))) as ApplicationFailure;
    expect(failure.type).toBe('InvalidRequest');
    expect(failure.message).toContain('endpoints.img2video.models in the models file');
    expect(failure.message).toContain('endpoints.img2video.fields in the models file');
    expect(await sim.createRequests()).toBe(before);
  }, 120_000);

  it('with the file: the same request runs end to end and reaches Vidu with the added model and field', async () => {
    await stack.stopWorker();
    const t0 = Date.now();
    worker = await startWorkerProcess(
      'worker-models',
      { ...stack.env, VIDU_FLOW_MODELS_FILE: modelsFile },
      path.join(dir, 'models-file', 'logs'),
    );
    console.log(`[models-file] worker with the models file ready in ${Date.now() - t0} ms`);
    // A client given the file (it installs it for this process) checks the start with it.
    const withFile = await ViduFlowClient.connect({
      client: client.temporal,
      taskQueue: client.taskQueue,
      staging: client.staging,
      modelsFile,
    });
    const handle = await withFile.start('img2video', {
      request: { ...request(), watermark: true },
      options: { waitMode: 'callback' },
    });
    const result = await handle.result();
    expect(result.state).toBe('success');
    const id = result.creations[0]!.id;
    expect(result.creations[0]!.watermarkedUrl).toMatch(/^http/);
    expect(result.archive?.files.map((f) => [f.name, f.role])).toEqual([
      [`${id}.mp4`, 'video'],
      [`${id}.cover.png`, 'cover'],
      [`${id}.wm.mp4`, 'watermarked'],
    ]);
    const sent = (await sim.requests()).find((r) => r.method === 'POST' && r.taskId === result.taskId);
    expect(sent?.body).toMatchObject({ model: 'viduq9-test', duration: 12, audio_type: 'speech_only' });
    // Still strict: a field the file does not name is refused before anything starts.
    await expect(withFile.start('img2video', { request: { ...request(), style: 'anime' } })).rejects.toThrow(
      /style: unknown field "style".*endpoints\.img2video\.fields/,
    );
  }, 180_000);
});
