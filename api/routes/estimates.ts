import type { FastifyInstance } from 'fastify';
import { checkAdFilmInput } from '../../contract/ad-film-input';
import { checkBatchLine, MAX_HTTP_BATCH_LINES } from '../../contract/batch-input';
import { checkMusicVideoInput } from '../../contract/music-video-input';
import { checkGenerationInput, GENERATION_KINDS } from '../../contract/generation-input';
import type { GenerationKind } from '../../core/generation-types';
import {
  estimateAdFilm,
  estimateCredits,
  estimateMusicVideo,
  generationLine,
  totalOf,
  type EstimateLine,
} from '../../vidu/prices';
import { invalidInput, objectBody, problem } from '../problem';
import type { ApiDeps, Guard } from '../deps';
import { contractErrors } from './starts';

// POST /v1/estimates/{kind} (scope read): the price before submission, from the same table the
// worker records at staging (docs/vidu-pricing.md, VIDU_FLOW_PRICES_FILE). The body is what the
// matching start takes: { request, options } for a generation kind, { request, edits, options }
// for `ad-film` and `music-video`, { lines } for `batch`. Nothing is started, nothing is read from
// the caller's media, so upscale and lip-sync (priced by the source video's length) answer
// `unpriced` here, and a music video's lip-sync surcharge assumes the longest song Vidu takes
// (180 s: the safe reading) where `vidu-flow estimate music-video` reads a local song's length.

const ESTIMATE_KINDS = [...GENERATION_KINDS, 'ad-film', 'music-video', 'batch'] as const;

export function registerEstimates(app: FastifyInstance, guard: Guard, deps: ApiDeps): void {
  app.post<{ Params: { kind: string } }>('/v1/estimates/:kind', { preHandler: guard('read') }, async (req) => {
    const kind = req.params.kind;
    const table = deps.prices?.();
    const t = table ? { table } : {};
    if (kind === 'ad-film') {
      const body = objectBody(req.body, ['request', 'edits', 'options']);
      const errors = contractErrors(checkAdFilmInput(body));
      if (errors.length > 0) throw invalidInput(errors);
      return estimateAdFilm(
        body as { request: Record<string, unknown>; edits?: Array<{ type: 'video' | 'narration' | 'bgm' }> },
        table,
      );
    }
    if (kind === 'music-video') {
      const body = objectBody(req.body, ['request', 'edits', 'options']);
      const errors = contractErrors(checkMusicVideoInput(body));
      if (errors.length > 0) throw invalidInput(errors);
      return estimateMusicVideo(body as { request: Record<string, unknown>; edits?: unknown[] }, table);
    }
    if (kind === 'batch') {
      const body = objectBody(req.body, ['lines', 'options']);
      if (!Array.isArray(body.lines) || body.lines.length === 0 || body.lines.length > MAX_HTTP_BATCH_LINES) {
        throw invalidInput([
          {
            field: 'lines',
            message: `required: 1–${MAX_HTTP_BATCH_LINES} lines, each { "kind", "request", "options" }`,
          },
        ]);
      }
      // An invalid line is one that cannot be priced: listed with its rule, as `vidu-flow estimate batch` does.
      const lines: EstimateLine[] = body.lines.map((line, i) => {
        const label = `line ${i + 1}`;
        const parsed = checkBatchLine(line, { remote: true });
        if (!parsed.ok)
          return {
            label,
            kind: parsed.kind ?? '?',
            model: '*',
            estimate: { credits: 0, basis: 'invalid line', unpriced: `invalid line: ${parsed.message}` },
          };
        return generationLine(label, parsed.kind, parsed.input.request, table);
      });
      return totalOf(lines);
    }
    if (!(GENERATION_KINDS as readonly string[]).includes(kind)) {
      throw problem(404, 'unknown-kind', `unknown kind ${JSON.stringify(kind)}`, {
        errors: [{ field: 'kind', message: `must be one of ${ESTIMATE_KINDS.join(', ')}` }],
      });
    }
    const body = objectBody(req.body, ['request', 'options']);
    const errors = contractErrors(checkGenerationInput(kind as GenerationKind, body));
    if (errors.length > 0) throw invalidInput(errors);
    return estimateCredits(kind as GenerationKind, body.request as Record<string, unknown>, t);
  });
}
