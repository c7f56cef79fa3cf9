import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createGuardedFetch } from '../../platform/net/guarded-fetch';
import { storyboardsQuery } from '../../core/workflow-messages';
import { ViduCredits, ViduKind, ViduModel, ViduOffPeak, ViduState } from '../../core/search-attributes';
import { executionOf, queryStatus, readGeneration } from '../../platform/generation-view';
import { ownedGeneration } from '../ownership';
import { problem } from '../problem';
import type { ApiDeps, Guard } from '../deps';
import { generationListing } from '../generation-list';
import { archiveReader, parseRange, type ArchiveReader } from './archive-reader';
import { studioAssets } from './assets';
import { studioForms } from './forms';
import { IMAGE_TYPES, inputImagesOf, isShownImage } from './input-images';
import { mediaFilesOf, playableType, type MediaFile } from './media-files';
import { mediaQuery, signMedia, verifyMedia } from './media-token';
import { MEDIA_CSP, studioHeaders, studioHtml } from './page';
import { readHistory } from './timeline';

// The web studio (issue 21): GET /studio/ (the page and its two assets, no key needed: they hold
// nothing), a few read-only JSON routes the page needs beyond /v1 (behind the same front door,
// scope `read`), and the media routes a <video>/<img> loads through short-lived signed links
// (./media-token.ts). Everything that changes something (start, upload, cancel, edits, approve)
// is the page calling the existing /v1 routes with its key in the Authorization header.

export interface StudioDeps extends Pick<ApiDeps, 'client' | 'keys' | 'privateUrls' | 'presign'> {
  archive?: ArchiveReader;
}

/** Running rows whose status is asked per list request (one query each); the rest show their search attributes. */
const LIST_STATUS_QUERIES = 12;
/** Finished results read for thumbnails are remembered (a result never changes once closed). */
const MEDIA_CACHE_ENTRIES = 2000;

