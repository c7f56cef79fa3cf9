/**
 * The subject library (docs/vidu-api-subjects.md §1): POST /ent/v2/subjects (synchronous, 5
 * credits), GET /ent/v2/subjects (list, `subject_ids` to get), PUT /ent/v2/subjects/{id} (free).
 * No DELETE and no GET by id are documented, so neither route exists here (404 like any unknown
 * route, docs/vidu-api-subjects.md §1.4).
 */
import type { FastifyInstance } from 'fastify';
import {
  MAX_SUBJECT_PAGE,
  SUBJECT_IMAGE_LIMIT,
  SUBJECT_VIDEO_LIMIT,
  SubjectCreateRequest,
  SubjectListQuery,
  SubjectUpdateRequest,
} from '../../vidu/schemas';
import type { SimContext } from '../context';
import { ViduHttpError } from '../http-errors';
import { checkMediaInputs, type MediaInput } from '../inputs';
import type { SimSubject } from '../store';
import { parseRequest } from '../validation';

/** docs/vidu-api-subjects.md §1.1 [3P]: 5 credits per create; edits are free. */
export const SUBJECT_CREATE_CREDITS = 5;
const DEFAULT_PAGE = 20;

const mediaOf = (images: string[] | undefined, videos: string[] | undefined): MediaInput[] => [
  ...(images ?? []).map((value, i) => ({ path: `images[${i}]`, value, limit: SUBJECT_IMAGE_LIMIT })),
  ...(videos ?? []).map((value, i) => ({ path: `videos[${i}]`, value, limit: SUBJECT_VIDEO_LIMIT })),
];

/** Repeated query keys arrive as an array, a single one as a string; the schema wants the array. */
function listQueryOf(raw: unknown): unknown {
  const q = { ...(raw as Record<string, unknown>) };
  const ids = q.subject_ids;
  if (typeof ids === 'string') q.subject_ids = ids.split(',').filter((s) => s !== '');
  return q;
}

export function registerSubjectRoutes(app: FastifyInstance, ctx: SimContext): void {
  const fetchOpts = { timeoutMs: ctx.config.fetchTimeoutMs, maxBytes: ctx.config.fetchMaxBytes };
  const config = { config: { endpoint: 'subjects' as const } };

  app.post('/ent/v2/subjects', config, async (req) => {
    const r = parseRequest(SubjectCreateRequest, req.body);
    await checkMediaInputs(mediaOf(r.images, r.videos), fetchOpts);
    if (!ctx.ledger.canAfford(SUBJECT_CREATE_CREDITS)) {
      throw new ViduHttpError(
        'CreditInsufficient',
        `a subject costs ${SUBJECT_CREATE_CREDITS} credits; the balance is ${ctx.ledger.balance}`,
      );
    }
    ctx.ledger.balance -= SUBJECT_CREATE_CREDITS;
    ctx.ledger.spent += SUBJECT_CREATE_CREDITS;
    const subject: SimSubject = {
      id: ctx.ids.next(),
      name: r.name,
      images: r.images ?? [],
      videos: r.videos ?? [],
      voice_id: r.voice_id ?? '',
      style: '',
      description: '',
    };
    ctx.store.subjects.set(subject.id, subject);
    return { ...subject, credits: SUBJECT_CREATE_CREDITS };
  });

  app.get('/ent/v2/subjects', config, (req) => {
    const q = parseRequest(SubjectListQuery, listQueryOf(req.query ?? {}));
    // The sim holds no official subjects: `system` lists nothing.
    const all = q.ownership === 'system' ? [] : [...ctx.store.subjects.values()];
    const wanted = q.subject_ids === undefined ? all : all.filter((s) => q.subject_ids!.includes(s.id));
    // The page token is the index of the next subject ([INF]: Vidu's tokens are opaque).
    const start = q.next_page_token === undefined ? 0 : Number.parseInt(q.next_page_token, 10);
    if (!Number.isInteger(start) || start < 0)
      throw new ViduHttpError('FieldInvalid', 'next_page_token: unknown token');
    const size = Math.min(q.count ?? DEFAULT_PAGE, MAX_SUBJECT_PAGE);
    const page = wanted.slice(start, start + size);
    const next = start + size < wanted.length ? String(start + size) : '';
    return { subjects: page, next_page_token: next, count: page.length };
  });

  app.put<{ Params: { id: string } }>('/ent/v2/subjects/:id', config, async (req) => {
    const r = parseRequest(SubjectUpdateRequest, req.body);
    if (r.id !== req.params.id) {
      throw new ViduHttpError('FieldInvalid', `id: ${JSON.stringify(r.id)} does not repeat the path id`);
    }
    const subject = ctx.store.subjects.get(r.id);
    if (!subject) throw new ViduHttpError('NotFound', `subject ${r.id} not found`);
    // docs/vidu-api-subjects.md §1.3: videos only on a subject created with a video.
    if (r.videos !== undefined && subject.videos.length === 0) {
      throw new ViduHttpError('FieldInvalid', 'videos: this subject was created without a video');
    }
    await checkMediaInputs(mediaOf(r.images, r.videos), fetchOpts);
    if (r.name !== undefined) subject.name = r.name;
    if (r.images !== undefined) subject.images = r.images;
    if (r.videos !== undefined) subject.videos = r.videos;
    if (r.style !== undefined) subject.style = r.style;
    if (r.description !== undefined) subject.description = r.description;
    if (r.voice_id !== undefined) subject.voice_id = r.voice_id;
    const { id, name, style, description, voice_id } = subject;
    return { id, name, style, description, voice_id };
  });
}
