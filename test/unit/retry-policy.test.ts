// The retry policy's pure parts: the classification of every documented err_code
// (vidu/errors.ts TASK_FAILURE_CATALOGUE, docs/vidu-api.md §9.1) and the start check of
// options.onTaskFailure (contract/generation-input.ts), which the client and the stage activity
// both run before any credit is spent.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdFilmOptions } from '../../contract/ad-film-input';
import { checkGenerationInput } from '../../contract/generation-input';
import {
  TASK_FAILURE_CATALOGUE,
  VIDU_ERROR_CATALOGUE,
  classifyTaskFailure,
  isInputRefusal,
  type TaskFailureClass,
} from '../../vidu/errors';

const DOC = readFileSync(path.resolve(__dirname, '../../docs/vidu-api.md'), 'utf8');
const SECTION_9_1 = DOC.slice(DOC.indexOf('### 9.1 '), DOC.indexOf('## 10.'));

describe('classification of err_code (docs/vidu-api.md §9.1)', () => {
  it('classifies each code the brief names as the brief says', () => {
    const expected: Record<string, TaskFailureClass> = {
      InternalServiceFailure: 'same',
      OperationInProcess: 'same',
      CreationPolicyViolation: 'reseed',
      ModelUnavailable: 'other-model',
      AuditSubmitIllegal: 'never',
      TaskPromptPolicyViolation: 'never',
      ImageFormatInvalid: 'never',
      FieldInvalid: 'never',
      CreditInsufficient: 'never',
      UserCancelled: 'never',
    };
    for (const [code, retry] of Object.entries(expected))
      expect([code, classifyTaskFailure(code).retry]).toEqual([code, retry]);
  });

  it('every 400-class reason of the error catalogue, and InternalServiceFailure, is classified (none falls to "unknown")', () => {
    const documented = Object.entries(VIDU_ERROR_CATALOGUE)
      .filter(([reason, info]) => info.status === 400 || reason === 'InternalServiceFailure')
      .map(([reason]) => reason);
    expect(documented.length).toBeGreaterThan(15);
    expect(documented.filter((code) => !(code in TASK_FAILURE_CATALOGUE))).toEqual([]);
  });

  it('each classified code is in the §9.1 table, under its own answer, and cites it', () => {
    const rows = SECTION_9_1.split('\n').filter((l) => l.startsWith('| `'));
    for (const [code, info] of Object.entries(TASK_FAILURE_CATALOGUE)) {
      const row = rows.find((r) => new RegExp(`\\b${code}\\b`).test(r));
      expect(row, `${code} has no row in docs/vidu-api.md §9.1`).toBeDefined();
      expect(row?.startsWith(`| \`${info.retry}\``), `${code}: ${row}`).toBe(true);
      expect(info.source).toBe('docs/vidu-api.md §9.1');
    }
  });

  it('input refusals name the input Vidu refused; other `never` codes name none', () => {
    expect(classifyTaskFailure('TaskPromptPolicyViolation').refusedInput).toBe('prompt');
    expect(classifyTaskFailure('AuditSubmitIllegal').refusedInput).toBe('input (image, video or text)');
    expect(classifyTaskFailure('ImageFormatInvalid').refusedInput).toBe('images');
    expect(isInputRefusal('CreditInsufficient')).toBe(false);
    expect(isInputRefusal('CreationPolicyViolation')).toBe(false);
  });

  it('an undocumented code (and an empty one, and prototype names) is `same`, marked unknown', () => {
    for (const code of ['SomethingNew', '', 'toString', '__proto__', 'constructor'])
      expect(classifyTaskFailure(code)).toMatchObject({ retry: 'same', unknown: true });
  });
});

describe('options.onTaskFailure at start', () => {
  const request = { model: 'viduq2', images: ['https://cdn.example/a.png'], prompt: 'a cat walks', duration: 5 };
  const check = (onTaskFailure: unknown) => checkGenerationInput('img2video', { request, options: { onTaskFailure } });

  it('accepts a policy whose fallback models all take the request', () => {
    expect(check({ attempts: 3, reseed: true, fallbackModels: ['viduq2-turbo', 'viduq2-pro'] })).toEqual([]);
    expect(check({ attempts: 1 })).toEqual([]);
    expect(check({ attempts: 5, retryInputRefusals: true })).toEqual([]);
  });

  it('refuses attempts outside 1–5, non-integers and a missing count, with the field named', () => {
    for (const attempts of [0, 6, 2.5, '3', undefined]) {
      const issues = check({ attempts });
      expect(issues, String(attempts)).toHaveLength(1);
      expect(issues[0]).toMatch(/^options\.onTaskFailure\.attempts: /);
    }
  });

  it('refuses unknown policy fields (strict), so a misspelt option is not silently ignored', () => {
    expect(check({ attempts: 2, fallbackModel: ['viduq2-turbo'] }).join('\n')).toMatch(/fallbackModel/);
  });

  it('refuses a fallback model the endpoint does not know, naming the field and its index', () => {
    const issues = check({ attempts: 2, fallbackModels: ['viduq2-turbo', 'viduq9'] });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^options\.onTaskFailure\.fallbackModels\[1\]: viduq9 cannot take this request: model: /);
  });

  it('refuses a known model whose matrix does not take this request (vidu1.5: 4 or 8 s, the request asks 5)', () => {
    const issues = check({ attempts: 2, fallbackModels: ['vidu1.5'] });
    expect(issues.length).toBeGreaterThan(0);
    expect(
      issues.every((i) => i.startsWith('options.onTaskFailure.fallbackModels[0]: vidu1.5 cannot take this request: ')),
    ).toBe(true);
    expect(issues.join('\n')).toMatch(/duration/);
  });

  it("a problem of the request's own is reported once, not again for each fallback model", () => {
    const issues = checkGenerationInput('img2video', {
      request: { ...request, prompt: 'x'.repeat(5000) },
      options: { onTaskFailure: { attempts: 2, fallbackModels: ['viduq2-turbo'] } },
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^prompt: /);
  });

  it('the AD film does not take the option (its sub-tasks are not retried)', () => {
    expect(AdFilmOptions.safeParse({ onTaskFailure: { attempts: 2 } }).success).toBe(false);
  });
});
