// Ownership of staged inputs, results and batch lines (issue 16 items 3 and 4), without Temporal:
// the stores and the checks are plain code; the owner of a workflow is injected here (the worker
// reads it from the workflow's ViduCaller: see test/e2e/tenant-resources.test.ts for the real run).
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { receiveMedia, MediaLoadError } from '../../activities/media-source';
import { resolveResultRefs } from '../../activities/result-refs';
import { makeStageInputs } from '../../activities/stage';
import { LocalArchiveStore } from '../../platform/stores/local-archive-store';
import { ownerOfCaller, ownsStagedRef, parseStagedRef } from '../../contract/staged-ref';
import { StagingStore } from '../../platform/stores/staging-store';
import { lineErrors } from '../../api/routes/batches';
import { stageCallerInputs, STAGE_DATA_URI_OVER } from '../../client/input-staging';
import { checkBatchLine, parseBatchLine, toBatchLine } from '../../contract/batch-input';
import { remoteMediaIssues } from '../../contract/media-fields';
import { startStagingSweep } from '../../worker/staging-sweep';
import { makePng, toDataUri } from '../helpers/media-fixtures';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vidu-tenant-'));
});
afterEach(async () => rm(tmp, { recursive: true, force: true }));

const ALICE = ownerOfCaller('alice');
const MALLORY = ownerOfCaller('mallory');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('staged inputs have an owner', () => {
  it('owners: key-<id> for a ViduCaller, operator without one; no key id can be the operator', () => {
    expect(ownerOfCaller(undefined)).toBe('operator');
    expect(ownerOfCaller('')).toBe('operator');
    expect(ALICE).toBe('key-alice');
    expect(ownerOfCaller('operator')).toBe('key-operator');
    expect(() => ownerOfCaller('../x')).toThrow();
    expect(parseStagedRef(`staged:${'a'.repeat(64)}.png`)).toEqual({
      owner: 'operator',
      name: `${'a'.repeat(64)}.png`,
      legacy: true,
    });
  });

  it('the same bytes under two owners are two files; a hash names nothing outside its owner', async () => {
    const store = new StagingStore(tmp);
    const png = makePng(300, 300);
    const a = await store.put(png, 'png', ALICE);
    const m = await store.put(png, 'png', MALLORY);
    expect(a).toBe(`staged:key-alice/${sha256(png)}.png`);
    expect(m).toBe(`staged:key-mallory/${sha256(png)}.png`);
    expect(await filesUnder(tmp)).toEqual([`key-alice/${sha256(png)}.png`, `key-mallory/${sha256(png)}.png`]);
    expect(ownsStagedRef(ALICE, a)).toBe(true);
    expect(ownsStagedRef(MALLORY, a)).toBe(false);
    expect(ownsStagedRef('operator', `staged:${sha256(png)}.png`)).toBe(true); // legacy: the operator's
    expect(ownsStagedRef(ALICE, `staged:${sha256(png)}.png`)).toBe(false);
  });

  it("the worker refuses another owner's reference exactly like one that does not exist, and local paths for API callers", async () => {
    const staging = new StagingStore(tmp);
    const png = makePng(300, 300);
    const alices = await staging.put(png, 'png', ALICE);
    const missing = `staged:key-mallory/${'c'.repeat(64)}.png`;
    const messageOf = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e: Error) => (e instanceof MediaLoadError ? e.message : `other: ${e.message}`),
      );
    const theft = await messageOf(receiveMedia(alices, 10_000_000, { staging, owner: MALLORY }));
    const none = await messageOf(receiveMedia(missing, 10_000_000, { staging, owner: MALLORY }));
    expect(theft).toBe(none);
    expect(theft).toMatch(/not found/);
    // Alice's own use works.
    const own = await receiveMedia(alices, 10_000_000, { staging, owner: ALICE });
    expect(own.file.size).toBe(png.length);
    // A path on the worker's disk, even under an input root, is the operator's alone.
    await writeFile(path.join(tmp, 'x.png'), png);
    expect(
      await messageOf(
        receiveMedia(path.join(tmp, 'x.png'), 10_000_000, { staging, owner: MALLORY, inputRoots: [tmp] }),
      ),
    ).toMatch(/local paths are refused/);
  });
});

