// The drift check between core's hand-written types and the contract's zod schemas
// (contract/same-type.ts): declared once, exact, and applied to every schema that mirrors a core
// type of the same name. The @ts-expect-error lines are checked by `tsc --noEmit` (npm test runs it):
// each is a drift the old mutual-assignability check let through or that must stay caught.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertSame, type Same } from '../../contract/same-type';

const ROOT = path.resolve(__dirname, '../..');
const tsFiles = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));

// Compile-time cases (tsc fails if one of these stops being an error, or starts being one).
assertSame<Same<{ a: string; b?: number }, { a: string; b?: number }>>();
assertSame<Same<'x' | 'y', 'y' | 'x'>>();
// @ts-expect-error an optional field on one side only (mutual assignability accepted it)
assertSame<Same<{ a: string }, { a: string; b?: number }>>();
// @ts-expect-error the same, one level down (the keyof check of ad-film-result.ts missed it)
assertSame<Same<{ o: { a: string } }, { o: { a: string; b?: number } }>>();
// @ts-expect-error optional on one side, required on the other
assertSame<Same<{ a?: string }, { a: string }>>();
// @ts-expect-error a wider union
assertSame<Same<'x', 'x' | 'y'>>();

describe('contract/same-type', () => {
  it('is the only declaration of Same<> in the repo', () => {
    const declaring = [
      'core',
      'vidu',
      'contract',
      'activities',
      'workflows',
      'client',
      'cli',
      'api',
      'worker',
      'receiver',
      'sim',
      'dev',
      'bench',
    ]
      .flatMap(tsFiles)
      .filter((f) => /\btype Same</.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(declaring).toEqual([path.join('contract', 'same-type.ts')]);
  });

  it('checks every contract schema that mirrors a core type of the same name', () => {
    const coreTypes = new Set(
      tsFiles('core').flatMap((f) =>
        [
          ...readFileSync(path.join(ROOT, f), 'utf8').matchAll(
            /^export (?:interface|type) (\w+)|^export type \{ (\w+) \}/gm,
          ),
        ].map((m) => m[1] ?? m[2]!),
      ),
    );
    const contract = tsFiles('contract').map((f) => readFileSync(path.join(ROOT, f), 'utf8'));
    const schemas = contract.flatMap((text) =>
      [...text.matchAll(/^export const (\w+) = (?:z\b|\w+\.(?:extend|omit)\()/gm)].map((m) => m[1]!),
    );
    const mirrored = schemas.filter((name) => coreTypes.has(name));
    const checked = contract.flatMap((text) =>
      [...text.matchAll(/assertSame<Same<z\.infer<typeof (\w+)>/g)].map((m) => m[1]!),
    );
    console.log(`[same-type] ${mirrored.length} schemas mirror a core type: ${mirrored.join(', ')}`);
    expect(mirrored.length).toBeGreaterThan(15);
    expect(mirrored.filter((name) => !checked.includes(name))).toEqual([]);
  });
});
