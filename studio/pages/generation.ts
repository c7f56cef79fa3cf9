import { api, ApiError, follow } from '../api';
import { el, fill } from '../dom';
import type { Page } from '../page';
import { failureWords, phaseWords } from '../words';
import { player, type LinkedMedia } from './media';

// One generation: its inputs, the timeline of its steps, status live over the event stream, the
// results playing from the archive through the API, a failure in plain words, Cancel, and the
// follow-ups that exist (extend, upscale, by reference) as pre-filled new-generation forms.

type J = Record<string, any>;
export interface Detail {
  generation: J;
  media: LinkedMedia[];
  timeline: Array<{ step: string; at: string; outcome: string }>;
  input?: J;
  /** Signed links to its image inputs: the key's own staged files and http(s) URLs (api/studio/input-images.ts). */
  inputImages?: Array<{ field: string; ref: string; url: string }>;
  storyboards?: J[];
}

/**
 * One generation's detail for the caller's key, or undefined after showing why not in `root`
 * (a generation of another key answers 404, like one that does not exist).
 */
export async function loadDetail(
  root: HTMLElement,
  id: string,
  title: string,
  notFound: string,
): Promise<Detail | undefined> {
  try {
    return await api<Detail>('GET', `/studio/api/generations/${encodeURIComponent(id)}`);
  } catch (err) {
    fill(
      root,
      el('h1', {}, title),
      el(
        'p',
        { class: 'error', role: 'alert' },
        err instanceof ApiError && err.status === 404 ? notFound : (err as Error).message,
      ),
    );
    return undefined;
  }
}

export function statusBlock(g: J): HTMLElement {
  const s = (g.status ?? {}) as J;
  const progress = typeof s.progress === 'number' ? s.progress : g.execution === 'succeeded' ? 100 : 0;
  return el(
    'dl',
    { class: 'status', id: 'status', 'data-execution': g.execution, 'data-phase': s.phase ?? '' },
    el('dt', {}, 'Execution'),
    el('dd', { id: 'execution' }, g.execution),
    el('dt', {}, 'Phase'),
    el('dd', {}, phaseWords(s.phase ?? g.execution)),
    el('dt', {}, 'Vidu state'),
    el('dd', {}, s.state ?? ''),
    el('dt', {}, 'Progress'),
    el('dd', {}, el('progress', { max: 100, value: progress, 'aria-label': 'progress' }, `${progress}%`)),
    el('dt', {}, 'Credits'),
    el('dd', {}, s.credits ?? g.result?.credits ?? ''),
  );
}

function inputsBlock(input: J | undefined, images: NonNullable<Detail['inputImages']>): HTMLElement | null {
  const request = input?.request as J | undefined;
  if (!request) return null;
  return el(
    'section',
    { 'aria-labelledby': 'inputs-h' },
    el('h2', { id: 'inputs-h' }, 'Inputs'),
    el(
      'dl',
      { class: 'inputs' },
      ...Object.entries(request).flatMap(([k, v]) => [
        el('dt', {}, k),
        el(
          'dd',
          { class: 'prompt' },
          typeof v === 'string' ? v : JSON.stringify(v),
          ...images
            .filter((image) => image.field === k)
            .map((image) =>
              el('img', { class: 'input-thumb', src: image.url, alt: `${k}: ${image.ref}`, loading: 'lazy' }),
            ),
        ),
      ]),
    ),
  );
}

function followUps(id: string, g: J, media: LinkedMedia[]): HTMLElement | null {
  const creation = (g.result?.creations ?? [])[0] as J | undefined;
  if (g.execution !== 'succeeded' || !creation?.id) return null;
  const ref = `vidu-flow:${id}/${creation.id}`;
  const video = media.some((m) => m.role === 'video');
  const links: HTMLElement[] = [];
  const go = (kind: string, field: string, text: string) =>
    links.push(el('a', { class: 'button', href: `#/new/${kind}?${new URLSearchParams({ [field]: ref })}` }, text));
  if (video) {
    go('extend', 'video_url', 'Extend');
    go('upscale', 'video_url', 'Upscale');
    go('reference2video', 'videos', 'New video by reference');
  } else if (media.some((m) => m.role === 'image')) go('reference2video', 'images', 'New video from this image');
  return links.length
    ? el(
        'section',
        { 'aria-labelledby': 'follow-h' },
        el('h2', { id: 'follow-h' }, 'Follow-ups'),
        el('p', { class: 'actions' }, ...links),
      )
    : null;
}

export function timelineBlock(timeline: Detail['timeline']): HTMLElement {
  return el(
    'section',
    { 'aria-labelledby': 'timeline-h' },
    el('h2', { id: 'timeline-h' }, 'Timeline'),
    el(
      'ol',
      { class: 'timeline' },
      ...timeline.map((t) =>
        el('li', {}, el('time', { datetime: t.at }, new Date(t.at).toLocaleTimeString()), ` ${t.step}: ${t.outcome}`),
      ),
    ),
  );
}

export const generationPage: Page = async (root, _params, path) => {
  const id = path[0] ?? '';
  const abort = new AbortController();
  const render = async () => {
    const d = await loadDetail(root, id, 'Generation', 'No such generation for this key.');
    if (!d) return false;
    const g = d.generation;
    const cancel =
      g.execution === 'running'
        ? el(
            'button',
            {
              type: 'button',
              id: 'cancel',
              on: {
                click: async (e) => {
                  (e.target as HTMLButtonElement).disabled = true;
                  await api('POST', `/v1/generations/${encodeURIComponent(id)}/cancel`).catch(
                    (err: Error) => (document.getElementById('page-error')!.textContent = err.message),
                  );
                },
              },
            },
            'Cancel',
          )
        : null;
    fill(
      root,
      el('h1', {}, g.kind === 'adFilm' ? 'AD film' : g.kind === 'musicVideo' ? 'Music video' : 'Generation'),
      el(
        'p',
        { class: 'id' },
        el('code', {}, id),
        ' · ',
        g.kind,
        g.kind === 'adFilm' || g.kind === 'musicVideo'
          ? el('a', { href: `#/review/${encodeURIComponent(id)}`, class: 'button' }, 'Review')
          : null,
      ),
      statusBlock(g),
      cancel,
      el('p', { class: 'error', id: 'page-error', role: 'alert' }),
      g.failure ? el('p', { class: 'error failure', role: 'alert' }, failureWords(g.failure)) : null,
      d.media.length
        ? el(
            'section',
            { 'aria-labelledby': 'results-h' },
            el('h2', { id: 'results-h' }, 'Results'),
            el('div', { class: 'results' }, ...d.media.map((m) => player(m, `${m.role} of ${id}`))),
          )
        : null,
      followUps(id, g, d.media),
      inputsBlock(d.input, d.inputImages ?? []),
      timelineBlock(d.timeline),
    );
    return g.execution === 'running';
  };
  if (await render()) {
    void follow(
      id,
      (e) => {
        if (e.event === 'status') {
          const current = document.getElementById('status');
          const g = { execution: (e.data as J).execution, status: (e.data as J).status };
          current?.replaceWith(statusBlock(g));
        } else if (e.event === 'result') void render();
      },
      abort.signal,
    );
  }
  return () => abort.abort();
};
