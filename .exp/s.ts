import { startStack } from '../dev/stack';
import { ViduFlowClient, ViduFlowSchedules } from '../client';
import { renderPng } from '../sim/media/render';
import { writeFileSync, mkdirSync } from 'node:fs';
async function main() {
  mkdirSync('/tmp/exp', { recursive: true });
  writeFileSync('/tmp/exp/l.png', renderPng('l', { width: 640, height: 360 }));
  const stack = await startStack({ temporalAddress: 'localhost:7299', taskQueue: 'exp2', callbacks: true, archiveDir: '/tmp/exp/a', stagingDir: '/tmp/exp/s', simEnv: { VIDU_SIM_TIME_SCALE: '60', VIDU_SIM_CALLBACK_RETRY_MS: '200' } });
  const client = await ViduFlowClient.connect({ address: 'localhost:7299', taskQueue: 'exp2' });
  const s = new ViduFlowSchedules(client);
  const id = 'exp-sched-' + Date.now();
  const t0 = Date.now();
  await s.createSchedule({ scheduleId: id, spec: { every: '2s' }, action: { kind: 'img2video', input: { request: { model: 'viduq2', images: ['/tmp/exp/l.png'], prompt: 'x', duration: 5, resolution: '720p' }, options: { waitMode: 'callback', poll: { initialSeconds: 1, factor: 1.5, maxSeconds: 2 } } } } });
  for (let i = 0; i < 40; i++) {
    const d = await s.describeSchedule(id);
    console.log(((Date.now() - t0) / 1000).toFixed(1), d.actionsTaken, d.skippedOverlap, d.recentRuns.map((r) => `${r.workflowId}:${r.status}`).join(' '));
    if (d.recentRuns.filter((r) => r.status === 'COMPLETED').length >= 2) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  console.log(await s.listSchedules());
  console.log(JSON.stringify(await s.describeSchedule(id), null, 1).slice(0, 3000));
  await s.deleteSchedule(id);
  for (let i = 0; i < 20; i++) { const l = await s.listSchedules(); console.log('after delete', l.length); if (l.length === 0) break; await new Promise((r) => setTimeout(r, 500)); }
  await stack.stop();
  await client.temporal.connection.close();
}
main().catch(e => { console.error(e); process.exit(1); });
