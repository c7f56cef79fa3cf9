// The operator's prices file (VIDU_FLOW_PRICES_FILE): good entries replace the built-in ones; bad
// ones are refused with the entry and the rule named; a bad edit keeps the last good table.
import { chmodSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadApiConfig } from '../../api/config';
import { ConfigError } from '../../platform/config/env';
import { newApiKey } from '../../platform/keys/api-keys';
import { loadWorkerConfig } from '../../worker/config';
import { priceSourceFromEnv, readPricesFile, watchedPriceSource } from '../../platform/prices/prices-file';
import { estimateCredits, parsePricesFile } from '../../vidu/prices';

const good = {
  kind: 'img2video',
  model: 'viduq1',
  rule: { per: 'video', resolutions: { '1080p': { fixed: { 5: 70 } } } },
  isRec: 10,
  source: 'Vidu invoice',
  readOn: '2026-12-01',
};

function problems(json: unknown): string[] {
  const r = parsePricesFile(json);
  return r.ok ? [] : r.problems;
}

describe('parsePricesFile', () => {
  it('accepts a list of entries', () => {
    const r = parsePricesFile([
      good,
      { kind: 'adFilmCompose', model: '*', rule: { per: 'call', credits: 40 }, source: 's', readOn: '2026-12-01' },
    ]);
    expect(r.ok).toBe(true);
  });

  it.each([
    ['not a list', { img2video: good }, /must be a JSON list/],
    ['unknown kind', [{ ...good, kind: 'img2vid' }], /prices\[0\] \(img2vid viduq1\): kind: unknown kind "img2vid"/],
    [
      'unknown model',
      [{ ...good, model: 'viduq9' }],
      /prices\[0\] \(img2video viduq9\): model: unknown model "viduq9" for img2video/,
    ],
    [
      'a model on an endpoint without models',
      [{ ...good, kind: 'upscale', rule: { per: 'call', credits: 1 } }],
      /model: unknown model "viduq1" for upscale; expected one of \*/,
    ],
    [
      'negative credits',
      [{ ...good, rule: { per: 'call', credits: -5 } }],
      /prices\[0\] \(img2video viduq1\): rule.credits: must not be negative/,
    ],
    ['fractional credits', [{ ...good, audio: 1.5 }], /audio: must be a whole number of credits/],
    ['an unknown rule', [{ ...good, rule: { per: 'minute', credits: 5 } }], /rule.per must be one of/],
    [
      'a curve without prices',
      [{ ...good, rule: { per: 'video', resolutions: { '720p': { step: 5 } } } }],
      /rule.resolutions.720p: needs `fixed` prices or a `base`/,
    ],
    ['a misspelt field', [{ ...good, isrec: 10 }], /Unrecognized key.*isrec/i],
    ['no source', [{ ...good, source: '' }], /source must say where the figure comes from/],
    ['a bad date', [{ ...good, readOn: '1 Dec 2026' }], /readOn must be a date, YYYY-MM-DD/],
    [
      'the same entry twice',
      [good, good],
      /prices\[1\] \(img2video viduq1\): img2video viduq1 is already priced by prices\[0\]/,
    ],
  ])('refuses %s, naming the entry and the rule', (_what, json, message) => {
    const found = problems(json);
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toMatch(message);
  });

  it('reports every bad entry, not only the first', () => {
    expect(problems([{ ...good, model: 'x' }, good, { ...good, kind: 'y' }])).toHaveLength(2);
  });
});

describe('the prices file on disk', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vf-prices-'));

  it('unset: the built-in table; set: its entries win', () => {
    expect(estimateCredits('img2video', { model: 'viduq1' }, { table: priceSourceFromEnv({}).table() }).credits).toBe(
      80,
    );
    const file = path.join(dir, 'prices.json');
    writeFileSync(file, JSON.stringify([good]));
    const table = priceSourceFromEnv({ VIDU_FLOW_PRICES_FILE: file }).table();
    expect(estimateCredits('img2video', { model: 'viduq1', is_rec: true }, { table }).credits).toBe(80);
    expect(estimateCredits('img2video', { model: 'viduq2-turbo', duration: 1 }, { table }).credits).toBe(8);
  });

  it('a missing, non-JSON or wrong file stops start-up with a ConfigError naming the variable and the file', () => {
    const missing = path.join(dir, 'nope.json');
    expect(() => readPricesFile(missing)).toThrow(ConfigError);
    expect(() => readPricesFile(missing)).toThrow(/VIDU_FLOW_PRICES_FILE: cannot read .*nope\.json: ENOENT/);
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '[{');
    expect(() => readPricesFile(broken)).toThrow(/is not JSON/);
    const wrong = path.join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify([{ ...good, model: 'viduq9' }]));
    expect(() => priceSourceFromEnv({ VIDU_FLOW_PRICES_FILE: wrong })).toThrow(
      /wrong\.json: prices\[0\] \(img2video viduq9\): model: unknown model/,
    );
  });

  it('the worker and the API refuse to start on a bad prices file, naming the entry and the rule', () => {
    const wrong = path.join(dir, 'start.json');
    writeFileSync(wrong, JSON.stringify([good, { ...good, model: 'viduq2', rule: { per: 'call', credits: -3 } }]));
    const env = { VIDU_API_KEY: 'k-test-0123456789', VIDU_FLOW_PRICES_FILE: wrong };
    expect(() => loadWorkerConfig(env)).toThrow(ConfigError);
    expect(() => loadWorkerConfig(env)).toThrow(
      /VIDU_FLOW_PRICES_FILE: .*start\.json: prices\[1\] \(img2video viduq2\): rule.credits: must not be negative/,
    );
    const keys = path.join(dir, 'keys.json');
    writeFileSync(keys, JSON.stringify([newApiKey('ops').entry]), { mode: 0o600 });
    chmodSync(keys, 0o600);
    expect(() => loadApiConfig({ VIDU_FLOW_API_KEYS_FILE: keys, VIDU_FLOW_PRICES_FILE: wrong })).toThrow(
      /prices\[1\] \(img2video viduq2\)/,
    );
    expect(loadApiConfig({ VIDU_FLOW_API_KEYS_FILE: keys }).prices.table()).toBeDefined();
  });

  it('is read again when it changes; a bad edit keeps the previous prices and says so', async () => {
    const file = path.join(dir, 'live.json');
    writeFileSync(file, JSON.stringify([good]));
    const logged: string[] = [];
    const source = watchedPriceSource(file, (l) => logged.push(l));
    const price = () => estimateCredits('img2video', { model: 'viduq1' }, { table: source.table() }).credits;
    expect(price()).toBe(70);
    const edit = (entries: unknown, second: number) => {
      writeFileSync(file, JSON.stringify(entries));
      utimesSync(file, second, second);
    };
    edit([{ ...good, rule: { per: 'call', credits: 90 } }], 1_000_000);
    await new Promise((r) => setTimeout(r, 2100)); // the file is looked at no more than every 2 s
    expect(price()).toBe(90);
    edit([{ ...good, rule: { per: 'call', credits: -1 } }], 2_000_000);
    await new Promise((r) => setTimeout(r, 2100));
    expect(price()).toBe(90);
    expect(logged.at(-1)).toMatch(/refused; the previous prices stay in force.*must not be negative/);
  });
});