export function registerStudio(app: FastifyInstance, guard: Guard, deps: StudioDeps): void {
  const archive = deps.archive ?? archiveReader();
  const guardedFetch = createGuardedFetch({ policy: deps.privateUrls });
  const mediaCache = new Map<string, MediaFile[]>();
  const filesOf = async (id: string): Promise<MediaFile[]> => {
    const hit = mediaCache.get(id);
    if (hit) return hit;
    const files = mediaFilesOf(await deps.client.temporal.workflow.getHandle(id).result());
    if (mediaCache.size >= MEDIA_CACHE_ENTRIES) mediaCache.delete(mediaCache.keys().next().value!);
    mediaCache.set(id, files);
    return files;
  };
  const linked = (req: FastifyRequest, id: string, files: MediaFile[]) =>
    files
      .filter((f) => playableType(f.contentType))
      .map((f) => ({
        n: f.n,
        name: f.name,
        role: f.role,
        contentType: f.contentType,
        ...(f.bytes !== undefined ? { bytes: f.bytes } : {}),
        url: `/studio/media/${encodeURIComponent(id)}/file/${f.n}?${mediaQuery(signMedia(req.apiKey!, `${id}/file/${f.n}`))}`,
      }));

  app.get('/studio', { config: { public: true } }, async (_req, reply) => studioHeaders(reply).redirect('/studio/'));
  app.get('/studio/', { config: { public: true } }, async (_req, reply) => {
    const [script, style] = await studioAssets();
    return studioHeaders(reply)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(studioHtml({ script: `/studio/assets/${script!.name}`, style: `/studio/assets/${style!.name}` }));
  });
  app.get<{ Params: { name: string } }>('/studio/assets/:name', { config: { public: true } }, async (req, reply) => {
    const asset = (await studioAssets()).find((a) => a.name === req.params.name);
    if (!asset) throw problem(404, 'not-found', 'no such studio asset');
    return studioHeaders(reply)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .type(asset.contentType)
      .send(asset.body);
  });

  app.get('/studio/api/me', { preHandler: guard('read') }, async (req) => ({
    name: req.apiKey!.name,
    scopes: req.apiKey!.scopes,
  }));
  app.get('/studio/api/forms', { preHandler: guard('read') }, async () => ({ forms: studioForms() }));

  // The list page: what GET /v1/generations answers, plus the model, credits and off-peak search
  // attributes, the live status of running rows (phase, progress; a batch's line counts) and a
  // signed thumbnail of each finished result's cover.
  app.get('/studio/api/generations', { preHandler: guard('read') }, async (req) => {
    const q = generationListing(req);
    const rows: Array<Record<string, unknown> & { id: string; execution: string }> = [];
    for await (const wf of deps.client.temporal.workflow.list({ query: q.query, pageSize: q.limit })) {
      if (rows.length >= q.limit) break;
      const sa = wf.typedSearchAttributes;
      rows.push({
        id: wf.workflowId,
        kind: sa.get(ViduKind) ?? wf.type,
        execution: executionOf(wf.status.name),
        createdAt: wf.startTime.toISOString(),
        ...(wf.closeTime ? { closedAt: wf.closeTime.toISOString() } : {}),
        ...(sa.get(ViduState) ? { state: sa.get(ViduState) } : {}),
        ...(sa.get(ViduModel) ? { model: sa.get(ViduModel) } : {}),
        ...(sa.get(ViduCredits) !== undefined ? { credits: sa.get(ViduCredits) } : {}),
        ...(sa.get(ViduOffPeak) ? { offPeak: true } : {}),
      });
    }
    await Promise.all(
      rows.map(async (row, i) => {
        if (row.execution === 'running' && i < LIST_STATUS_QUERIES) {
          const status = await queryStatus(deps.client.temporal, row.id, 2000);
          if (status) row.status = status;
        } else if (row.execution === 'succeeded') {
          const files = await filesOf(row.id).catch(() => []);
          const thumb = linked(req, row.id, files).find((f) => f.role === 'cover' || f.role === 'image');
          if (thumb) row.thumbnail = thumb.url;
        }
      }),
    );
    return { items: rows };
  });

  // One generation as GET /v1/generations/{id} shows it, with signed links to its archived media,
  // the timeline of its steps (from its history), and an AD film's storyboards while it runs.
  app.get<{ Params: { id: string } }>('/studio/api/generations/:id', { preHandler: guard('read') }, async (req) => {
    const id = req.params.id;
    const owned = await ownedGeneration(deps.client, req, id);
    const generation = await readGeneration(deps.client.temporal, id, {
      ...(deps.presign ? { presign: deps.presign } : {}),
    });
    const media = generation.execution === 'succeeded' ? linked(req, id, await filesOf(id)) : [];
    const { timeline, input } = await readHistory(deps.client.temporal, id).catch(() => ({
      timeline: [],
      input: undefined,
    }));
    let storyboards: unknown[] | undefined;
    // A music video runs on the AD film's workflow: the same storyboards query.
    if ((owned.kind === 'adFilm' || owned.kind === 'musicVideo') && owned.running) {
      const views = await deps.client
        .getAdFilmHandle(id)
        .workflow.query(storyboardsQuery)
        .catch(() => undefined);
      storyboards = views?.map((s) => ({
        index: s.index,
        prompt: s.prompt,
        state: s.state,
        edits: s.edits,
        ...(s.lastEdit ? { lastEdit: s.lastEdit } : {}),
        subTaskId: s.subTaskId,
        ...(s.mediaUrl
          ? {
              url: `/studio/media/${encodeURIComponent(id)}/storyboard/${s.index}?${mediaQuery(signMedia(req.apiKey!, `${id}/storyboard/${s.index}#${s.subTaskId}`))}&t=${encodeURIComponent(s.subTaskId)}`,
            }
          : {}),
      }));
    }
    // Thumbnails of its image inputs: the key's own staged files and http(s) URLs, by signed link.
    const inputImages = inputImagesOf(
      (input as { request?: unknown } | undefined)?.request,
      `key-${req.apiKey!.id}`,
    ).map(({ field, ref }) => ({
      field,
      ref,
      url: `/studio/media/${encodeURIComponent(id)}/input?${mediaQuery(signMedia(req.apiKey!, `${id}/input#${ref}`))}&r=${encodeURIComponent(ref)}`,
    }));
    return {
      generation,
      media,
      timeline,
      inputImages,
      ...(input ? { input } : {}),
      ...(storyboards ? { storyboards } : {}),
    };
  });

  // An archived file, by signed link. Not yours, expired, forged or absent: the same 404.
  app.get<{ Params: { id: string; n: string } }>(
    '/studio/media/:id/file/:n',
    { config: { public: true } },
    async (req, reply) => {
      const { id, n } = req.params;
      const key = /^\d{1,4}$/.test(n)
        ? verifyMedia(deps.keys(), `${id}/file/${n}`, req.query as Record<string, unknown>)
        : undefined;
      if (!key) throw mediaNotFound();
      req.apiKey = key;
      await ownedGeneration(deps.client, req, id).catch(() => {
        throw mediaNotFound();
      });
      const file = (await filesOf(id).catch(() => [])).find((f) => f.n === Number(n));
      if (!file || !playableType(file.contentType)) throw mediaNotFound();
      const opened = await archive.open(file.location, (size) => parseRange(req.headers.range, size));
      if (opened === 'unsatisfiable') return studioHeaders(reply, MEDIA_CSP).code(416).send();
      if (!opened) throw mediaNotFound();
      studioHeaders(reply, MEDIA_CSP)
        .header('accept-ranges', 'bytes')
        .header('cache-control', 'private, max-age=600')
        .type(file.contentType);
      if (opened.range) {
        reply
          .code(206)
          .header('content-range', `bytes ${opened.range.start}-${opened.range.end}/${opened.size}`)
          .header('content-length', String(opened.range.end - opened.range.start + 1));
      } else reply.header('content-length', String(opened.size));
      return reply.send(opened.body instanceof Readable ? opened.body : Readable.from(opened.body));
    },
  );

  // An image input of a generation, by signed link: a staged file of the key that signed (the owner
  // in the reference must be that key; the store is read only then), or an http(s) URL fetched by
  // the API through the download guard. Anything else, or not yours: the same 404.
  app.get<{ Params: { id: string }; Querystring: { r?: string } }>(
    '/studio/media/:id/input',
    { config: { public: true } },
    async (req, reply) => {
      const { id } = req.params;
      const ref = typeof req.query.r === 'string' ? req.query.r : '';
      const key = ref
        ? verifyMedia(deps.keys(), `${id}/input#${ref}`, req.query as Record<string, unknown>)
        : undefined;
      if (!key || !isShownImage(ref, `key-${key.id}`)) throw mediaNotFound();
      req.apiKey = key;
      await ownedGeneration(deps.client, req, id).catch(() => {
        throw mediaNotFound();
      });
      if (ref.startsWith('staged:')) {
        const bytes = await deps.client.staging.get(ref).catch(() => undefined);
        const type = IMAGE_TYPES[ref.slice(ref.lastIndexOf('.') + 1).toLowerCase()];
        if (!bytes || !type) throw mediaNotFound();
        studioHeaders(reply, MEDIA_CSP).header('cache-control', 'private, max-age=600').type(type);
        return reply.send(bytes);
      }
      const upstream = await guardedFetch(ref).catch(() => undefined);
      const type = upstream?.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
      if (!upstream || !upstream.ok || !upstream.body || !Object.values(IMAGE_TYPES).includes(type))
        throw mediaNotFound();
      studioHeaders(reply, MEDIA_CSP).type(type).header('cache-control', 'private, max-age=300');
      const length = upstream.headers.get('content-length');
      if (length) reply.header('content-length', length);
      return reply.send(Readable.fromWeb(upstream.body as import('node:stream/web').ReadableStream));
    },
  );

  // A storyboard of an AD film in review, not archived yet: fetched from Vidu's (expiring) URL by
  // the API through the download guard (VIDU_FLOW_ALLOW_PRIVATE_URLS), never shown to the browser.
  app.get<{ Params: { id: string; index: string }; Querystring: { t?: string } }>(
    '/studio/media/:id/storyboard/:index',
    { config: { public: true } },
    async (req, reply) => {
      const { id, index } = req.params;
      const subTask = typeof req.query.t === 'string' ? req.query.t : '';
      const key = /^\d{1,3}$/.test(index)
        ? verifyMedia(deps.keys(), `${id}/storyboard/${index}#${subTask}`, req.query as Record<string, unknown>)
        : undefined;
      if (!key) throw mediaNotFound();
      req.apiKey = key;
      const owned = await ownedGeneration(deps.client, req, id).catch(() => {
        throw mediaNotFound();
      });
      if ((owned.kind !== 'adFilm' && owned.kind !== 'musicVideo') || !owned.running) throw mediaNotFound();
      const views = await deps.client.getAdFilmHandle(id).workflow.query(storyboardsQuery);
      const view = views.find((s) => s.index === Number(index) && s.subTaskId === subTask);
      if (!view?.mediaUrl || !/^https?:\/\//.test(view.mediaUrl)) throw mediaNotFound();
      const upstream = await guardedFetch(view.mediaUrl, {
        headers: req.headers.range ? { range: req.headers.range } : {},
      }).catch(() => undefined);
      const type = upstream?.headers.get('content-type') ?? '';
      if (!upstream || !upstream.ok || !upstream.body || !playableType(type))
        throw problem(502, 'storyboard-unavailable', 'the storyboard could not be fetched from Vidu');
      studioHeaders(reply, MEDIA_CSP).code(upstream.status).type(type).header('cache-control', 'private, max-age=300');
      for (const h of ['content-length', 'content-range', 'accept-ranges']) {
        const v = upstream.headers.get(h);
        if (v) reply.header(h, v);
      }
      return reply.send(Readable.fromWeb(upstream.body as import('node:stream/web').ReadableStream));
    },
  );
}

function mediaNotFound() {
  return problem(404, 'not-found', 'no such media, or the link has expired: reload the page');
}
