// Citations stay honest: every `docs/<name>.md` the source, tests and docs mention exists, every
// section they cite in docs/vidu-api*.md (`§n`, `§n.m`, `§n item k`, lists and ranges of these) is a
// heading ("## n." / "### n.m") or a numbered item of that section, and every `README.md, "<title>"`
// names a README heading. Citations of research kept outside the repository are refused: a reader
// of the repository cannot open them.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const SELF = path.relative(ROOT, __filename);
const SKIP_DIRS = new Set(['node_modules', '.git', 'data', 'dist', 'coverage']);
const SCANNED = /\.(?:ts|js|mjs|cjs|md|json|py|ya?ml)$/;
const MAX_BYTES = 2_000_000;

function scannedFiles(dir = ROOT, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) scannedFiles(full, out);
    } else if ((SCANNED.test(entry.name) || entry.name === 'Dockerfile') && statSync(full).size <= MAX_BYTES) {
      out.push(full);
    }
  }
  return out;
}

/** A doc's citable places: its section numbers, and the numbered items of each "## n." section. */
interface DocOutline {
  sections: Set<string>;
  items: Map<string, Set<number>>;
}

function outline(markdown: string): DocOutline {
  const sections = new Set<string>();
  const items = new Map<string, Set<number>>();
  let current: string | undefined;
  for (const line of markdown.split('\n')) {
    const top = /^##\s+(\d+)\.\s/.exec(line);
    const sub = /^###\s+(\d+\.\d+)\s/.exec(line);
    if (top) {
      current = top[1]!;
      sections.add(current);
      items.set(current, new Set());
    } else if (sub) {
      sections.add(sub[1]!);
    } else if (/^#{1,2}\s/.test(line)) {
      current = undefined;
    } else if (current !== undefined) {
      const item = /^(\d+)\.\s/.exec(line);
      if (item) items.get(current)!.add(Number(item[1]));
    }
  }
  return { sections, items };
}

/** The places cited right after a doc's name, e.g. "§5.2 / §12 item 14" or "§1–§4" or "§12 items 3–5". */
function citedPlaces(after: string): string[] {
  const places: string[] = [];
  let rest = after.split('\n')[0]!;
  let section: string | undefined;
  for (;;) {
    let m: RegExpExecArray | null;
    if ((m = /^\s*§\s*(\d+(?:\.\d+)?)/.exec(rest))) {
      section = m[1]!;
      places.push(`§${section}`);
    } else if (section !== undefined && (m = /^\s*items?\s+(\d+(?:\s*(?:,|and|–|-)\s*\d+\b)*)/.exec(rest))) {
      const numbers = m[1]!.split(/\s*(?:,|and)\s*/);
      for (const part of numbers) {
        const [from, to = from] = part.split(/\s*[–-]\s*/).map(Number) as [number, number?];
        for (let k = from; k <= to!; k++) places.push(`§${section.split('.')[0]} item ${k}`);
      }
    } else if (section !== undefined && (m = /^\s*[–-]\s*(\d+(?:\.\d+)?)(?![\w.])/.exec(rest))) {
      // The bare end of a range such as "§5.3–5.4".
      section = m[1]!;
      places.push(`§${section}`);
    } else if ((m = /^\s*(?:,|\/|and\b|–|-)/.exec(rest))) {
      // A separator; the next token decides whether the list goes on.
    } else {
      return places;
    }
    rest = rest.slice(m[0].length);
  }
}

function hasPlace(doc: DocOutline, place: string): boolean {
  const item = /^§(\d+) item (\d+)$/.exec(place);
  if (item) return doc.items.get(item[1]!)?.has(Number(item[2])) ?? false;
  const id = place.slice(1);
  if (doc.sections.has(id)) return true;
  // "§12.11" also names item 11 of section 12.
  const [top, sub] = id.split('.');
  return sub !== undefined && (doc.items.get(top!)?.has(Number(sub)) ?? false);
}

