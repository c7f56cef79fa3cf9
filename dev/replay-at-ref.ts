// Replays one kept version's histories against THAT version's own workflow code (issue 18 §3): the
// bundle is built from the git commit versions.json names for it, in a throw-away worktree sharing
// this checkout's node_modules. This is how a pinned type's older histories are checked: in
// production they only ever replay on their own version (test/workflow/replay.test.ts replays
// them against the current code only while their version is the newest recorded one).
//
//   npx tsx dev/replay-at-ref.ts v0.1.0
//
// Needs the full git history (not a shallow clone). Exit code 1 when any history fails to replay.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import {
  HISTORY_FIXTURES_DIR,
  historyFromJson,
  VERSIONS_FILE,
  type HistoryFixture,
  type RecordedVersion,
} from './history-json';

const ROOT = path.resolve(__dirname, '..');

async function main(version: string | undefined): Promise<number> {
  const versions = JSON.parse(readFileSync(VERSIONS_FILE, 'utf8')) as RecordedVersion[];
  const entry = versions.find((v) => v.version === version);
  if (!entry) {
    console.error(
      `usage: npx tsx dev/replay-at-ref.ts <version>; kept versions: ${versions.map((v) => v.version).join(', ')}`,
    );
    return 2;
  }
  const fixtures = JSON.parse(
    readFileSync(path.join(HISTORY_FIXTURES_DIR, entry.version, 'index.json'), 'utf8'),
  ) as HistoryFixture[];
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const tree = path.join(mkdtempSync(path.join(tmpdir(), 'vidu-flow-replay-at-')), 'tree');
  execFileSync('git', ['worktree', 'add', '--detach', tree, entry.gitRef], { cwd: ROOT, stdio: 'inherit' });
  try {
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'), 'dir');
    const { code } = await bundleWorkflowCode({
      workflowsPath: path.join(tree, 'workflows/index.ts'),
      logger: new DefaultLogger('WARN'),
    });
    const histories = fixtures.map((f) => ({
      workflowId: f.workflowId,
      history: historyFromJson(
        JSON.parse(readFileSync(path.join(HISTORY_FIXTURES_DIR, entry.version, f.file), 'utf8')),
      ),
    }));
    let failed = 0;
    let i = 0;
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: { code }, replayName: `replay-at-${entry.version}` },
      histories,
    )) {
      const f = fixtures[i++]!;
      if (result.error) failed += 1;
      console.log(
        `${result.error ? 'FAIL' : 'ok  '} ${entry.version}/${f.file} (${f.workflowType})${result.error ? `: ${result.error.message}` : ''}`,
      );
    }
    console.log(
      `${histories.length - failed}/${histories.length} histories of ${entry.version} replay on their own code (${entry.gitRef})`,
    );
    return failed === 0 ? 0 : 1;
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: ROOT });
    rmSync(path.dirname(tree), { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(process.argv[2]).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
