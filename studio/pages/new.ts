import { api, ApiError, upload, type FieldError } from '../api';
import { el, fill } from '../dom';
import type { Page } from '../page';
import { estimatePlaceholders, estimateWords, formFieldOf } from '../words';

// New generation: a form per endpoint, derived by the API from the registry and the model matrix
// (api/studio/forms.ts): the chosen model decides which durations, resolutions and ratios are
// offered. Files are uploaded into staging first (POST /v1/uploads, checked like the stage step),
// then the start names their staged: references. The API's checks are the judge: its field
// errors are shown beside the field they name. Beside the submit button, the price of what is filled
// in (POST /v1/estimates/{kind}, the table the worker charges from), refreshed 300 ms after a change;
// chosen files are priced through stand-in references, so nothing is uploaded before Start.

type J = Record<string, any>;
interface Field {
  name: string;
  control: string;
  required: boolean;
  options?: string[];
  media?: { kind: string; minItems: number; maxItems: number; formats: string[]; maxMegabytes: number };
  default?: string | number | boolean;
}
interface Form {
  kind: string;
  summary: string;
  result: string;
  fields: Field[];
  models?: Record<
    string,
    {
      durations?: number[];
      defaultDuration?: number;
      resolutions?: Record<string, string[]>;
      defaultResolution?: string;
      aspectRatios?: string[];
    }
  >;
}

let formsCache: Promise<Form[]> | undefined;
const forms = () => (formsCache ??= api<{ forms: Form[] }>('GET', '/studio/api/forms').then((r) => r.forms));

const ACCEPT: Record<string, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  bmp: 'image/bmp',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  avi: 'video/x-msvideo',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
};

