// dev/temporal-test-server.ts: the routes to the Java time-skipping test server, and the wrapper
// and pom it writes. The Maven build itself runs in .ci/run's step and in the fast workflow tests
// (test/workflow/generation.test.ts and friends start the server it built).
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BUILD_RECIPE,
  findTestServer,
  TEST_SERVER_MAIN_CLASS,
  TEST_SERVER_VERSION,
  testServerCacheDir,
  testServerPom,
  testServerWrapper,
} from '../../dev/temporal-test-server';

let tmp: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'vidu-flow-test-server-'));
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

const quiet = () => undefined;

describe('the wrapper', () => {
  it('passes the jars, the class archive and the port through unharmed, whatever characters the paths have', async () => {
    // A stand-in `java` that prints the arguments it was given, one per line.
    const fakeJava = path.join(tmp, "ja va's");
    await fs.writeFile(fakeJava, '#!/bin/sh\nfor a in "$@"; do printf \'%s\\n\' "$a"; done\n', { mode: 0o755 });
    const jars = [path.join(tmp, "lib dir/b's.jar"), path.join(tmp, 'lib dir/a $HOME.jar')];
    const archive = path.join(tmp, "cache 'x'/app.jsa");
    const wrapper = path.join(tmp, 'temporal-test-server');
    await fs.writeFile(wrapper, testServerWrapper(fakeJava, jars, archive), { mode: 0o755 });
    const { stdout } = await promisify(execFile)(wrapper, ['40123', '--extra']);
    const args = stdout.split('\n').filter(Boolean);
    expect(args).toContain(`-XX:SharedArchiveFile=${archive}`);
    // Sorted, so the classpath is the same at every start (the archive's classpath check).
    expect(args[args.indexOf('-cp') + 1]).toBe([...jars].sort().join(':'));
    expect(args.slice(-3)).toEqual([TEST_SERVER_MAIN_CLASS, '40123', '--extra']);
    expect(args).toEqual(expect.arrayContaining(['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto']));
  });

  it('the pom names the pinned test server and the slf4j binding', () => {
    const pom = testServerPom();
    expect(pom).toContain('<artifactId>temporal-test-server</artifactId>');
    expect(pom).toContain(`<version>${TEST_SERVER_VERSION}</version>`);
    expect(pom).toContain('<artifactId>slf4j-nop</artifactId>');
  });
});

describe('finding it', () => {
  it('TEMPORAL_TEST_SERVER_PATH is used as is; a bad one is an error, not a fall-through', async () => {
    const exe = path.join(tmp, 'native-test-server');
    await fs.writeFile(exe, '#!/bin/sh\n', { mode: 0o755 });
    const env = { TEMPORAL_TEST_SERVER_PATH: exe, XDG_CACHE_HOME: tmp, PATH: '' };
    await expect(findTestServer({ build: true, env, log: quiet })).resolves.toEqual({
      path: exe,
      route: 'TEMPORAL_TEST_SERVER_PATH',
    });
    const missing = { ...env, TEMPORAL_TEST_SERVER_PATH: path.join(tmp, 'nope') };
    await expect(findTestServer({ build: true, env: missing, log: quiet })).rejects.toThrow(
      /TEMPORAL_TEST_SERVER_PATH=.*nope does not exist/,
    );
  });

  it('the cache counts only when its `ready` marker names the current recipe', async () => {
    const env = { XDG_CACHE_HOME: tmp, PATH: '' };
    const dir = testServerCacheDir(env);
    expect(dir).toBe(path.join(tmp, 'vidu-flow', 'temporal-test-server', TEST_SERVER_VERSION));
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'temporal-test-server'), '#!/bin/sh\n', { mode: 0o755 });
    // No marker (a build that was interrupted), then an older recipe's marker: not used.
    await expect(findTestServer({ build: false, env, log: quiet })).rejects.toThrow(
      /no Temporal test server in .*--ensure-only/,
    );
    await fs.writeFile(path.join(dir, 'ready'), 'temporal-test-server 1.0.0, recipe 1\n');
    await expect(findTestServer({ build: false, env, log: quiet })).rejects.toThrow(/no Temporal test server/);
    await fs.writeFile(path.join(dir, 'ready'), `${BUILD_RECIPE}\n`);
    await expect(findTestServer({ build: false, env, log: quiet })).resolves.toEqual({
      path: path.join(dir, 'temporal-test-server'),
      route: 'cache',
    });
  });

  it('building without java or mvn says what to install, and leaves no lock behind', async () => {
    const env = { XDG_CACHE_HOME: tmp, PATH: path.join(tmp, 'empty-bin') };
    await expect(findTestServer({ build: true, env, log: quiet })).rejects.toThrow(
      /needs `java` \(8 or later\) and `mvn` on PATH.*TEMPORAL_TEST_SERVER_PATH/,
    );
    await expect(fs.stat(`${testServerCacheDir(env)}.lock`)).rejects.toThrow(/ENOENT/);
  });
});
