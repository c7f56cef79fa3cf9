// Every Error subclass in the repo's source sets its own `name`, so it prints as itself and not as
// "Error" (or as its parent: RetryLaterError printed as ProblemError). Issue 17 §3. The classes are
// found with the TypeScript parser: any class whose `extends` chain reaches Error, in any folder.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const SOURCE_DIRS = [
  'vidu',
  'core',
  'contract',
  'platform',
  'activities',
  'workflows',
  'client',
  'worker',
  'receiver',
  'api',
  'cli',
  'sim',
  'dev',
  'bench',
];

interface ErrorClass {
  file: string;
  name: string;
  base: string;
  exported: boolean;
  /** How the source sets `name`: `this.name = 'X'` in the constructor or a `name = 'X'` field; undefined when neither. */
  setsName?: string;
}

function sourceFiles(): string[] {
  return SOURCE_DIRS.flatMap((dir) => {
    try {
      return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.split(path.sep).includes('node_modules'))
        .map((f) => path.join(dir, f));
    } catch {
      return []; // a folder another change has not created (yet)
    }
  });
}

function classesIn(file: string): ErrorClass[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: ErrorClass[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isClassDeclaration(node) && node.name) {
      const base = node.heritageClauses
        ?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)
        ?.types[0]?.expression.getText(sf);
      if (base) {
        let setsName: string | undefined;
        for (const member of node.members) {
          // override readonly name = 'X';
          if (
            ts.isPropertyDeclaration(member) &&
            member.name.getText(sf) === 'name' &&
            member.initializer &&
            ts.isStringLiteral(member.initializer)
          )
            setsName = member.initializer.text;
          // constructor(…) { super(…); this.name = 'X'; }
          if (ts.isConstructorDeclaration(member) && member.body) {
            for (const st of member.body.statements) {
              const e = ts.isExpressionStatement(st) ? st.expression : undefined;
              if (
                e &&
                ts.isBinaryExpression(e) &&
                e.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
                e.left.getText(sf) === 'this.name' &&
                ts.isStringLiteral(e.right)
              )
                setsName = e.right.text;
            }
          }
        }
        const exported = node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
        out.push({ file, name: node.name.text, base, exported, ...(setsName !== undefined ? { setsName } : {}) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Every class whose extends chain reaches Error (by class name, across files). */
function errorClasses(): ErrorClass[] {
  const all = sourceFiles().flatMap(classesIn);
  const errorNames = new Set(['Error']);
  for (let grew = true; grew;) {
    grew = false;
    for (const c of all) {
      if (!errorNames.has(c.name) && errorNames.has(c.base)) {
        errorNames.add(c.name);
        grew = true;
      }
    }
  }
  return all.filter((c) => errorNames.has(c.base));
}

describe('Error subclasses', () => {
  const classes = errorClasses();

  it('finds them all (the parser sees every folder)', () => {
    console.log(`[error-names] ${classes.length} Error subclasses: ${classes.map((c) => c.name).join(', ')}`);
    // The ones this test was written against; more may come, none may vanish unnoticed.
    for (const known of [
      'InvalidGenerationInput',
      'ConfigError',
      'ViduApiError',
      'RetryLaterError',
      'StagingProblem',
      'MediaLoadError',
      'UrlExpired',
    ]) {
      expect(classes.map((c) => c.name)).toContain(known);
    }
  });

  it('each sets its own name, in its source or on its prototype', async () => {
    const wrong: string[] = [];
    for (const c of classes) {
      if (c.setsName !== undefined) {
        if (c.setsName !== c.name) wrong.push(`${c.file} ${c.name}: sets name ${JSON.stringify(c.setsName)}`);
        continue;
      }
      // Otherwise the module must set it on the prototype (vidu/errors.ts does, from the class name).
      const mod = c.exported ? ((await import(path.join(ROOT, c.file))) as Record<string, unknown>) : {};
      const cls = mod[c.name] as { prototype?: { name?: unknown } } | undefined;
      if (cls?.prototype?.name !== c.name)
        wrong.push(`${c.file} ${c.name}: prints as ${String(cls?.prototype?.name ?? 'its parent')}`);
    }
    expect(wrong).toEqual([]);
  });
});