export const newPage: Page = async (root, params, path) => {
  const all = await forms();
  const form = all.find((f) => f.kind === path[0]);
  if (!form) {
    fill(
      root,
      el('h1', {}, 'New generation'),
      el(
        'ul',
        { class: 'endpoints' },
        ...all.map((f) => el('li', {}, el('a', { href: `#/new/${f.kind}` }, f.kind), ' — ', f.summary)),
      ),
    );
    return;
  }
  const errorOf = (name: string) => el('p', { class: 'field-error', id: `err-${name}`, role: 'alert' });
  const general = el('p', { class: 'error', id: 'form-error', role: 'alert' });
  const controls = new Map<
    string,
    { field: Field; read: () => Promise<unknown> | unknown; peek: () => unknown; error: HTMLElement }
  >();
  const rows: HTMLElement[] = [];
  const modelSelect = el('select', { id: 'f-model', name: 'model', 'aria-describedby': 'err-model' });
  const matrixSelects: Record<string, HTMLSelectElement> = {};

  const refill = (select: HTMLSelectElement, values: readonly (string | number)[], preferred?: string | number) => {
    const keep = select.value;
    fill(
      select,
      el('option', { value: '' }, 'default'),
      ...values.map((v) => el('option', { value: String(v) }, String(v))),
    );
    const want = values.map(String).includes(keep)
      ? keep
      : preferred !== undefined && values.map(String).includes(String(preferred))
        ? String(preferred)
        : '';
    select.value = want;
  };
  const applyModel = () => {
    const spec = form.models?.[modelSelect.value];
    if (matrixSelects.duration) refill(matrixSelects.duration, spec?.durations ?? [], spec?.defaultDuration);
    if (matrixSelects.resolution) {
      const byDuration = spec?.resolutions ?? {};
      const d = matrixSelects.duration?.value || String(spec?.defaultDuration ?? '');
      refill(matrixSelects.resolution, byDuration[d] ?? byDuration['*'] ?? [], spec?.defaultResolution);
    }
    if (matrixSelects.ratio) refill(matrixSelects.ratio, spec?.aspectRatios ?? []);
  };

  for (const f of form.fields) {
    const id = `f-${f.name}`;
    const error = errorOf(f.name);
    const label = el(
      'label',
      { for: id },
      f.name.replace(/_/g, ' '),
      f.required ? el('span', { class: 'required' }, ' (required)') : null,
    );
    let input: HTMLElement;
    let read: () => Promise<unknown> | unknown;
    let peek: (() => unknown) | undefined;
    if (f.control === 'model') {
      const names = Object.keys(form.models ?? {});
      fill(modelSelect, ...names.map((n) => el('option', { value: n }, n)));
      modelSelect.addEventListener('change', applyModel);
      input = modelSelect;
      read = () => modelSelect.value;
    } else if (f.control === 'duration' || f.control === 'resolution' || f.control === 'ratio') {
      const select = el('select', { id, name: f.name, 'aria-describedby': `err-${f.name}` });
      matrixSelects[f.control] = select;
      if (f.control === 'duration') select.addEventListener('change', applyModel);
      input = select;
      read = () => (select.value === '' ? undefined : f.control === 'duration' ? Number(select.value) : select.value);
    } else if (f.control === 'media' || f.control === 'media-list') {
      const list = f.control === 'media-list';
      const accept = f
        .media!.formats.map((x) => ACCEPT[x])
        .filter(Boolean)
        .join(',');
      const file = el('input', {
        id,
        name: f.name,
        type: 'file',
        accept,
        multiple: list && f.media!.maxItems > 1,
        'aria-describedby': `err-${f.name} hint-${f.name}`,
      });
      const refId = `${id}-ref`;
      const prefill = params.get(f.name) ?? '';
      const ref = el('input', {
        id: refId,
        name: `${f.name}-ref`,
        type: 'text',
        value: prefill,
        placeholder: 'vidu-flow:<id>/<creation> or https://…',
      });
      input = el(
        'div',
        { class: 'media-input' },
        file,
        el('label', { for: refId, class: 'sub' }, 'or a reference'),
        ref,
        el(
          'p',
          { class: 'hint', id: `hint-${f.name}` },
          `${f.media!.kind}: ${f.media!.formats.join(', ')}, up to ${f.media!.maxMegabytes} MB${list ? `, ${f.media!.minItems}–${f.media!.maxItems} files` : ''}`,
        ),
      );
      read = async () => {
        const refs: string[] = [];
        for (const one of Array.from(file.files ?? [])) {
          try {
            // An AD film is not an endpoint kind: its images are checked against every image field's limits.
            refs.push((await upload(form.kind === 'adFilm' ? undefined : { kind: form.kind, field: f.name }, one)).ref);
          } catch (err) {
            throw new FieldProblem(f.name, err instanceof ApiError ? err.message : String(err));
          }
        }
        refs.push(...ref.value.split(/\s+/).filter(Boolean));
        if (refs.length === 0) return undefined;
        return list ? refs : refs[0];
      };
      peek = () => {
        const refs = [
          ...estimatePlaceholders(Array.from(file.files ?? []).map((one) => one.name)),
          ...ref.value.split(/\s+/).filter(Boolean),
        ];
        if (refs.length === 0) return undefined;
        return list ? refs : refs[0];
      };
    } else if (f.control === 'select') {
      const select = el(
        'select',
        { id, name: f.name, 'aria-describedby': `err-${f.name}` },
        el('option', { value: '' }, 'default'),
        ...(f.options ?? []).map((o) => el('option', { value: o, selected: o === f.default }, o)),
      );
      input = select;
      read = () => select.value || undefined;
    } else if (f.control === 'checkbox') {
      const box = el('input', {
        id,
        name: f.name,
        type: 'checkbox',
        checked: f.default === true,
        'aria-describedby': `err-${f.name}`,
      });
      input = box;
      read = () => (box.checked ? true : f.default === true ? false : undefined);
    } else if (f.control === 'textarea') {
      const area = el('textarea', { id, name: f.name, rows: 3, 'aria-describedby': `err-${f.name}` });
      area.value = params.get(f.name) ?? '';
      input = area;
      read = () => area.value || undefined;
    } else {
      const box = el('input', {
        id,
        name: f.name,
        type: f.control === 'number' ? 'number' : 'text',
        value: params.get(f.name) ?? (f.default !== undefined ? String(f.default) : ''),
        'aria-describedby': `err-${f.name}`,
      });
      input = box;
      read = () => (box.value === '' ? undefined : f.control === 'number' ? Number(box.value) : box.value);
    }
    controls.set(f.name, { field: f, read, peek: peek ?? (read as () => unknown), error });
    rows.push(el('div', { class: 'field', 'data-field': f.name }, label, input, error));
  }
  const review = form.kind === 'adFilm' ? el('input', { id: 'f-review', type: 'checkbox', checked: true }) : null;
  const submitButton = el('button', { type: 'submit' }, 'Start');
  const estimate = el('p', { class: 'estimate', id: 'estimate', role: 'status', 'aria-live': 'polite' });
  const formEl = el(
    'form',
    { class: 'card new', novalidate: true },
    ...rows,
    review
      ? el(
          'div',
          { class: 'field' },
          el('label', { for: 'f-review' }, 'review the storyboards before the film is composed'),
          review,
        )
      : null,
    el('div', { class: 'actions' }, submitButton, estimate),
    general,
  );
  fill(root, el('h1', {}, `New ${form.kind}`), el('p', { class: 'hint' }, form.summary), formEl);
  applyModel();

  const bodyOf = (request: J) =>
    form.kind === 'adFilm' ? { request, options: { review: review?.checked ?? false } } : { request };
  // The newest answer wins: an older request still in flight does not overwrite it.
  let estimateSeq = 0;
  let estimateTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshEstimate = async () => {
    const seq = ++estimateSeq;
    const request: J = {};
    for (const [name, c] of controls) {
      const value = c.peek();
      if (value !== undefined) request[name] = value;
    }
    const path = `/v1/estimates/${form.kind === 'adFilm' ? 'ad-film' : form.kind}`;
    let text: string;
    try {
      text = estimateWords(await api<{ credits: number; unpriced?: string }>('POST', path, bodyOf(request)));
    } catch (err) {
      text =
        err instanceof ApiError && err.errors.length > 0
          ? estimateWords({ errors: err.errors })
          : `Cannot be priced: ${(err as Error).message}.`;
    }
    if (seq !== estimateSeq) return;
    estimate.textContent = text;
    estimate.removeAttribute('aria-busy');
  };
  // aria-busy until the answer for the form as it now stands has landed.
  const scheduleEstimate = () => {
    estimate.setAttribute('aria-busy', 'true');
    estimateSeq++; // an answer still in flight is for the form as it was
    clearTimeout(estimateTimer);
    estimateTimer = setTimeout(() => void refreshEstimate(), 300);
  };
  formEl.addEventListener('input', scheduleEstimate);
  formEl.addEventListener('change', scheduleEstimate);
  estimate.setAttribute('aria-busy', 'true');
  void refreshEstimate();

  // One Idempotency-Key per filled-in form: a double click or a retry after a lost answer starts nothing twice.
  const idempotencyKey = `studio-${crypto.randomUUID()}`;
  formEl.addEventListener('submit', async (e) => {
    e.preventDefault();
    submitButton.disabled = true;
    general.textContent = '';
    for (const c of controls.values()) c.error.textContent = '';
    try {
      const request: J = {};
      for (const [name, c] of controls) {
        const value = await c.read();
        if (value !== undefined) request[name] = value;
      }
      const path = form.kind === 'adFilm' ? '/v1/ad-films' : `/v1/generations/${form.kind}`;
      const started = await api<{ id: string }>('POST', path, bodyOf(request), { 'idempotency-key': idempotencyKey });
      location.hash =
        form.kind === 'adFilm' && review?.checked
          ? `#/review/${encodeURIComponent(started.id)}`
          : `#/g/${encodeURIComponent(started.id)}`;
    } catch (err) {
      showErrors(err, controls, general);
      submitButton.disabled = false;
    }
  });
};

class FieldProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function showErrors(err: unknown, controls: Map<string, { error: HTMLElement }>, general: HTMLElement): void {
  const errors: FieldError[] =
    err instanceof FieldProblem
      ? [{ field: `request.${err.field}`, message: err.message }]
      : err instanceof ApiError
        ? err.errors
        : [];
  const rest: string[] = [];
  for (const fe of errors) {
    const name = formFieldOf(fe.field);
    const target = name ? controls.get(name) : undefined;
    if (target) target.error.textContent = fe.message;
    else rest.push(`${fe.field}: ${fe.message}`);
  }
  general.textContent = rest.length
    ? rest.join('; ')
    : errors.length
      ? 'Please correct the fields marked above.'
      : (err as Error).message;
}