describe('staged bytes are media before they are stored', () => {
  it('a >256 KiB data: URI that is not media is refused by field, and nothing is written', async () => {
    const staging = new StagingStore(path.join(tmp, 'staging'));
    const envFile = Buffer.from('DB_PASSWORD=hunter2\nSTRIPE_KEY=sk_live_x\n'.repeat(8000));
    const uri = toDataUri(envFile, 'image/png');
    expect(uri.length).toBeGreaterThan(STAGE_DATA_URI_OVER);
    const out = await stageCallerInputs(
      'img2video',
      { model: 'viduq2', images: [uri], prompt: 'p', duration: 5 },
      staging,
      { owner: MALLORY },
    );
    expect(out.issues).toEqual([expect.stringMatching(/^images\[0\]: not an image: .*nothing was stored$/)]);
    expect(out.issues.join()).not.toMatch(/DB_PASSWORD|hunter2/);
    expect(await filesUnder(path.join(tmp, 'staging'))).toEqual([]);
    // An image for a video field is refused too; a real image is staged under its owner.
    const png = makePng(600, 600, 'big');
    const big = Buffer.concat([png, Buffer.alloc(300 * 1024)]); // a PNG head with trailing bytes: sniffed as PNG
    const wrongKind = await stageCallerInputs('upscale', { video_url: toDataUri(big, 'video/mp4') }, staging, {
      owner: MALLORY,
    });
    expect(wrongKind.issues).toEqual([expect.stringMatching(/^video_url: not a video/)]);
    const ok = await stageCallerInputs(
      'img2video',
      { model: 'viduq2', images: [toDataUri(big, 'image/png')], prompt: 'p', duration: 5 },
      staging,
      { owner: ALICE },
    );
    expect(ok.issues).toEqual([]);
    expect((ok.request.images as string[])[0]).toBe(`staged:key-alice/${sha256(big)}.png`);
    expect(await filesUnder(path.join(tmp, 'staging'))).toEqual([`key-alice/${sha256(big)}.png`]);
  });

  it('a local file that is not media is refused and its temporary copy removed', async () => {
    const staging = new StagingStore(path.join(tmp, 'staging'));
    await writeFile(path.join(tmp, '.env'), 'DB_PASSWORD=hunter2\n');
    const out = await stageCallerInputs(
      'img2video',
      { model: 'viduq2', images: ['.env'], prompt: 'p', duration: 5 },
      staging,
      { cwd: tmp },
    );
    expect(out.issues).toEqual([expect.stringMatching(/^images\[0\]: not an image/)]);
    expect(await filesUnder(path.join(tmp, 'staging'))).toEqual([]);
  });
});

describe('unused staged inputs expire', () => {
  it('the sweep removes files older than the TTL (by mtime), in every owner, legacy and temporary files too', async () => {
    const store = new StagingStore(tmp);
    const old = await store.put(makePng(300, 300, 'old'), 'png', ALICE);
    const fresh = await store.put(makePng(300, 300, 'fresh'), 'png', MALLORY);
    await writeFile(path.join(tmp, `${'d'.repeat(64)}.png`), 'legacy');
    await writeFile(path.join(tmp, '.incoming-1-abc'), 'abandoned');
    const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000);
    for (const f of [store.pathOf(old), path.join(tmp, `${'d'.repeat(64)}.png`), path.join(tmp, '.incoming-1-abc')])
      await utimes(f, eightDaysAgo, eightDaysAgo);
    expect(await store.sweep(7 * 86_400_000)).toEqual({ removed: 3, kept: 1 });
    expect(await filesUnder(tmp)).toEqual([path.relative(tmp, store.pathOf(fresh))]);
    // Staging the old bytes again makes them fresh (a rename of a new copy).
    const again = await store.put(makePng(300, 300, 'old'), 'png', ALICE);
    expect(await store.sweep(7 * 86_400_000)).toEqual({ removed: 0, kept: 2 });
    expect(await store.get(again)).toEqual(makePng(300, 300, 'old'));
  });

  it('the worker sweeps at start (TTL 0: never) and logs what it removed', async () => {
    const store = new StagingStore(tmp);
    const ref = await store.put(makePng(300, 300), 'png', ALICE);
    const long = new Date(Date.now() - 30 * 86_400_000);
    await utimes(store.pathOf(ref), long, long);
    expect(startStagingSweep(store, 0)).toBeUndefined();
    const logs: string[] = [];
    const sweeper = startStagingSweep(store, 7, (l) => logs.push(l))!;
    expect(await sweeper.running).toEqual({ removed: 1, kept: 0 });
    sweeper.stop();
    expect(logs).toEqual([expect.stringMatching(/removed 1 staged input/)]);
  });
});

