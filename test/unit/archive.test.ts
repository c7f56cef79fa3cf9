// The archive activity keeps Vidu's watermarked copy beside the creation when the request asked
// for a watermark (activities/archive.ts): against the in-process simulator, which answers a
// watermarked_url only then (as Vidu does: docs/vidu-api.md §6), read through the real Vidu client
// and the task snapshot (core/task-snapshot.ts), and archived to a local folder.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeArchiveTask, type Manifest } from '../../activities/archive';
import { toSnapshot } from '../../core/task-snapshot';
import { LocalArchiveStore } from '../../platform/stores/local-archive-store';
import type { RunningSim } from '../../sim';
import { ViduClient } from '../../vidu/client';
import { admin, API_KEY, api, img2video, startTestSim } from '../sim/helpers';

let sim: RunningSim;
let root: string;
let vidu: ViduClient;

beforeAll(async () => {
  sim = await startTestSim();
  root = await mkdtemp(path.join(os.tmpdir(), 'vidu-flow-archive-wm-'));
  vidu = new ViduClient({ baseUrl: sim.url, apiKey: API_KEY });
});
afterAll(async () => {
  await sim?.close();
  await rm(root, { recursive: true, force: true });
});

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A finished img2video task on the simulator, with its creations as the worker reads them. */
async function finishedTask(watermark: boolean) {
  const created = await api.post(sim, 'img2video', img2video({ watermark }));
  expect(created.status).toBe(200);
  await admin.advance(sim, 31);
  const taskId = String(created.body.task_id);
  const snapshot = toSnapshot(await vidu.getCreations(taskId), 'poll', taskId)!;
  expect(snapshot.state).toBe('success');
  return { taskId, creations: snapshot.creations };
}

describe('archive: watermarked copies', () => {
  it('archives the watermarked copy beside the creation when the request asked for a watermark', async () => {
    const { taskId, creations } = await finishedTask(true);
    expect(creations[0]!.watermarkedUrl).toMatch(/^http/);
    const archive = makeArchiveTask({ vidu, archive: new LocalArchiveStore(root), fetch });
    const result = await archive({ workflowId: 'wm-yes', kind: 'img2video', taskId, creations });
    const id = creations[0]!.id;
    expect(result.files.map((f) => [f.name, f.role])).toEqual([
      [`${id}.mp4`, 'video'],
      [`${id}.cover.png`, 'cover'],
      [`${id}.wm.mp4`, 'watermarked'],
    ]);
    expect(result.missing).toBeUndefined();
    // The bytes are the simulator's watermarked file, and differ from the unmarked result.
    const record = (await admin.get(sim, `tasks/${taskId}`)).body;
    const wm = result.files.find((f) => f.role === 'watermarked')!;
    expect(sha256(await readFile(path.join(root, 'wm-yes', wm.name)))).toBe(record.creations[0].watermarked.sha256);
    expect(wm.sha256).not.toBe(result.files.find((f) => f.role === 'video')!.sha256);
    const manifest = JSON.parse(await readFile(path.join(root, 'wm-yes', 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.files.map((f) => f.role)).toEqual(['video', 'cover', 'watermarked']);

    // A second attempt reuses the three files (their hashes still match) instead of downloading again.
    const again = await archive({ workflowId: 'wm-yes', kind: 'img2video', taskId, creations });
    expect(again.files).toEqual(result.files);
  });

  it('archives no watermarked copy when none was asked for (Vidu sends watermarked_url empty)', async () => {
    const { taskId, creations } = await finishedTask(false);
    expect(creations[0]!.watermarkedUrl).toBeUndefined();
    const result = await makeArchiveTask({ vidu, archive: new LocalArchiveStore(root), fetch })({
      workflowId: 'wm-no',
      kind: 'img2video',
      taskId,
      creations,
    });
    expect(result.files.map((f) => f.role)).toEqual(['video', 'cover']);
  });

  // (An expired URL is refreshed once from Vidu first, as for a cover; here the host is gone.)
  it('a watermarked copy that cannot be had is a missing extra: the paid result is still archived', async () => {
    const { taskId, creations } = await finishedTask(true);
    const broken = creations.map((c) => ({ ...c, watermarkedUrl: 'http://127.0.0.1:9/gone.mp4' }));
    const result = await makeArchiveTask({
      vidu,
      archive: new LocalArchiveStore(root),
      fetch,
      archiveLimits: { extraTries: 1 },
    })({ workflowId: 'wm-broken', kind: 'img2video', taskId, creations: broken });
    expect(result.files.map((f) => f.role)).toEqual(['video', 'cover']);
    expect(result.missing).toEqual([
      expect.objectContaining({ creationId: creations[0]!.id, role: 'watermarked', reason: expect.any(String) }),
    ]);
  });
});
