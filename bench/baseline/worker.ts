// The baseline's worker: its own process and task queue, against the same dev server and
// simulator as vidu-flow's worker. Env: TEMPORAL_ADDRESS, BASELINE_TASK_QUEUE, VIDU_BASE_URL,
// VIDU_API_KEY, ARCHIVE_DIR (the bench sets them); BASELINE_WORKFLOW_BUNDLE, a prebuilt bundle
// as in the samples' `production/` (vidu-flow's worker gets one too, so neither pays for webpack).
import { NativeConnection, Worker } from '@temporalio/worker';
import { createBaselineActivities } from './activities';

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name}: required by the baseline worker`);
  return v;
}

async function run(): Promise<void> {
  const connection = await NativeConnection.connect({ address: required('TEMPORAL_ADDRESS') });
  try {
    const worker = await Worker.create({
      connection,
      namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
      taskQueue: required('BASELINE_TASK_QUEUE'),
      ...(process.env.BASELINE_WORKFLOW_BUNDLE
        ? { workflowBundle: { codePath: process.env.BASELINE_WORKFLOW_BUNDLE } }
        : { workflowsPath: require.resolve('./workflows') }),
      activities: createBaselineActivities({
        baseUrl: required('VIDU_BASE_URL'),
        apiKey: required('VIDU_API_KEY'),
        archiveDir: required('ARCHIVE_DIR'),
      }),
    });
    console.log(`baseline worker: task queue ${required('BASELINE_TASK_QUEUE')}`);
    await worker.run();
  } finally {
    await connection.close();
  }
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
