// activities/heartbeats.ts: activities with a heartbeat timeout beat on a timer while they run,
// repeating the attempt's latest details (never erasing what a submission recorded), and nothing
// beats for an activity without one.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { beatIntervalMs, heartbeat, keepBeating, MAX_HEARTBEAT_THROTTLE_MS } from '../../activities/heartbeats';
import { KEEP_ALIVE_HEARTBEAT_TIMEOUT, PAID_HEARTBEAT_TIMEOUT } from '../../workflows/common/activity-proxies';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recorder(info: ConstructorParameters<typeof MockActivityEnvironment>[0]) {
  const env = new MockActivityEnvironment(info);
  const beats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => beats.push(d));
  return { env, beats };
}

describe('keepBeating', () => {
  it('beats while a slow call runs, repeating the latest details the activity gave', async () => {
    const { env, beats } = recorder({ heartbeatTimeoutMs: 400 }); // a timer beat every 100 ms
    const { slow } = keepBeating({
      slow: async () => {
        heartbeat({ phase: 'sending' });
        await wait(350);
        heartbeat({ phase: 'submitted', taskId: 't1' });
        await wait(250);
        return 'done';
      },
    });
    expect(await env.run(slow)).toBe('done');
    const sending = beats.filter((b) => JSON.stringify(b) === '{"phase":"sending"}').length;
    const submitted = beats.filter((b) => JSON.stringify(b) === '{"phase":"submitted","taskId":"t1"}').length;
    // 1 own beat + 2–3 timer beats each; no beat without details, none with anything else.
    expect(sending).toBeGreaterThanOrEqual(3);
    expect(submitted).toBeGreaterThanOrEqual(2);
    expect(beats).toHaveLength(sending + submitted);
    // The first beats are the activity's own; once it has returned, no timer beat follows.
    expect(beats[0]).toEqual({ phase: 'sending' });
    const count = beats.length;
    await wait(150);
    expect(beats).toHaveLength(count);
  });

  it("repeats the previous attempt's details until this attempt beats for itself", async () => {
    const previous = { phase: 'sending', sentAtMs: 1, withId: false };
    const { env, beats } = recorder({ heartbeatTimeoutMs: 400, attempt: 2, heartbeatDetails: previous });
    const { recovering } = keepBeating({ recovering: () => wait(350).then(() => 'looked') });
    expect(await env.run(recovering)).toBe('looked');
    expect(beats.length).toBeGreaterThanOrEqual(3);
    for (const b of beats) expect(b).toEqual(previous);
  });

  it('never beats for an activity without a heartbeat timeout, or for a local one', async () => {
    for (const info of [{ heartbeatTimeoutMs: undefined }, { heartbeatTimeoutMs: 100, isLocal: true }]) {
      const { env, beats } = recorder(info);
      const { quiet } = keepBeating({ quiet: () => wait(120).then(() => 1) });
      expect(await env.run(quiet)).toBe(1);
      expect(beats).toEqual([]);
    }
  });

  it('beats a quarter of the timeout apart, and the worker forwards every beat (throttle below each interval)', () => {
    expect(beatIntervalMs(10_000)).toBe(2_500);
    expect(beatIntervalMs(20_000)).toBe(5_000);
    expect(beatIntervalMs(100)).toBe(100);
    // The heartbeat timeouts of workflows/common/activity-proxies.ts, in ms.
    for (const timeout of [KEEP_ALIVE_HEARTBEAT_TIMEOUT, PAID_HEARTBEAT_TIMEOUT].map(
      (t) => Number(t.replace(/s$/, '')) * 1000,
    ))
      expect(MAX_HEARTBEAT_THROTTLE_MS).toBeLessThan(beatIntervalMs(timeout));
  });

  it('is the only way an activity beats: no activity file calls the SDK heartbeat itself', async () => {
    const dir = path.join(__dirname, '../../activities');
    const offenders: string[] = [];
    for (const file of await readdir(dir)) {
      if (!file.endsWith('.ts') || file === 'heartbeats.ts') continue;
      const text = await readFile(path.join(dir, file), 'utf8');
      const sdkImport = /import\s*\{[^}]*\bheartbeat\b[^}]*\}\s*from\s*'@temporalio\/activity'/.test(text);
      if (sdkImport || /\.heartbeat\(/.test(text)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });
});
