import { api, ApiError, follow } from '../api';
import { el, fill } from '../dom';
import type { Page } from '../page';
import { failureWords, phaseWords } from '../words';
import { loadDetail, statusBlock } from './generation';
import { player } from './media';

// AD-film review: the storyboards as a grid of clips (fetched by the API from Vidu while the film
// is in review, through signed links) with their prompts; an edit per storyboard (a new prompt),
// new narration text or a new BGM prompt (the requestEdits update, POST /v1/ad-films/{id}/edits);
// approve to compose (POST /v1/ad-films/{id}/approve); the composed film plays once archived.
// Live: the event stream's status (phase, edits running); the grid is read again when it changes.

type J = Record<string, any>;

export const reviewPage: Page = async (root, _params, path) => {
  const id = path[0] ?? '';
  const abort = new AbortController();
  const message = el('p', { class: 'notice', id: 'review-message', role: 'status' });
  const error = el('p', { class: 'error', id: 'review-error', role: 'alert' });
  let lastShape = '';

  const edit = async (edits: J[], what: string) => {
    error.textContent = '';
    try {
      await api('POST', `/v1/ad-films/${encodeURIComponent(id)}/edits`, { edits });
      message.textContent = `${what} requested; it runs now and the grid updates when it is done.`;
      void render();
    } catch (err) {
      error.textContent =
        err instanceof ApiError && err.errors.length
          ? err.errors.map((e) => `${e.field}: ${e.message}`).join('; ')
          : (err as Error).message;
    }
  };

  const board = (s: J) => {
    const promptId = `edit-${s.index}`;
    const area = el('textarea', { id: promptId, rows: 2, name: promptId });
    return el(
      'figure',
      { class: 'storyboard', 'data-index': s.index, 'data-subtask': s.subTaskId, 'data-state': s.state },
      s.url
        ? el('video', {
            src: s.url,
            controls: true,
            preload: 'metadata',
            muted: true,
            'aria-label': `storyboard ${s.index + 1}`,
          })
        : el('div', { class: 'placeholder' }, s.state),
      el(
        'figcaption',
        {},
        el('strong', {}, `Storyboard ${s.index + 1}`),
        ' ',
        el('span', { class: 'prompt' }, s.prompt),
        s.edits ? el('span', { class: 'hint' }, ` · ${s.edits} edit(s), last ${s.lastEdit ?? ''}`) : null,
      ),
      el('label', { for: promptId }, 'New prompt for this storyboard'),
      area,
      el(
        'button',
        {
          type: 'button',
          class: 'edit',
          on: {
            click: () =>
              area.value.trim() &&
              void edit(
                [{ type: 'video', storyboard: s.index, prompt: area.value.trim() }],
                `Storyboard ${s.index + 1}`,
              ),
          },
        },
        'Request edit',
      ),
    );
  };

  const render = async (): Promise<boolean> => {
    const d = await loadDetail(root, id, 'AD-film review', 'No such AD film for this key.');
    if (!d) return false;
    const g = d.generation;
    const s = (g.status ?? {}) as J;
    lastShape = JSON.stringify([
      s.phase,
      s.editsRunning,
      (s.edits ?? []).length,
      (d.storyboards ?? []).map((b) => b.subTaskId),
    ]);
    const narration = el('textarea', { id: 'narration', rows: 2 });
    const bgm = el('textarea', { id: 'bgm', rows: 2 });
    const reviewing = g.execution === 'running' && !s.approved;
    fill(
      root,
      el('h1', {}, g.kind === 'musicVideo' ? 'Music-video review' : 'AD-film review'),
      el(
        'p',
        { class: 'id' },
        el('code', {}, id),
        ' · ',
        el('a', { href: `#/g/${encodeURIComponent(id)}` }, 'details'),
      ),
      statusBlock(g),
      message,
      error,
      g.failure ? el('p', { class: 'error failure', role: 'alert' }, failureWords(g.failure)) : null,
      d.media.length
        ? el(
            'section',
            { 'aria-labelledby': 'film-h' },
            el('h2', { id: 'film-h' }, 'The composed film'),
            el(
              'div',
              { class: 'results' },
              ...d.media.filter((m) => m.role === 'video').map((m) => player(m, 'the composed film')),
            ),
          )
        : null,
      d.storyboards
        ? el(
            'section',
            { 'aria-labelledby': 'boards-h' },
            el('h2', { id: 'boards-h' }, 'Storyboards'),
            el('div', { class: 'grid' }, ...d.storyboards.map(board)),
          )
        : null,
      // A music video has no narration or BGM of its own (its music is the caller's audio).
      reviewing && g.kind !== 'musicVideo'
        ? el(
            'section',
            { 'aria-labelledby': 'sound-h', class: 'card' },
            el('h2', { id: 'sound-h' }, 'Narration and music'),
            el('label', { for: 'narration' }, 'New narration text'),
            narration,
            el(
              'button',
              {
                type: 'button',
                on: {
                  click: () =>
                    narration.value.trim() &&
                    void edit([{ type: 'narration', text: narration.value.trim() }], 'New narration'),
                },
              },
              'Regenerate narration',
            ),
            el('label', { for: 'bgm' }, 'New background-music prompt'),
            bgm,
            el(
              'button',
              {
                type: 'button',
                on: {
                  click: () => bgm.value.trim() && void edit([{ type: 'bgm', prompt: bgm.value.trim() }], 'New music'),
                },
              },
              'Regenerate music',
            ),
          )
        : null,
      (s.edits ?? []).length
        ? el(
            'section',
            { 'aria-labelledby': 'edits-h' },
            el('h2', { id: 'edits-h' }, 'Edits'),
            el(
              'ol',
              {},
              ...(s.edits as J[]).map((e) =>
                el(
                  'li',
                  {},
                  `${e.edit?.type}${e.edit?.storyboard !== undefined ? ` ${e.edit.storyboard + 1}` : ''}: ${e.state}${e.message ? ` — ${e.message}` : ''}`,
                ),
              ),
            ),
          )
        : null,
      reviewing
        ? el(
            'button',
            {
              type: 'button',
              id: 'approve',
              disabled: s.phase !== 'reviewing' || s.editsRunning > 0,
              on: {
                click: async () => {
                  try {
                    await api('POST', `/v1/ad-films/${encodeURIComponent(id)}/approve`);
                    message.textContent = 'Approved: the film is being composed.';
                  } catch (err) {
                    error.textContent = (err as Error).message;
                  }
                },
              },
            },
            'Approve and compose',
          )
        : null,
      el('p', { class: 'hint' }, phaseWords(s.phase)),
    );
    return g.execution === 'running';
  };

  if (await render()) {
    void follow(
      id,
      (e) => {
        if (e.event === 'result') return void render();
        const s = ((e.data as J).status ?? {}) as J;
        const shape = JSON.stringify([s.phase, s.editsRunning, (s.edits ?? []).length]);
        if (!lastShape.startsWith(shape.slice(0, -1))) void render();
        else
          document
            .getElementById('status')
            ?.replaceWith(statusBlock({ execution: (e.data as J).execution, status: s }));
      },
      abort.signal,
    );
  }
  return () => abort.abort();
};