describe('results resolve only to the caller’s own', () => {
  async function archiveWith(workflowId: string, creations: string[]) {
    const archive = new LocalArchiveStore(path.join(tmp, 'archive'));
    await archive.writeJson(`${workflowId}/manifest.json`, {
      workflowId,
      kind: 'img2video',
      taskId: 't1',
      files: creations.map((c) => ({
        creationId: c,
        role: 'video',
        name: `${c}.mp4`,
        location: '',
        sha256: '',
        bytes: 1,
        contentType: 'video/mp4',
      })),
    });
    return archive;
  }
  const owners: Record<string, string> = { 'img2video-key-alice:clip-1': ALICE, 'img2video-op': 'operator' };
  const ownerOf = async (id: string) => owners[id];

  it("another owner's workflow answers exactly like one that does not exist, naming none of its creations", async () => {
    const archive = await archiveWith('img2video-key-alice:clip-1', ['cre-alice-1', 'cre-alice-2']);
    const theft = { video_url: 'vidu-flow:img2video-key-alice:clip-1/x' };
    const stolen = await resolveResultRefs(theft, archive, { owner: MALLORY, ownerOf });
    const missing = await resolveResultRefs({ video_url: 'vidu-flow:img2video-key-alice:clip-9/x' }, archive, {
      owner: MALLORY,
      ownerOf,
    });
    expect(stolen.join()).not.toMatch(/cre-alice/);
    expect(stolen[0]!.replace('clip-1', 'clip-9')).toBe(missing[0]);
    expect(theft).toEqual({ video_url: 'vidu-flow:img2video-key-alice:clip-1/x' }); // unchanged
    // The operator does not reach a key's results either, nor a key the operator's.
    expect(
      await resolveResultRefs({ video_url: 'vidu-flow:img2video-key-alice:clip-1/cre-alice-1' }, archive, {
        owner: 'operator',
        ownerOf,
      }),
    ).toHaveLength(1);
    // Alice's own: resolved; a wrong creation lists her own creations only to her.
    const own = { video_url: 'vidu-flow:img2video-key-alice:clip-1/cre-alice-2' } as Record<string, unknown>;
    expect(await resolveResultRefs(own, archive, { owner: ALICE, ownerOf })).toEqual([]);
    expect(own).toEqual({ video_creation_id: 'cre-alice-2' });
    expect(
      (
        await resolveResultRefs({ video_url: 'vidu-flow:img2video-key-alice:clip-1/nope' }, archive, {
          owner: ALICE,
          ownerOf,
        })
      )[0],
    ).toMatch(/cre-alice-1, cre-alice-2/);
  });

  it('Vidu ids are refused on the worker for an API caller’s own text, before any reference is read', async () => {
    const archive = await archiveWith('img2video-key-alice:clip-1', ['cre-alice-1']);
    const stage = (owner: string, callerText: boolean) =>
      makeStageInputs({
        staging: new StagingStore(path.join(tmp, 's')),
        archive,
        ownership: async () => ({ owner, callerText }),
        ownerOf,
      });
    const input = {
      kind: 'upscale' as const,
      workflowId: 'upscale-key-mallory:x',
      request: { video_creation_id: 'cre-alice-1' },
    };
    await expect(stage(MALLORY, true)(input)).rejects.toMatchObject({
      type: 'InvalidRequest',
      message: expect.stringMatching(/video_creation_id: a Vidu id is not accepted/),
    });
    // A child vidu-flow derived (the upscale of a generation's own creation) carries one legitimately.
    await expect(
      stage(ALICE, false)({ ...input, workflowId: 'img2video-key-alice:clip-1.upscale' }),
    ).resolves.toMatchObject({ request: { video_creation_id: 'cre-alice-1' } });
    await expect(stage('operator', true)(input)).resolves.toMatchObject({
      request: { video_creation_id: 'cre-alice-1' },
    });
    // And a vidu-flow: reference of another owner fails at stage, before any credit.
    await expect(
      stage(MALLORY, true)({ ...input, request: { video_url: 'vidu-flow:img2video-key-alice:clip-1/cre-alice-1' } }),
    ).rejects.toMatchObject({
      type: 'InvalidRequest',
      message: expect.not.stringMatching(/cre-alice-1 \(|its video creations/),
    });
  });

  it('the HTTP media rule: URLs, data: URIs and vidu-flow: references; no paths, file:, staged: or Vidu ids', () => {
    expect(remoteMediaIssues('upscale', { video_url: 'vidu-flow:img2video-key-alice:clip-1/c' })).toEqual([]);
    expect(remoteMediaIssues('upscale', { video_creation_id: 'c' }).map((i) => i.path)).toEqual(['video_creation_id']);
    for (const v of ['/etc/passwd', 'file:///etc/passwd', `staged:key-alice/${'a'.repeat(64)}.png`, 'relative.png']) {
      expect(
        remoteMediaIssues('img2video', { images: [v] }).map((i) => i.path),
        v,
      ).toEqual(['images[0]']);
    }
  });
});

describe('batch lines are reported by number and rule, never by content', () => {
  const SECRET = 'DB_PASSWORD=hunter2';
  const good = {
    kind: 'img2video',
    request: { model: 'viduq2', images: ['https://cdn.example.com/a.png'], prompt: 'p', duration: 5 },
  };

  it('no text of the line, no key name, no value comes back, for a file line or an HTTP line', () => {
    const lines: Array<[string, RegExp]> = [
      [SECRET, /^not valid JSON/],
      [`{"${SECRET}": 1}`, /a field other than kind, request and options; kind: missing/],
      [JSON.stringify({ ...good, [SECRET]: 1 }), /a field other than kind, request and options/],
      [JSON.stringify({ kind: SECRET, request: {} }), /^kind: not a generation kind/],
      [
        JSON.stringify({ ...good, request: { ...good.request, [SECRET]: 'x' } }),
        /^\(request\): has a field not accepted by img2video/,
      ],
      [JSON.stringify({ ...good, request: { ...good.request, model: SECRET } }), /^model: /],
      [JSON.stringify({ ...good, options: { [SECRET]: 1 } }), /^options: has a field not accepted/],
    ];
    for (const [text, rule] of lines) {
      const parsed = parseBatchLine(text, { baseDir: tmp });
      expect(parsed.ok, text).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.message, text).toMatch(rule);
      expect(parsed.message, text).not.toMatch(/DB_PASSWORD|hunter2|DB_PASSWOR/);
      expect(JSON.stringify(toBatchLine(text, 3, 0, { baseDir: tmp })), text).not.toMatch(/DB_PASSWOR|hunter2/);
    }
  });

  it('HTTP lines: one error per bad line, its index as the field and its number in the message', () => {
    const errors = lineErrors(
      [
        good,
        { kind: SECRET },
        good,
        { ...good, request: { ...good.request, images: ['/etc/passwd'] } },
        { ...good, kind: 'upscale', request: { video_creation_id: 'cre-alice-1' } },
      ],
      undefined,
    );
    expect(errors.map((e) => e.field)).toEqual(['lines[1]', 'lines[3]', 'lines[4]']);
    expect(errors[0]!.message).toMatch(/^line 2: kind: not a generation kind/);
    expect(errors[1]!.message).toMatch(/^line 4: request\.images\[0\]: must be an http\(s\) URL/);
    expect(errors[2]!.message).toMatch(/^line 5: request\.video_creation_id: Vidu ids are refused/);
    expect(JSON.stringify(errors)).not.toMatch(/DB_PASSWOR|hunter2|\/etc\/passwd|cre-alice/);
    expect(checkBatchLine(good, { remote: true }).ok).toBe(true);
  });
});
