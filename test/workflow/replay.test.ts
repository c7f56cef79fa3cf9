// Replays recorded histories against the CURRENT workflow code: a change to workflows/ that would
// not replay a run already in flight (a command added, removed or reordered, an activity turned
// local, a timer where there was none) fails here, naming the recording, instead of failing in
// production on the worker that picks the run up after a deploy.
//
// The histories (test/fixtures/histories/, listed in index.json) are recorded by
// `npx tsx dev/record-histories.ts`. Re-record only with a deliberate history-shape change that
// ships with a drain or a new Worker Deployment version (README "Limits and known gaps").
import { Worker, type ReplayResult } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HISTORY_FIXTURES_DIR, historyFromJson, type HistoryFixture } from '../../dev/history-json';
import { workflowCodeOption } from '../../worker/workflow-bundle';
import { installQuietRuntime } from '../helpers/temporal';

const fixtures = JSON.parse(readFileSync(path.join(HISTORY_FIXTURES_DIR, 'index.json'), 'utf8')) as HistoryFixture[];

describe('replay of recorded histories', () => {
  const results = new Map<string, ReplayResult>();

  beforeAll(async () => {
    installQuietRuntime();
    // The run's prebuilt bundle (test/global-setup.ts) when there is one, else workflows/ bundled here.
    const { note: _note, ...workflowCode } = workflowCodeOption(process.env);
    const started = Date.now();
    const histories = fixtures.map((f) => ({ workflowId: f.workflowId, history: historyFromJson(JSON.parse(readFileSync(path.join(HISTORY_FIXTURES_DIR, f.file), 'utf8'))) }));
    // One replay worker for all of them; results come back in order, one per history.
    let i = 0;
    for await (const result of Worker.runReplayHistories({ ...workflowCode, replayName: 'vidu-flow-replay-test' }, histories)) {
      results.set(fixtures[i]!.file, result);
      i += 1;
    }
    console.log(`[replay] ${histories.length} histories, ${fixtures.reduce((n, f) => n + f.events, 0)} events, replayed in ${Date.now() - started} ms (${'workflowBundle' in workflowCode ? 'prebuilt bundle' : 'bundled from workflows/'})`);
  });

  it('has a recording of each workflow type that matters, and index.json lists exactly the files there', () => {
    const files = readdirSync(HISTORY_FIXTURES_DIR).filter((f) => f.endsWith('.json') && f !== 'index.json');
    expect(fixtures.map((f) => f.file).sort()).toEqual(files.sort());
    expect(new Set(fixtures.map((f) => f.workflowType))).toEqual(new Set(['img2video', 'adFilm', 'adFilmEdit', 'viduSlots']));
  });

  it.each(fixtures.map((f) => [f.file, f] as const))('%s replays without a determinism violation', (file, fixture) => {
    const result = results.get(file);
    expect(result, `${file} was not replayed`).toBeDefined();
    expect(result!.workflowId).toBe(fixture.workflowId);
    const error = result!.error;
    expect(
      error,
      error && `${file} (${fixture.workflowType}: ${fixture.scenario}) does not replay on the current workflow code: ${error.name}: ${error.message}`,
    ).toBeUndefined();
  });
});
