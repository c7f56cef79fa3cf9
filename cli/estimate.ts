// `vidu-flow estimate <kind> …`, `estimate ad-film …`, `estimate batch <file>`: the price before
// submission, with the same flags as the start commands. Nothing is started and Temporal is not
// contacted; the prices are the registry's with VIDU_FLOW_PRICES_FILE over them. Exit 0 when all
// is priced, 1 when something could not be priced (it is listed), 2 on bad flags or a bad file.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../client/index';
import {
  estimateAdFilmInput,
  estimateBatchText,
  estimateGeneration,
  estimateMusicVideoInput,
  type Estimate,
  type EstimateTotal,
} from '../client/estimate';
import type { GenerationKind } from '../core/generation-types';
import { priceSourceFromEnv } from '../platform/prices/prices-file';
import { isLocalPath } from '../contract/local-path';
import { probeFile } from '../vidu/media/probe-file';
import type { PriceFacts, PriceTable } from '../vidu/prices';
import { prepareAdFilm, type AdFilmFlags } from './ad-film-args';
import { prepareMusicVideo, type MusicVideoFlags } from './music-video';
import { prepareStart, type GenerateFlags } from './args';
import { type CliIO, err, EXIT, json, out, type OutputFlags, planOrReport, printUsageIssues } from './io';

function pricesOrReport(io: CliIO): PriceTable | undefined {
  try {
    return priceSourceFromEnv(process.env).table();
  } catch (e) {
    if (e instanceof ConfigError) {
      printUsageIssues(io, e.problems, 'nothing was estimated');
      return undefined;
    }
    throw e;
  }
}

/** A local source video (upscale, lip-sync) is read here for its length, as the worker's stage activity will. */
async function localFacts(request: Record<string, unknown>): Promise<PriceFacts | undefined> {
  const video = request.video_url;
  if (typeof video !== 'string' || !isLocalPath(video)) return undefined;
  try {
    const probe = await probeFile(video, (await stat(video)).size);
    return probe.durationSeconds !== undefined ? { sourceSeconds: probe.durationSeconds } : undefined;
  } catch {
    return undefined; // the estimate says the length is unknown; the start command reports the file
  }
}

function printEstimate(io: CliIO, e: Estimate, flags: OutputFlags): number {
  if (flags.json) json(io, e);
  else if (e.unpriced !== undefined) out(io, `estimate: not priced: ${e.unpriced}`);
  else out(io, `estimate: ${e.credits} credits\n  ${e.basis}`);
  return e.unpriced === undefined ? EXIT.ok : EXIT.failed;
}

function printTotal(io: CliIO, t: EstimateTotal, what: string, flags: OutputFlags): number {
  if (flags.json) json(io, t);
  else {
    const priced = t.lines.length - t.unpriced.length;
    const lines = [`estimate: ${t.credits} credits for ${what} (${priced} of ${t.lines.length} priced)`];
    const models = Object.entries(t.byModel).sort(([a], [b]) => a.localeCompare(b));
    if (models.length > 0) {
      const width = Math.max(...models.map(([m]) => m.length));
      lines.push('by model:', ...models.map(([m, c]) => `  ${m.padEnd(width)}  ${c}`));
    }
    if (t.unpriced.length > 0)
      lines.push('could not be priced (left out of the total):', ...t.unpriced.map((u) => `  ${u.label}: ${u.reason}`));
    out(io, lines.join('\n'));
  }
  return t.unpriced.length === 0 ? EXIT.ok : EXIT.failed;
}

export async function estimateKindAction(
  io: CliIO,
  kind: GenerationKind,
  flags: GenerateFlags & OutputFlags,
): Promise<number> {
  const plan = planOrReport(io, () => prepareStart(kind, flags, { cwd: io.cwd, readFile: io.readFile }));
  if (!plan) return EXIT.usage;
  const table = pricesOrReport(io);
  if (!table) return EXIT.usage;
  return printEstimate(
    io,
    estimateGeneration(plan.kind, plan.input, table, await localFacts(plan.input.request)),
    flags,
  );
}

export function estimateAdFilmAction(io: CliIO, flags: AdFilmFlags & OutputFlags): number {
  const plan = planOrReport(io, () => prepareAdFilm(flags, { cwd: io.cwd, readFile: io.readFile }));
  if (!plan) return EXIT.usage;
  const table = pricesOrReport(io);
  if (!table) return EXIT.usage;
  return printTotal(io, estimateAdFilmInput(plan.input, table), 'the AD film (create, edits, compose)', flags);
}

/** `estimate music-video`: a local song is read, so lip sync is priced on its real length. */
export async function estimateMusicVideoAction(io: CliIO, flags: MusicVideoFlags & OutputFlags): Promise<number> {
  const plan = planOrReport(io, () => prepareMusicVideo(flags, { cwd: io.cwd, readFile: io.readFile }));
  if (!plan) return EXIT.usage;
  const table = pricesOrReport(io);
  if (!table) return EXIT.usage;
  const audio = plan.input.request.audio_url;
  let facts: PriceFacts | undefined;
  if (typeof audio === 'string' && isLocalPath(audio)) {
    const probe = await probeFile(audio, (await stat(audio)).size).catch(() => undefined);
    if (probe?.durationSeconds !== undefined) facts = { audioSeconds: probe.durationSeconds };
  }
  return printTotal(
    io,
    estimateMusicVideoInput(plan.input, table, facts),
    'the music video (create, edits, compose)',
    flags,
  );
}

export function estimateBatchAction(io: CliIO, fileArg: string, flags: OutputFlags): number {
  const file = path.resolve(io.cwd, fileArg);
  let text: string;
  try {
    text = io.readFile(file);
  } catch (e) {
    err(io, `vidu-flow: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return EXIT.usage;
  }
  const table = pricesOrReport(io);
  if (!table) return EXIT.usage;
  const total = estimateBatchText(text, table, path.dirname(file));
  return printTotal(io, total, `${total.lines.length} line(s) of ${fileArg}`, flags);
}
