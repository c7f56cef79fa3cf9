import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderJsonSchemas } from '../contract/json-schemas';

// Writes the JSON Schemas of the generation workflows into schemas/ (npm run schemas).
//   --check        write nothing; exit 1 when schemas/ differs from a fresh generation (CI drift check)
//   --out <dir>    another target folder (default: schemas/ beside this repo's package.json)

export const SCHEMAS_DIR = path.join(__dirname, '..', 'schemas');

/** Generated files end in .schema.json; README.md and anything else in the folder is left alone. */
const GENERATED = /\.schema\.json$/;

export interface Drift {
  /** Files whose contents differ from, or are missing next to, a fresh generation. */
  changed: string[];
  /** Generated-looking files that the generator no longer produces. */
  stale: string[];
}

export function findDrift(dir: string, expected: Record<string, string> = renderJsonSchemas()): Drift {
  const changed: string[] = [];
  for (const [name, text] of Object.entries(expected)) {
    let onDisk: string | undefined;
    try {
      onDisk = readFileSync(path.join(dir, name), 'utf8');
    } catch {
      onDisk = undefined;
    }
    if (onDisk !== text) changed.push(name);
  }
  let present: string[] = [];
  try {
    present = readdirSync(dir).filter((f) => GENERATED.test(f));
  } catch {
    present = [];
  }
  const stale = present.filter((f) => !(f in expected)).sort();
  return { changed, stale };
}

export function writeSchemas(
  dir: string,
  files: Record<string, string> = renderJsonSchemas(),
): { written: string[]; removed: string[] } {
  mkdirSync(dir, { recursive: true });
  const { changed, stale } = findDrift(dir, files);
  for (const name of changed) writeFileSync(path.join(dir, name), files[name] as string);
  for (const name of stale) unlinkSync(path.join(dir, name));
  return { written: changed, removed: stale };
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const outAt = argv.indexOf('--out');
  const dir = outAt >= 0 && argv[outAt + 1] ? path.resolve(argv[outAt + 1] as string) : SCHEMAS_DIR;
  const rel = path.relative(process.cwd(), dir) || '.';
  if (check) {
    const { changed, stale } = findDrift(dir);
    if (changed.length === 0 && stale.length === 0) {
      console.log(`${rel}: JSON Schemas are up to date`);
      return 0;
    }
    for (const name of changed) console.error(`${rel}/${name}: differs from the generated schema (or is missing)`);
    for (const name of stale) console.error(`${rel}/${name}: no longer generated`);
    console.error('Run `npm run schemas` and commit the result.');
    return 1;
  }
  const { written, removed } = writeSchemas(dir);
  for (const name of written) console.log(`wrote ${rel}/${name}`);
  for (const name of removed) console.log(`removed ${rel}/${name}`);
  if (written.length === 0 && removed.length === 0) console.log(`${rel}: JSON Schemas already up to date`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
