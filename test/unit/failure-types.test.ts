// Every ApplicationFailure type vidu-flow throws is named in one catalogue (core/failure-types.ts):
// the public non-retryable ones, the retryable ones and the internal ones, instead of string
// literals scattered over activities/, workflows/, api/ and client/ (issue 17 §3).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FailureType,
  InternalFailureType,
  NON_RETRYABLE_FAILURES,
  RetryableFailureType,
} from '../../core/failure-types';

const ROOT = path.resolve(__dirname, '../..');
const THROWERS = ['activities', 'workflows', 'api', 'client', 'worker', 'receiver', 'cli', 'core', 'contract'];

function sources(): Array<{ file: string; text: string }> {
  return THROWERS.flatMap((dir) =>
    readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => ({ file: path.join(dir, f), text: readFileSync(path.join(ROOT, dir, f), 'utf8') })),
  );
}

/** A failure type written as a string literal, in the forms the source used. */
const LITERAL = [
  // ApplicationFailure.create({ …, type: 'X', … })
  /ApplicationFailure\.create\(\{[^}]*?\btype:\s*['"`]/g,
  // ApplicationFailure.retryable('message', 'X') / nonRetryable(…)
  /ApplicationFailure\.(?:retryable|nonRetryable)\([^;]*?,\s*['"`]\w+['"`]/g,
  // err.type === 'X' on a failure
  /\.type\s*===\s*['"`][A-Z]\w+['"`]/g,
];

describe('core/failure-types', () => {
  const catalogues = { FailureType, RetryableFailureType, InternalFailureType };

  it('names each type once, as its own key, in exactly one catalogue', () => {
    const all = Object.values(catalogues).flatMap((c) => Object.entries(c));
    for (const [key, value] of all) expect(value).toBe(key);
    const values = all.map(([, v]) => v);
    expect(new Set(values).size).toBe(values.length);
    // The workflows' nonRetryableErrorTypes are the public catalogue, unchanged.
    expect([...NON_RETRYABLE_FAILURES].sort()).toEqual(Object.values(FailureType).sort());
  });

  it('is where every ApplicationFailure type comes from: no string literal as a type in the source', () => {
    const found = sources().flatMap(({ file, text }) =>
      LITERAL.flatMap((re) => [...text.matchAll(re)].map((m) => `${file}: ${m[0].replace(/\s+/g, ' ').slice(-60)}`)),
    );
    expect(found).toEqual([]);
  });

  it('the literal guard sees the forms that were in the source before', () => {
    const before = [
      "throw ApplicationFailure.create({\n        type: 'TaskNotFinished',\n        message: 'still running',",
      "ApplicationFailure.create({ type: 'BatchChildRunning', message: `${id} still runs` })",
      "return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === 'TaskNotFinished';",
      "throw ApplicationFailure.retryable('still running', 'TaskNotFinished');",
    ];
    for (const text of before)
      expect(
        LITERAL.some((re) => new RegExp(re.source).test(text)),
        text,
      ).toBe(true);
    expect(
      LITERAL.some((re) =>
        new RegExp(re.source).test(
          'ApplicationFailure.create({ type: RetryableFailureType.TaskNotFinished, message })',
        ),
      ),
    ).toBe(false);
  });
});