const DOC_NAME = /(?<![\w-])docs\/([\w.-]+\.md)/g;
const README_SECTION = /README\.md, "([^"]+)"/g;
// Research notes that live beside the repository, not in it; built from parts so this file does
// not match itself.
const OUTSIDE = new RegExp(['\\bFACTS', '(?:-more-endpoints)?\\b', '|', '\\bDESIGN\\.md\\b'].join(''));

interface Problem {
  file: string;
  line: number;
  problem: string;
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

function check(): { problems: Problem[]; citations: number; places: number } {
  const outlines = new Map<string, DocOutline | null>();
  const outlineOf = (name: string): DocOutline | null => {
    if (!outlines.has(name)) {
      const file = path.join(ROOT, 'docs', name);
      outlines.set(name, existsSync(file) ? outline(readFileSync(file, 'utf8')) : null);
    }
    return outlines.get(name)!;
  };
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const readmeTitles = new Set(readme.split('\n').flatMap((l) => /^#+\s+(.+?)\s*$/.exec(l)?.[1] ?? []));

  const problems: Problem[] = [];
  let citations = 0;
  let places = 0;
  for (const full of scannedFiles()) {
    const file = path.relative(ROOT, full);
    if (file === SELF) continue;
    const text = readFileSync(full, 'utf8');
    for (const m of text.matchAll(DOC_NAME)) {
      citations++;
      const name = m[1]!;
      const doc = outlineOf(name);
      const line = lineOf(text, m.index);
      if (!doc) {
        problems.push({ file, line, problem: `docs/${name} does not exist` });
        continue;
      }
      for (const place of citedPlaces(text.slice(m.index + m[0].length))) {
        places++;
        if (!hasPlace(doc, place)) problems.push({ file, line, problem: `docs/${name} has no ${place}` });
      }
    }
    for (const m of text.matchAll(README_SECTION)) {
      citations++;
      if (!readmeTitles.has(m[1]!)) {
        problems.push({ file, line: lineOf(text, m.index), problem: `README.md has no section "${m[1]}"` });
      }
    }
    text.split('\n').forEach((l, i) => {
      const outside = OUTSIDE.exec(l);
      if (outside) problems.push({ file, line: i + 1, problem: `cites ${outside[0]}, which is not in the repository` });
    });
  }
  return { problems, citations, places };
}

describe('the citation parser', () => {
  const doc = outline(
    ['# T', '## 1. A', '### 1.2 B', '## 12. C', '1. one', '2. two', '3. three', '## 13. D'].join('\n'),
  );

  it('reads lists, ranges and items after a doc name', () => {
    expect(citedPlaces(' §1, §1.2 and §12 item 2). More §9')).toEqual(['§1', '§1.2', '§12', '§12 item 2']);
    expect(citedPlaces(' §5.3–5.4). After')).toEqual(['§5.3', '§5.4']);
    expect(citedPlaces(' §1–§4, `state`')).toEqual(['§1', '§4']);
    expect(citedPlaces(' §12 items 3–5 show')).toEqual(['§12', '§12 item 3', '§12 item 4', '§12 item 5']);
    expect(citedPlaces(' §5.2 / §12 item 14: the')).toEqual(['§5.2', '§12', '§12 item 14']);
    expect(citedPlaces(', with http(s) media')).toEqual([]);
  });

  it('finds headings, subsections and numbered items, and nothing else', () => {
    for (const place of ['§1', '§1.2', '§12', '§13', '§12 item 3', '§12.3']) expect(hasPlace(doc, place)).toBe(true);
    for (const place of ['§2', '§1.3', '§12 item 4', '§12.4', '§13 item 1', '§1 item 1'])
      expect(hasPlace(doc, place)).toBe(false);
  });
});

describe('citations in the repository', () => {
  it('point at docs and sections that exist, and at nothing outside the repository', () => {
    const { problems, citations, places } = check();
    console.log(`doc citations: ${citations} checked, ${places} cited sections or items, ${problems.length} broken`);
    expect(problems.map((p) => `${p.file}:${p.line}: ${p.problem}`)).toEqual([]);
    // The scan found the citations it exists for (the code cites docs/vidu-api.md throughout).
    expect(places).toBeGreaterThan(100);
  });
});
