import { api, ApiError, session } from './api';
import { el, fill } from './dom';
import { generationPage } from './pages/generation';
import { listPage } from './pages/list';
import { newPage } from './pages/new';
import { reviewPage } from './pages/review';

// The studio: a hash router over five pages (sign in, generations, one generation, new
// generation, AD-film review). Each page renders into <main> and returns a function that stops
// what it keeps running (event streams, polls) when the reader navigates away.

import type { Page, Stop } from './page';

export type { Page, Stop } from './page';

let stop: Stop | undefined;

function signInPage(root: HTMLElement): void {
  const input = el('input', {
    id: 'key',
    type: 'password',
    name: 'key',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
  });
  const error = el('p', { class: 'error', role: 'alert' });
  const submit = async (e: Event) => {
    e.preventDefault();
    session.signIn(input.value.trim());
    try {
      await api('GET', '/studio/api/me');
      location.hash = '#/';
    } catch (err) {
      session.signOut();
      error.textContent =
        err instanceof ApiError && err.status === 401
          ? 'That key is not known to this API.'
          : `Could not sign in: ${(err as Error).message}`;
    }
  };
  fill(
    root,
    el('h1', {}, 'Sign in'),
    el(
      'form',
      { class: 'card', on: { submit } },
      el('label', { for: 'key' }, 'API key'),
      input,
      el(
        'p',
        { class: 'hint' },
        'The key stays in this tab only (sessionStorage): closing the tab signs you out. It is sent as an Authorization header, never in a URL.',
      ),
      el('button', { type: 'submit' }, 'Sign in'),
      error,
    ),
  );
  input.focus();
}

async function route(): Promise<void> {
  stop?.();
  stop = undefined;
  const root = document.getElementById('app')!;
  const nav = document.getElementById('nav')!;
  const [pathPart = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const path = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  if (!session.key()) {
    fill(nav);
    return signInPage(root);
  }
  fill(
    nav,
    el('a', { href: '#/' }, 'Generations'),
    el('a', { href: '#/new' }, 'New generation'),
    el(
      'button',
      {
        type: 'button',
        class: 'link',
        on: {
          click: () => {
            session.signOut();
            location.hash = '#/sign-in';
          },
        },
      },
      'Sign out',
    ),
  );
  const page: Page =
    path[0] === 'g'
      ? generationPage
      : path[0] === 'review'
        ? reviewPage
        : path[0] === 'new'
          ? newPage
          : path[0] === 'sign-in'
            ? listPage
            : listPage;
  root.replaceChildren();
  const result = await page(root, params, path.slice(1));
  if (typeof result === 'function') stop = result;
}

window.addEventListener('hashchange', () => void route());
window.addEventListener('DOMContentLoaded', () => void route());
