import { api } from '../api';
import { el, fill } from '../dom';
import type { Page } from '../page';
import { ageWords, phaseWords } from '../words';

// Generations of this key, newest first: kind, model, phase, Vidu state and progress, credits,
// age, a thumbnail of the archived cover; filters by state and kind. Live by polling one list
// request (/studio/api/generations, which also asks running rows for their status) every
// LIST_POLL_MS while the tab is visible.

export const LIST_POLL_MS = 3000;
const KINDS = [
  'img2video',
  'reference2video',
  'reference2image',
  'image2dance',
  'text2video',
  'startEnd2video',
  'multiframe',
  'upscale',
  'text2audio',
  'audioTts',
  'template',
  'extend',
  'lipSync',
  'templateStory',
  'timing2audio',
  'audioClone',
  'adFilm',
  'batch',
  'musicVideo',
];
const STATES = [
  'waiting_for_slot',
  'waiting_for_credits',
  'created',
  'queueing',
  'scheduled',
  'processing',
  'success',
  'failed',
  'cancelled',
];

type Row = Record<string, any>;

export const listPage: Page = (root, params) => {
  const select = (id: string, label: string, values: string[], current: string | null) =>
    el(
      'span',
      { class: 'filter' },
      el('label', { for: id }, label),
      el(
        'select',
        { id, name: id },
        el('option', { value: '' }, 'any'),
        ...values.map((v) => el('option', { value: v, selected: v === current }, v)),
      ),
    );
  const filters = el(
    'form',
    { class: 'filters', 'aria-label': 'Filters' },
    select('f-kind', 'Kind', KINDS, params.get('kind')),
    select('f-state', 'State', STATES, params.get('state')),
  );
  filters.addEventListener('change', () => {
    const q = new URLSearchParams();
    const kind = (document.getElementById('f-kind') as HTMLSelectElement).value;
    const state = (document.getElementById('f-state') as HTMLSelectElement).value;
    if (kind) q.set('kind', kind);
    if (state) q.set('state', state);
    location.hash = `#/${q.size ? `?${q}` : ''}`;
  });
  const body = el('tbody');
  const empty = el('p', { class: 'hint', id: 'empty', hidden: true }, 'No generations yet for this key.');
  fill(
    root,
    el('h1', {}, 'Generations'),
    filters,
    el(
      'table',
      { class: 'generations' },
      el('caption', { class: 'visually-hidden' }, 'Generations of this key'),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...['', 'Generation', 'Kind', 'Model', 'Phase', 'State', 'Progress', 'Credits', 'Age'].map((h) =>
            el('th', { scope: 'col' }, h === '' ? el('span', { class: 'visually-hidden' }, 'Thumbnail') : h),
          ),
        ),
      ),
      body,
    ),
    empty,
  );

  const q = new URLSearchParams({ limit: '30' });
  for (const f of ['kind', 'state']) if (params.get(f)) q.set(f, params.get(f)!);
  let timer: number | undefined;
  let stopped = false;
  const load = async () => {
    if (stopped) return;
    try {
      if (document.visibilityState === 'visible') {
        const { items } = await api<{ items: Row[] }>('GET', `/studio/api/generations?${q}`);
        if (stopped) return;
        fill(body, ...items.map(rowOf));
        empty.hidden = items.length > 0;
      }
    } catch {
      /* the next poll tries again */
    }
    timer = window.setTimeout(load, LIST_POLL_MS);
  };
  void load();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
  };
};

function rowOf(row: Row): HTMLTableRowElement {
  const s = (row.status ?? {}) as Row;
  const batch =
    row.kind === 'batch' && typeof s.done === 'number'
      ? `${s.done}/${s.total ?? '?'} lines (${s.succeeded ?? 0} ok, ${s.failed ?? 0} failed)`
      : undefined;
  const progress = typeof s.progress === 'number' ? s.progress : row.execution === 'succeeded' ? 100 : undefined;
  const href =
    (row.kind === 'adFilm' || row.kind === 'musicVideo') && row.execution === 'running'
      ? `#/review/${encodeURIComponent(row.id)}`
      : `#/g/${encodeURIComponent(row.id)}`;
  return el(
    'tr',
    { 'data-id': row.id, 'data-execution': row.execution },
    el(
      'td',
      {},
      row.thumbnail
        ? el('img', { class: 'thumb', src: row.thumbnail, alt: `cover of ${row.id}`, loading: 'lazy' })
        : el('span', { class: 'thumb none' }),
    ),
    el('td', {}, el('a', { href }, row.id)),
    el('td', {}, row.kind),
    el('td', {}, row.model ?? ''),
    el('td', {}, batch ?? phaseWords(s.phase ?? row.execution)),
    el('td', {}, row.state ?? s.state ?? ''),
    el(
      'td',
      {},
      progress === undefined
        ? ''
        : el('progress', { max: 100, value: progress, 'aria-label': `progress of ${row.id}` }, `${progress}%`),
    ),
    el('td', {}, row.credits ?? s.credits ?? ''),
    el('td', {}, el('time', { datetime: row.createdAt }, ageWords(row.createdAt, Date.now()))),
  );
}
