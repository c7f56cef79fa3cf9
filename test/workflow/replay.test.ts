// The replay gate across versions (issue 18 §3). Recorded histories replay against the CURRENT
// workflow code: a change to workflows/ that would not replay a run already in flight (a command
// added, removed or reordered, an activity turned local, a timer where there was none) fails here,
// naming the recording, instead of failing in production on the worker that picks the run up.
//
// The histories each released version recorded are kept (test/fixtures/histories/<version>/,
// listed oldest first in versions.json; recorded by `npx tsx dev/record-histories.ts --version <v>`).
// What replays against what follows each type's Worker Versioning behaviour (workflows/versioning.ts):
//   - auto-upgrade types (the slot manager, batch) move to the new version mid-run, so EVERY kept
//     history of theirs, of every version, replays against the current code;
//   - pinned types never meet a newer version's code in production: a history of theirs replays
//     against the current code only while its version is the newest recorded one (the code is
//     expected to replay what it recorded itself); older versions' pinned histories are kept and
//     replay only against their own version's bundle, built from the git ref versions.json names
//     (`npx tsx dev/replay-at-ref.ts <version>`), not here.
// A second block proves the gate bites: a deliberately incompatible change to `viduSlots` without
// patched() fails it; the same change behind patched() passes.
import { bundleWorkflowCode, Worker, type ReplayResult } from '@temporalio/worker';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  HISTORY_FIXTURES_DIR,
  historyFromJson,
  VERSIONS_FILE,
  type HistoryFixture,
  type RecordedVersion,
} from '../../dev/history-json';
import { workflowCodeOption } from '../../worker/workflow-bundle';
import { AUTO_UPGRADE_TYPES, WORKFLOW_VERSIONING } from '../../workflows/versioning';
import { installQuietRuntime } from '../helpers/temporal';

const versions = JSON.parse(readFileSync(VERSIONS_FILE, 'utf8')) as RecordedVersion[];
const newest = versions.at(-1)!.version;

interface Kept extends HistoryFixture {
  version: string;
  /** Replayed against the current code here (else only against its own version's bundle). */
  againstCurrent: boolean;
}

const autoUpgrade = new Set<string>(AUTO_UPGRADE_TYPES);
const kept: Kept[] = versions.flatMap(({ version }) =>
  (JSON.parse(readFileSync(path.join(HISTORY_FIXTURES_DIR, version, 'index.json'), 'utf8')) as HistoryFixture[]).map(
    (f) => ({
      ...f,
      version,
      againstCurrent: autoUpgrade.has(f.workflowType) || version === newest,
    }),
  ),
);
const label = (k: Kept): string => `${k.version}/${k.file}`;
const historyOf = (k: Kept) => ({
  workflowId: k.workflowId,
  history: historyFromJson(JSON.parse(readFileSync(path.join(HISTORY_FIXTURES_DIR, k.version, k.file), 'utf8'))),
});

async function replayAll(
  code: Parameters<typeof Worker.runReplayHistories>[0],
  histories: Kept[],
): Promise<Map<string, ReplayResult>> {
  const results = new Map<string, ReplayResult>();
  let i = 0;
  // One replay worker for all of them; results come back in order, one per history.
  for await (const result of Worker.runReplayHistories(code, histories.map(historyOf))) {
    results.set(label(histories[i]!), result);
    i += 1;
  }
  return results;
}

describe('replay of the kept histories against the current code', () => {
  let results = new Map<string, ReplayResult>();
  const current = kept.filter((k) => k.againstCurrent);

  beforeAll(async () => {
    installQuietRuntime();
    // The run's prebuilt bundle (test/global-setup.ts) when there is one, else workflows/ bundled here.
    const { note: _note, ...workflowCode } = workflowCodeOption(process.env);
    const started = Date.now();
    results = await replayAll({ ...workflowCode, replayName: 'vidu-flow-replay-test' }, current);
    const older = kept.filter((k) => !k.againstCurrent);
    console.log(
      `[replay] ${current.length} histories of ${versions.length} version(s), ${current.reduce((n, f) => n + f.events, 0)} events, replayed in ${Date.now() - started} ms ` +
        `(${'workflowBundle' in workflowCode ? 'prebuilt bundle' : 'bundled from workflows/'}); ${older.length} older pinned histories kept for their own bundles`,
    );
  });

  it('keeps each version in its folder, with index.json listing exactly the files there and a git ref to rebuild its bundle', () => {
    for (const v of versions) {
      const dir = path.join(HISTORY_FIXTURES_DIR, v.version);
      expect(existsSync(dir), dir).toBe(true);
      const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json');
      expect(
        kept
          .filter((k) => k.version === v.version)
          .map((k) => k.file)
          .sort(),
      ).toEqual(files.sort());
      expect(v.gitRef).toMatch(/^[0-9a-f]{40}$/);
    }
    // Every recorded type is one the worker registers with a declared behaviour.
    for (const k of kept) expect(Object.keys(WORKFLOW_VERSIONING), label(k)).toContain(k.workflowType);
  });

  it('has a recording of each workflow type that matters in the newest version, every auto-upgrade type among them', () => {
    const types = new Set(kept.filter((k) => k.version === newest).map((k) => k.workflowType));
    for (const t of ['img2video', 'adFilm', 'adFilmEdit', ...AUTO_UPGRADE_TYPES]) expect(types, t).toContain(t);
  });

  it.each(current.map((k) => [label(k), k] as const))('%s replays without a determinism violation', (name, k) => {
    const result = results.get(name);
    expect(result, `${name} was not replayed`).toBeDefined();
    expect(result!.workflowId).toBe(k.workflowId);
    const error = result!.error;
    expect(
      error,
      error &&
        `${name} (${k.workflowType}: ${k.scenario}) does not replay on the current workflow code: ${error.name}: ${error.message}`,
    ).toBeUndefined();
  });
});

describe('the gate catches an incompatible change to an auto-upgrade type', () => {
  const slots = kept.filter((k) => k.workflowType === 'viduSlots');
  const variant = (name: string) => path.join(__dirname, 'fixtures', 'variants', `${name}.ts`);

  async function replayVariant(name: string): Promise<Map<string, ReplayResult>> {
    installQuietRuntime();
    const started = Date.now();
    const { code } = await bundleWorkflowCode({
      workflowsPath: variant(name),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
    });
    const results = await replayAll({ workflowBundle: { code }, replayName: `vidu-flow-replay-${name}` }, slots);
    console.log(
      `[replay] variant ${name}: bundled and replayed ${slots.length} viduSlots histories in ${Date.now() - started} ms`,
    );
    return results;
  }

  it('fails on a new timer in viduSlots without patched()', async () => {
    expect(slots.length).toBeGreaterThan(0);
    const results = await replayVariant('slots-unpatched');
    for (const k of slots) {
      const error = results.get(label(k))?.error;
      expect(error?.name, `${label(k)} replayed on the incompatible variant`).toBe('DeterminismViolationError');
    }
  });

  it('passes with the same change behind patched()', async () => {
    const results = await replayVariant('slots-patched');
    for (const k of slots) expect(results.get(label(k))?.error, label(k)).toBeUndefined();
  });
});
