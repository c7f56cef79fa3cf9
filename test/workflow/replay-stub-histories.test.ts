// Replays the histories dev/record-stub-histories.ts recorded from the real workflow code against a
// fake Vidu: the branches the stack recordings (replay.test.ts) do not reach — the batch over
// several runs (continue-as-new, an invalid line, a failed child) and cancelled, the upscale
// follow-up, a timeout, a cancel Vidu refuses, a cancel while running, a failed task. They were
// recorded before generation and batch became phases over a state object (issue 17 item 2), so
// they are that rewrite's proof of "same commands in the same order", and guard the next change.
import { Worker, type ReplayResult } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { historyFromJson, type HistoryFixture } from '../../dev/history-json';
import { workflowCodeOption } from '../../worker/workflow-bundle';
import { installQuietRuntime } from '../helpers/temporal';

const dir = path.resolve(__dirname, '../fixtures/stub-histories');
const fixtures = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as HistoryFixture[];

describe('replay of the stub-recorded histories', () => {
  const results = new Map<string, ReplayResult>();

  beforeAll(async () => {
    installQuietRuntime();
    const { note: _note, ...workflowCode } = workflowCodeOption(process.env);
    const started = Date.now();
    const histories = fixtures.map((f) => ({
      workflowId: f.workflowId,
      history: historyFromJson(JSON.parse(readFileSync(path.join(dir, f.file), 'utf8'))),
    }));
    let i = 0;
    for await (const result of Worker.runReplayHistories(
      { ...workflowCode, replayName: 'vidu-flow-replay-stub-test' },
      histories,
    )) {
      results.set(fixtures[i]!.file, result);
      i += 1;
    }
    console.log(
      `[replay] ${histories.length} stub-recorded histories, ${fixtures.reduce((n, f) => n + f.events, 0)} events, replayed in ${Date.now() - started} ms`,
    );
  });

  it('covers the batch over several runs and cancelled, and the generation branches the stack recordings miss; index.json lists exactly the files', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json');
    expect(fixtures.map((f) => f.file).sort()).toEqual(files.sort());
    expect(new Set(fixtures.map((f) => f.workflowType))).toEqual(new Set(['batch', 'img2video', 'upscale']));
    // A chain of runs: the continue-as-new hand-over is replayed on both sides.
    expect(fixtures.filter((f) => f.workflowId === 'batch-multi' && f.workflowType === 'batch').length).toBe(3);
  });

  it.each(fixtures.map((f) => [f.file, f] as const))('%s replays without a determinism violation', (file, fixture) => {
    const result = results.get(file);
    expect(result, `${file} was not replayed`).toBeDefined();
    expect(result!.workflowId).toBe(fixture.workflowId);
    const error = result!.error;
    expect(
      error,
      error &&
        `${file} (${fixture.workflowType}: ${fixture.scenario}) does not replay on the current workflow code: ${error.name}: ${error.message}`,
    ).toBeUndefined();
  });
});
