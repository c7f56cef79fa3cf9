import { startStack } from '../dev/stack';
import { Client, Connection } from '@temporalio/client';
import { statusQuery } from '../workflows/messages';
async function main() {
  const stack = await startStack({ temporalAddress: 'localhost:7299', taskQueue: 'exp', callbacks: true, archiveDir: '/tmp/exp/a', stagingDir: '/tmp/exp/s', simEnv: { VIDU_SIM_TIME_SCALE: '60' } });
  const c = new Client({ connection: await Connection.connect({ address: 'localhost:7299' }) });
  const h = await c.workflow.start('img2video', { taskQueue: 'exp', workflowId: 'exp-' + Date.now(), args: [{ request: { model: 'viduq2', images: ['https://example.com/a.png'], prompt: 'x', duration: 5 } }], startDelay: '4s' });
  const t0 = Date.now();
  try { console.log(await h.query(statusQuery)); } catch (e) { console.log('query err', (e as Error).constructor.name, (e as Error).message); }
  const d = await h.describe();
  console.log('start', d.startTime, 'exec', d.executionTime, d.status.name);
  const hist = await h.fetchHistory();
  console.log(JSON.stringify(hist.events?.[0]?.workflowExecutionStartedEventAttributes?.firstWorkflowTaskBackoff));
  await new Promise(r => setTimeout(r, 6000));
  const h2 = await h.fetchHistory();
  for (const e of h2.events ?? []) console.log(e.eventId?.toString(), e.eventType, e.eventTime?.seconds?.toString(), e.eventTime?.nanos);
  try { console.log(await h.query(statusQuery)); } catch (e) { console.log('query err', (e as Error).message); }
  console.log(Date.now() - t0);
  await h.terminate();
  await stack.stop();
}
main().catch(e => { console.error(e); process.exit(1); });
