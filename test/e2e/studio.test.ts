// The web studio (issue 21) in a real browser: headless Debian chromium driven by playwright-core
// against the real stack as separate processes (simulator at 60×, receiver, worker, HTTP API;
// dev/stack.ts). One stack and one browser for the file. Each page is checked with axe-core (no
// serious or critical violation) and saved as a screenshot under test-artifacts/studio/.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKey } from '../../platform/keys/api-keys';
import { startStack, type Stack } from '../../dev/stack';
import { renderPng } from '../../sim/media/render';
import { temporalServer, uniqueTaskQueue } from '../helpers/temporal';

const CHROMIUM = process.env.STUDIO_CHROMIUM ?? '/usr/bin/chromium';
// The machine's closed network refuses Chromium's background connections: none are made.
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = path.resolve('test-artifacts/studio');
const XSS = '<img src=x onerror=alert(1)>';

const alice = newApiKey('alice');
const mallory = newApiKey('mallory');
let stack: Stack;
let api: string;
let dir: string;
let browser: Browser;
let axeSource: string;
const dialogs: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  dir = await mkdtemp(path.join(tmpdir(), 'vidu-flow-studio-'));
  const keysFile = path.join(dir, 'keys.json');
  await writeFile(keysFile, JSON.stringify([alice.entry, mallory.entry]), { mode: 0o600 });
  const { address, namespace } = temporalServer();
  const archiveDir = path.join(dir, 'archive');
  [stack, browser] = await Promise.all([
    startStack({
      temporalAddress: address,
      namespace,
      taskQueue: uniqueTaskQueue('e2e-studio'),
      callbacks: true,
      archiveDir,
      stagingDir: path.join(dir, 'staging'),
      simEnv: { VIDU_SIM_TIME_SCALE: '60', VIDU_SIM_CALLBACK_RETRY_MS: '200' },
      apiKeysFile: keysFile,
      logDir: path.join(dir, 'logs'),
    }),
    chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS }),
  ]);
  api = stack.apiUrl!;
  axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  await mkdir(ARTIFACTS, { recursive: true });
  await writeFile(path.join(dir, 'still.png'), renderPng('studio still', { width: 640, height: 360 }));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (dir && process.env.KEEP_E2E_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

async function signedIn(key: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${api}/studio/`);
  await page.locator('#key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Generations' }).waitFor();
  return page;
}

/** axe-core in the page: the serious and critical violations (evaluated over CDP, which the page's CSP does not govern). */
async function axe(page: Page, name: string): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const g = globalThis as unknown as {
      document: unknown;
      axe: {
        run: (
          ctx: unknown,
          opts: unknown,
        ) => Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }>;
      };
    };
    const result = await g.axe.run(g.document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
  console.log(`[studio] axe on ${name}: ${violations.length ? JSON.stringify(violations) : 'no violations'}`);
  expect(
    violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
    name,
  ).toEqual([]);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** The part of an HTMLVideoElement these tests read (the test project has no DOM types). */
interface VideoLike {
  readyState: number;
  duration: number;
  error: { code: number; message: string } | null;
  addEventListener(type: string, fn: () => void, opts?: { once: boolean }): void;
  load(): void;
}

/** Waits for a <video> to load its metadata; its duration in seconds. */
async function videoDuration(page: Page, selector: string): Promise<number> {
  await page.locator(selector).first().waitFor();
  return page
    .locator(selector)
    .first()
    .evaluate(
      (v: VideoLike) =>
        new Promise<number>((resolve, reject) => {
          if (v.readyState >= 1) return resolve(v.duration);
          v.addEventListener('loadedmetadata', () => resolve(v.duration), { once: true });
          v.addEventListener('error', () => reject(new Error(`video error ${v.error?.code}: ${v.error?.message}`)), {
            once: true,
          });
          v.load();
        }),
    );
}

describe('the studio in a real browser (processes)', () => {
  let page: Page;
  let generationId: string;

  it('serves the page with a strict CSP and no inline script', async () => {
    const res = await fetch(`${api}/studio/`);
    const html = await res.text();
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]/);
    expect(html).not.toMatch(/style=/);
  });

  it('signs in; the sign-in and list pages pass axe', async () => {
    const context = await browser.newContext();
    const first = await context.newPage();
    await first.goto(`${api}/studio/`);
    await first.locator('#key').waitFor();
    await axe(first, 'sign-in');
    await shot(first, 'sign-in');
    await context.close();
    page = await signedIn(alice.key);
    await axe(page, 'generations (empty)');
  });

  it('starts an img2video from the form with an uploaded PNG and an XSS prompt; it reaches success without a reload and its video plays', async () => {
    const t0 = Date.now();
    await page.goto(`${api}/studio/#/new/img2video`);
    await page.locator('#f-model').selectOption('viduq2');
    await page.locator('#f-images').setInputFiles(path.join(dir, 'still.png'));
    await page.locator('#f-prompt').fill(XSS);
    await page.locator('#f-duration').selectOption('5');
    // The price beside Start, from POST /v1/estimates (debounced), before anything is submitted.
    // (aria-busy until the answer for the form as it now stands has landed)
    const estimate = page.locator('#estimate:not([aria-busy])', { hasText: /^Estimated: \d+ credits?$/ });
    await estimate.waitFor({ timeout: 15_000 });
    const estimated = Number(/(\d+)/.exec((await estimate.textContent()) ?? '')![1]);
    expect(estimated).toBeGreaterThan(0);
    await axe(page, 'new img2video');
    await shot(page, 'new-generation');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.waitForURL(/#\/g\//);
    generationId = decodeURIComponent(page.url().split('#/g/')[1]!);
    // A marker in the window: still there at success means the page never reloaded.
    await page.evaluate(() => ((globalThis as unknown as { studioMarker: number }).studioMarker = 1));
    await page.locator('#execution', { hasText: 'succeeded' }).waitFor({ timeout: 90_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { studioMarker?: number }).studioMarker)).toBe(1);
    const seconds = await videoDuration(page, 'video[data-role=result]');
    console.log(
      `[studio] img2video from the form to a playing result in ${Date.now() - t0} ms; the <video> reports ${seconds} s`,
    );
    expect(seconds).toBeGreaterThan(0);
    // The estimate shown was what the generation is charged (the simulator prices from the same table).
    const res = await fetch(`${api}/v1/generations/${encodeURIComponent(generationId)}`, {
      headers: { authorization: `Bearer ${alice.key}` },
    });
    const g = (await res.json()) as { status?: { credits?: number }; result?: { credits?: number } };
    console.log(`[studio] estimated ${estimated} credits; charged ${g.result?.credits ?? g.status?.credits}`);
    expect(g.result?.credits ?? g.status?.credits).toBe(estimated);
    // The uploaded PNG shows as a thumbnail among the inputs, through a signed link that names the
    // key's own staged file; the same link naming another key's file answers 404.
    const inputThumb = page.locator('img.input-thumb').first();
    await inputThumb.waitFor();
    await expect
      .poll(
        () =>
          inputThumb.evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth),
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0);
    const src = (await inputThumb.getAttribute('src'))!;
    expect(src).toMatch(/^\/studio\/media\/.+\/input\?.*r=staged%3Akey-/);
    expect((await fetch(`${api}${src}`)).status).toBe(200);
    const foreign = src.replace(/r=staged%3Akey-[^%]+%2F/, 'r=staged%3Akey-mallory%2F');
    expect(foreign).not.toBe(src);
    expect((await fetch(`${api}${foreign}`)).status).toBe(404);
    // The prompt is shown as the characters it is, and nothing from it became markup.
    await expect(page.locator('dd.prompt', { hasText: XSS }).count()).resolves.toBe(1);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    await axe(page, 'generation');
    await shot(page, 'generation');
  });

  it('lists it with a thumbnail from the archived cover', async () => {
    await page.goto(`${api}/studio/#/`);
    const row = page.locator(`tr[data-id="${generationId}"]`);
    await row.waitFor();
    const thumb = row.locator('img.thumb');
    await thumb.waitFor();
    await expect
      .poll(
        () => thumb.evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth),
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0);
    await axe(page, 'generations');
    await shot(page, 'generations');
  });

  it('reviews an AD film: an edit of one storyboard shows a new storyboard, approval composes a film that plays', async () => {
    const t0 = Date.now();
    await page.goto(`${api}/studio/#/new/adFilm`);
    await page.locator('#f-images').setInputFiles(path.join(dir, 'still.png'));
    await page.locator('#f-prompt').fill('A bottle of cold brew on a desk');
    await page.locator('#f-duration').fill('10');
    await page.locator('#f-language').selectOption('en');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.waitForURL(/#\/review\//);
    const first = page.locator('figure.storyboard[data-index="0"]');
    await first.waitFor({ timeout: 60_000 });
    await page.locator('#status[data-phase="reviewing"]').waitFor({ timeout: 60_000 });
    const before = await first.getAttribute('data-subtask');
    expect(await videoDuration(page, 'figure.storyboard[data-index="0"] video')).toBeGreaterThan(0);
    await axe(page, 'review');
    await page.locator('#edit-0').fill('A close-up of the label, morning light');
    await first.getByRole('button', { name: 'Request edit' }).click();
    await expect
      .poll(() => page.locator('figure.storyboard[data-index="0"]').getAttribute('data-subtask'), { timeout: 60_000 })
      .not.toBe(before);
    await page.locator('figure.storyboard[data-index="0"] .prompt', { hasText: 'A close-up of the label' }).waitFor();
    await page.locator('#status[data-phase="reviewing"]').waitFor({ timeout: 60_000 });
    await shot(page, 'review');
    await page.locator('#approve:not([disabled])').click();
    await page.locator('#execution', { hasText: 'succeeded' }).waitFor({ timeout: 90_000 });
    const seconds = await videoDuration(page, 'video[data-role=result]');
    console.log(
      `[studio] AD film: review, one edit, approval and the composed film playing in ${Date.now() - t0} ms (${seconds} s)`,
    );
    expect(seconds).toBeGreaterThan(0);
    await shot(page, 'review-composed');
  });

  it('a second key sees none of the first key’s work: an empty list, and the direct URL answers as not found', async () => {
    const other = await signedIn(mallory.key);
    await other.locator('#empty:not([hidden])').waitFor();
    expect(await other.locator('tbody tr').count()).toBe(0);
    await other.goto(`${api}/studio/#/g/${encodeURIComponent(generationId)}`);
    await other.getByText('No such generation for this key.').waitFor();
    const asMallory = await fetch(`${api}/studio/api/generations/${encodeURIComponent(generationId)}`, {
      headers: { authorization: `Bearer ${mallory.key}` },
    });
    expect(asMallory.status).toBe(404);
    // Alice's signed media link, re-signed for mallory's key id, is refused like a missing file.
    const aliceLinks = (await (
      await fetch(`${api}/studio/api/generations/${encodeURIComponent(generationId)}`, {
        headers: { authorization: `Bearer ${alice.key}` },
      })
    ).json()) as { media: Array<{ url: string }> };
    const link = aliceLinks.media[0]!.url;
    expect((await fetch(`${api}${link}`)).status).toBe(200);
    expect((await fetch(`${api}${link.replace(/k=[^&]+/, `k=${mallory.entry.id}`)}`)).status).toBe(404);
    expect((await fetch(`${api}${link.replace(/sig=[^&]+/, 'sig=AAAA')}`)).status).toBe(404);
    await other.context().close();
  });

  it('ran no script from user text and threw no page error', () => {
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
