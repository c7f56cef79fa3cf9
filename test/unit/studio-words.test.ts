// studio/words.ts and api/studio/page.ts: the studio's pure helpers — plain words for codes, the
// field a problem names, the attribute guard of its DOM helper, and the shell's HTML escaping.
import { describe, expect, it } from 'vitest';
import { escapeHtml, studioHtml, STUDIO_CSP } from '../../api/studio/page';
import {
  ageWords,
  attributeRefusal,
  estimatePlaceholders,
  estimateWords,
  failureWords,
  formFieldOf,
  phaseWords,
} from '../../studio/words';
import { checkGenerationInput } from '../../contract/generation-input';
import { estimateCredits } from '../../vidu/prices';

describe('studio words', () => {
  it('phases in plain words, unknown ones readable', () => {
    expect(phaseWords('waiting_for_slot')).toBe('waiting for a free slot');
    expect(phaseWords('reviewing')).toBe('waiting for your review');
    expect(phaseWords('some_new_phase')).toBe('some new phase');
    expect(phaseWords(undefined)).toBe('');
  });

  it("a failure: one sentence for its type, then Vidu's code and the message", () => {
    expect(
      failureWords({ type: 'ViduTaskFailed', errCode: 'AuditSubmitIllegal', message: 'the prompt was refused' }),
    ).toBe("Vidu could not make this generation. Vidu's error code: AuditSubmitIllegal. the prompt was refused");
    expect(failureWords({ type: 'Unheard', message: 'x' })).toBe('The generation failed. x');
  });

  it('ages', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(ageWords('2026-01-01T11:59:30Z', now)).toBe('30 s ago');
    expect(ageWords('2026-01-01T11:00:00Z', now)).toBe('1 h ago');
    expect(ageWords('2025-12-30T12:00:00Z', now)).toBe('2 d ago');
  });

  it("maps the API's field errors onto form fields", () => {
    expect(formFieldOf('request.duration')).toBe('duration');
    expect(formFieldOf('request.images[0]')).toBe('images');
    expect(formFieldOf('options.review')).toBeUndefined();
    expect(formFieldOf('kind')).toBeUndefined();
  });

  it('the DOM helper refuses event-handler attributes, inline style and script URLs', () => {
    expect(attributeRefusal('onerror', 'alert(1)')).toBeDefined();
    expect(attributeRefusal('ONCLICK', 'x')).toBeDefined();
    expect(attributeRefusal('style', 'color:red')).toBeDefined();
    expect(attributeRefusal('srcdoc', '<b>')).toBeDefined();
    expect(attributeRefusal('href', 'javascript:alert(1)')).toBeDefined();
    expect(attributeRefusal('src', ' JavaScript:alert(1)')).toBeDefined();
    expect(attributeRefusal('src', 'data:text/html,<script>')).toBeDefined();
    expect(attributeRefusal('href', '//evil.example/x')).toBeDefined();
    expect(attributeRefusal('href', '#/g/img2video-key-a:1')).toBeUndefined();
    expect(attributeRefusal('src', '/studio/media/x/file/0?k=a&exp=1&sig=b')).toBeUndefined();
    expect(attributeRefusal('alt', '<img src=x onerror=alert(1)>')).toBeUndefined();
  });
});

describe('the new-generation form’s price line', () => {
  it('says the estimate, or why the request cannot be priced', () => {
    expect(estimateWords({ credits: 20, basis: 'b' })).toBe('Estimated: 20 credits');
    expect(estimateWords({ credits: 1, basis: 'b' })).toBe('Estimated: 1 credit');
    expect(estimateWords({ credits: 0, basis: 'unpriced', unpriced: 'upscale: length known at staging' })).toBe(
      'Cannot be priced: upscale: length known at staging.',
    );
    expect(estimateWords({ errors: [{ message: 'images is required' }, { message: 'prompt too long' }] })).toBe(
      'Cannot be priced yet: images is required; prompt too long.',
    );
    expect(estimateWords({ errors: [] })).toBe('Cannot be priced yet: the request is incomplete.');
    expect(estimateWords({})).toBe('Cannot be priced: no estimate was given.');
  });

  it('stands in for chosen files with references the checks accept, priced as the uploaded files would be', () => {
    const refs = estimatePlaceholders(['Still.PNG', 'b.jpeg', 'noext']);
    expect(refs).toEqual([
      'https://media.invalid/estimate-1.png',
      'https://media.invalid/estimate-2.jpeg',
      'https://media.invalid/estimate-3.png',
    ]);
    const request = { model: 'viduq2', images: refs.slice(0, 1), prompt: 'x', duration: 5 };
    expect(checkGenerationInput('img2video', { request })).toEqual([]);
    const staged = { ...request, images: ['staged:key-abc/0123abcd.png'] };
    expect(estimateCredits('img2video', request).credits).toBe(estimateCredits('img2video', staged).credits);
    expect(estimateCredits('img2video', request).credits).toBeGreaterThan(0);
  });
});

describe('the studio shell', () => {
  it('escapes what it inserts, and has no inline script or style', () => {
    expect(escapeHtml(`<img src=x onerror="alert(1)">'&`)).toBe(
      '&#60;img src=x onerror=&#34;alert(1)&#34;&#62;&#39;&#38;',
    );
    const html = studioHtml({ script: '/studio/assets/studio.abc.js', style: '/studio/assets/studio.abc.css' });
    expect(html).toContain('<script src="/studio/assets/studio.abc.js" defer></script>');
    expect(html).not.toMatch(/<script>|style=|<style/);
  });

  it('the CSP allows nothing inline and nothing from elsewhere, and forbids framing', () => {
    expect(STUDIO_CSP).toContain("default-src 'none'");
    expect(STUDIO_CSP).toContain("frame-ancestors 'none'");
    expect(STUDIO_CSP).not.toMatch(/unsafe-|\*|https?:/);
  });
});
