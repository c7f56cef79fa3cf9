import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { InvalidGenerationInput, type SubjectView } from '../client/index';
import { collect } from './args';
import {
  type CliIO,
  err,
  EXIT,
  type GlobalFlags,
  json,
  out,
  type OutputFlags,
  printUsageIssues,
  withClient,
} from './io';

// `vidu-flow subjects create|list|get|update`: the subject library (client/subjects.ts,
// docs/vidu-api-subjects.md). The CLI is the operator: its subjects are owned by `operator`.
// Vidu documents no delete, so there is no `subjects delete`.

const MIME_OF_EXT: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.avi': 'video/x-msvideo',
};

export interface SubjectFlags extends GlobalFlags, OutputFlags {
  name?: string;
  image?: string[];
  video?: string[];
  voiceId?: string;
  style?: string;
  description?: string;
  idempotencyKey?: string;
  count?: string;
  pageToken?: string;
}

/** A URL, data: URI or staged: reference as it is; a local file as a data: URI (the client stages large ones). */
export function mediaValue(ref: string, cwd: string): string {
  if (/^(https?:|data:|staged:)/i.test(ref)) return ref;
  const file = path.resolve(cwd, ref);
  const mime = MIME_OF_EXT[path.extname(file).toLowerCase()];
  if (!mime)
    throw new InvalidGenerationInput([
      `${ref}: not an image or video file vidu-flow knows (png, jpeg, webp, mp4, mov, avi)`,
    ]);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new InvalidGenerationInput([`${ref}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  return `data:${mime};base64,${bytes.toString('base64')}`;
}

function describe(s: SubjectView): string {
  const media = [`${s.images.length} image(s)`, ...(s.videos.length > 0 ? [`${s.videos.length} video`] : [])];
  const extras = [s.style && `style “${s.style}”`, s.voiceId && `voice ${s.voiceId}`].filter(Boolean);
  const paid = s.credits !== undefined ? ` · ${s.credits} credits` : '';
  return `${s.id}  “${s.name}”  ${[...media, ...extras].join(', ')}${paid}`;
}

/** Runs one library call, printing refused input as usage issues (exit 2). */
async function run(io: CliIO, flags: SubjectFlags, consequence: string, fn: Parameters<typeof withClient>[2]) {
  try {
    return await withClient(io, flags, fn);
  } catch (e) {
    if (e instanceof InvalidGenerationInput) {
      printUsageIssues(io, e.issues, consequence);
      return EXIT.usage;
    }
    throw e;
  }
}

const changesOf = (flags: SubjectFlags, cwd: string): Record<string, unknown> => ({
  ...(flags.name !== undefined ? { name: flags.name } : {}),
  ...(flags.image ? { images: flags.image.map((r) => mediaValue(r, cwd)) } : {}),
  ...(flags.video ? { videos: flags.video.map((r) => mediaValue(r, cwd)) } : {}),
  ...(flags.voiceId !== undefined ? { voice_id: flags.voiceId } : {}),
  ...(flags.style !== undefined ? { style: flags.style } : {}),
  ...(flags.description !== undefined ? { description: flags.description } : {}),
});

export function subjectsCreateAction(io: CliIO, flags: SubjectFlags): Promise<number> {
  return run(io, flags, 'nothing was created', async (client) => {
    const body = changesOf(flags, io.cwd);
    const s = await client.subjects.create(body, {
      ...(flags.idempotencyKey ? { idempotencyKey: flags.idempotencyKey } : {}),
    });
    if (flags.json) json(io, s);
    else out(io, `created subject ${describe(s)}\n  use it as reference2video subjects[].server_id = ${s.id}`);
    return EXIT.ok;
  });
}

export function subjectsListAction(io: CliIO, flags: SubjectFlags): Promise<number> {
  return run(io, flags, 'nothing was listed', async (client) => {
    const page = await client.subjects.list({
      ...(flags.count ? { count: flags.count } : {}),
      ...(flags.pageToken ? { pageToken: flags.pageToken } : {}),
    });
    if (flags.json) json(io, page);
    else {
      for (const s of page.subjects) out(io, describe(s));
      if (page.subjects.length === 0) out(io, '(no subjects on this page)');
      if (page.nextPageToken) out(io, `more: --page-token ${page.nextPageToken}`);
    }
    return EXIT.ok;
  });
}

export function subjectsGetAction(io: CliIO, id: string, flags: SubjectFlags): Promise<number> {
  return run(io, flags, 'nothing was read', async (client) => {
    const s = await client.subjects.get(id);
    if (!s) {
      err(io, `vidu-flow: no subject ${id} (vidu-flow knows only the subjects it created)`);
      return EXIT.failed;
    }
    if (flags.json) json(io, s);
    else out(io, describe(s));
    return EXIT.ok;
  });
}

export function subjectsUpdateAction(io: CliIO, id: string, flags: SubjectFlags): Promise<number> {
  return run(io, flags, 'nothing was changed', async (client) => {
    const s = await client.subjects.update(id, changesOf(flags, io.cwd));
    if (!s) {
      err(io, `vidu-flow: no subject ${id} (vidu-flow knows only the subjects it created)`);
      return EXIT.failed;
    }
    if (flags.json) json(io, s);
    else out(io, `updated subject ${describe(s)}`);
    return EXIT.ok;
  });
}

export function registerSubjectCommands(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const subjects = program
    .command('subjects')
    .description('the subject library (reference2video subjects[].server_id): create, list, get, update');
  const media = (cmd: Command) =>
    cmd
      .option('--image <ref>', 'image, repeatable (1–3): URL, data URI, staged: reference or local file', collect)
      .option('--video <ref>', 'one 5 s video (mp4, avi, mov): URL, data URI, staged: reference or local file', collect)
      .option('--voice-id <id>', 'voice for audio-video output')
      .option('--json', 'print the subject as JSON');
  media(
    subjects
      .command('create')
      .description('create a subject (5 credits); prints its id, the server_id reference2video takes')
      .requiredOption('--name <name>', 'the subject’s name (up to 50 characters)')
      .option('--idempotency-key <key>', 'same key, same subject: created and paid once'),
  ).action(async (_opts, c: Command) => setExit(await subjectsCreateAction(io, c.optsWithGlobals())));
  subjects
    .command('list')
    .description('the subjects vidu-flow created for the operator, a page at a time')
    .option('--count <n>', 'Vidu subjects read for this page (1–100, default 20)')
    .option('--page-token <token>', 'the next page, as the previous page printed')
    .option('--json', 'print the page as JSON')
    .action(async (_opts, c: Command) => setExit(await subjectsListAction(io, c.optsWithGlobals())));
  subjects
    .command('get')
    .description('one subject')
    .argument('<id>', 'the subject id')
    .option('--json', 'print the subject as JSON')
    .action(async (id: string, _opts, c: Command) => setExit(await subjectsGetAction(io, id, c.optsWithGlobals())));
  media(
    subjects
      .command('update')
      .description('edit a subject (free): what is given replaces (--image replaces every image)')
      .argument('<id>', 'the subject id')
      .option('--name <name>', 'new name')
      .option('--style <text>', 'style (up to 100 characters)')
      .option('--description <text>', 'description (up to 2000 characters)'),
  ).action(async (id: string, _opts, c: Command) => setExit(await subjectsUpdateAction(io, id, c.optsWithGlobals())));
}
