// `vidu-flow subjects create|list|get|update` over the real SubjectLibrary (its validation and its
// calls) with a runner that records what would run on the worker: the CLI is the operator (no
// ViduCaller), local files become data: URIs, refused input exits 2 before anything runs, an
// unknown id exits 1, and there is no delete command.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../cli/io';
import { runCli } from '../../cli/program';
import { SubjectLibrary, type SubjectRunner, type SubjectView, type ViduFlowClient } from '../../client/index';
import { StagingStore } from '../../platform/stores/staging-store';
import { makePng } from '../helpers/media-fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'vidu-flow-cli-subjects-'));
writeFileSync(path.join(dir, 'hero.png'), makePng(64, 64, 'hero'));

const hero: SubjectView = {
  id: '900000000000004097',
  name: 'hero',
  images: ['https://cdn.example.com/hero.png'],
  videos: [],
  voiceId: '',
  style: '',
  description: '',
  owner: 'operator',
};

async function run(args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let errText = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (errText += c.toString()));
  const calls: Array<{ call: string; input: unknown; opts: unknown }> = [];
  const runner: SubjectRunner = {
    create: async (workflowId, keyed, input, opts) => {
      calls.push({ call: 'create', input: { workflowId, keyed, ...input }, opts });
      return { ...hero, name: input.request.name, credits: 5 };
    },
    read: async (input, opts) => {
      calls.push({ call: 'read', input, opts });
      return input.ids
        ? { subjects: input.ids.includes(hero.id) ? [hero] : [] }
        : { subjects: [hero], nextPageToken: '20' };
    },
    edit: async (input, opts) => {
      calls.push({ call: 'edit', input, opts });
      return input.id === hero.id ? { found: true, subject: { ...hero, ...input.changes } } : { found: false };
    },
  };
  const fake = {
    temporal: { connection: { close: async () => undefined } },
    subjects: new SubjectLibrary(runner, new StagingStore(path.join(dir, 'staging'))),
  };
  const io: CliIO = {
    stdout,
    stderr,
    cwd: dir,
    readFile: () => '',
    fileExists: () => true,
    connect: async () => fake as unknown as ViduFlowClient,
    onInterrupt: () => () => undefined,
  };
  const code = await runCli(args, io);
  await new Promise((r) => setImmediate(r));
  return { code, stdout: out, stderr: errText, calls };
}

describe('vidu-flow subjects', () => {
  it('create sends a local file as a data: URI, as the operator, keyed by --idempotency-key', async () => {
    const r = await run(['subjects', 'create', '--name', 'hero', '--image', 'hero.png', '--idempotency-key', 'h1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/created subject 900000000000004097 {2}“hero” {2}1 image\(s\) · 5 credits/);
    expect(r.stdout).toMatch(/server_id = 900000000000004097/);
    const [c] = r.calls;
    expect(c).toMatchObject({ call: 'create', input: { workflowId: 'subjectCreate-key-h1', keyed: true }, opts: {} });
    const images = (c!.input as { request: { images: string[] } }).request.images;
    expect(images[0]).toMatch(/^data:image\/png;base64,/);
  });

  it('refuses bad input before anything runs (exit 2), naming the field', async () => {
    const r = await run(['subjects', 'create', '--name', 'x'.repeat(51), '--image', 'https://a/1.png']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nothing was created:\n {2}- name: /);
    const missing = await run(['subjects', 'create', '--name', 'hero', '--image', 'nope.png']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.png: cannot read it \(ENOENT\)/);
    expect([...r.calls, ...missing.calls]).toEqual([]);
  });

  it('list, get and update print the subject; an unknown id exits 1; there is no delete', async () => {
    const list = await run(['subjects', 'list', '--count', '20']);
    expect(list.stdout).toMatch(/900000000000004097 {2}“hero”/);
    expect(list.stdout).toMatch(/more: --page-token 20/);
    expect(list.calls[0]).toMatchObject({ call: 'read', input: { count: 20 } });
    const get = await run(['subjects', 'get', hero.id, '--json']);
    expect(JSON.parse(get.stdout)).toEqual(hero);
    const unknown = await run(['subjects', 'get', '1']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no subject 1/);
    const update = await run(['subjects', 'update', hero.id, '--style', 'noir']);
    expect(update.code).toBe(0);
    expect(update.calls[0]).toMatchObject({ call: 'edit', input: { id: hero.id, changes: { style: 'noir' } } });
    expect((await run(['subjects', 'update', '1', '--style', 'noir'])).code).toBe(1);
    const del = await run(['subjects', 'delete', hero.id]);
    expect(del.code).not.toBe(0);
  });
});
