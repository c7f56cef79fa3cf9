// schemas/README.md is what a team in another language reads (issue 22 item 5: "schemas/README.md
// matches the code"). Every ```json block in it names the schema it follows (```json <file>) and is
// validated against that file; the names it lists (schema files, workflow types, options, status
// phases, search attributes, failure types) are compared with the code they describe.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATION_KINDS } from '../../contract/generation-input';
import { FailureType } from '../../core/failure-types';
import { VIDU_SEARCH_ATTRIBUTES } from '../../core/search-attributes';
import Ajv2020 from 'ajv/dist/2020';
import { type Schema, validate } from '../helpers/json-schema-check';

const DIR = path.join(__dirname, '../../schemas');
const README = readFileSync(path.join(DIR, 'README.md'), 'utf8');
const schema = (name: string): Schema => JSON.parse(readFileSync(path.join(DIR, name), 'utf8')) as Schema;

interface Block {
  info: string;
  body: string;
  line: number;
}

/** Fenced code blocks (``` at any indentation), with their info string and first line number. */
function codeBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(.*)$/.exec(lines[i] as string);
    if (!open) continue;
    const indent = (open[1] as string).length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j] as string); j++)
      body.push((lines[j] as string).slice(indent));
    blocks.push({ info: (open[2] as string).trim(), body: body.join('\n'), line: i + 1 });
    i = j;
  }
  return blocks;
}

const jsonBlocks = codeBlocks(README).filter((b) => b.info.split(/\s+/)[0] === 'json');

/** The enum of a status schema's `phase`. */
const phases = (file: string): string[] =>
  ((schema(file).properties as Record<string, { enum: string[] }>).phase as { enum: string[] }).enum;

/** The paragraph (bullet) of the README that starts with `marker`. */
function paragraph(marker: string): string {
  const at = README.indexOf(marker);
  expect(at, marker).toBeGreaterThanOrEqual(0);
  const end = README.indexOf('\n- ', at + marker.length);
  return README.slice(at, end < 0 ? undefined : end);
}

describe('schemas/README.md matches the schemas and the code', () => {
  it('every json example names an existing schema and is valid against it', () => {
    const files = new Set(readdirSync(DIR));
    expect(jsonBlocks.length).toBeGreaterThanOrEqual(5);
    for (const block of jsonBlocks) {
      const name = block.info.split(/\s+/)[1];
      expect(name, `README line ${block.line}: name the schema, e.g. \`\`\`json img2video.input.schema.json`).toMatch(
        /\.schema\.json$/,
      );
      expect(files.has(name as string), `README line ${block.line}: ${name} does not exist`).toBe(true);
      let value: unknown;
      expect(() => (value = JSON.parse(block.body)), `README line ${block.line}: not JSON`).not.toThrow();
      // failures.schema.json uses $defs, oneOf and prefixItems, beyond the small checker: ajv (draft 2020-12) reads it.
      const s = schema(name as string);
      if ('$defs' in s) {
        const check = new Ajv2020({ strict: false }).compile(s);
        expect(check(value) ? [] : check.errors, `README line ${block.line} against ${name}`).toEqual([]);
      } else expect(validate(s, value), `README line ${block.line} against ${name}`).toEqual([]);
    }
  });

  it('the examples cover the starts and answers a caller needs first', () => {
    const named = jsonBlocks.map((b) => b.info.split(/\s+/)[1]);
    for (const name of [
      'img2video.input.schema.json',
      'generation.result.schema.json',
      'generation.status.schema.json',
      'adFilm.input.schema.json',
      'batch.input.schema.json',
    ]) {
      expect(named).toContain(name);
    }
  });

  it('the checker is not lenient: a broken example is refused', () => {
    const example = JSON.parse(
      (jsonBlocks.find((b) => b.info.endsWith('img2video.input.schema.json')) as Block).body,
    ) as { request: Record<string, unknown> };
    expect(
      validate(schema('img2video.input.schema.json'), {
        ...example,
        request: { ...example.request, callback_url: 'https://x.example' },
      }),
    ).toEqual(['$.request.callback_url: not allowed']);
  });

  it('lists every schema file and every workflow type', () => {
    for (const file of readdirSync(DIR).filter((f) => f.endsWith('.schema.json'))) {
      const kind = file.replace(/\.input\.schema\.json$/, '');
      const listed =
        README.includes(`\`${file}\``) ||
        ((GENERATION_KINDS as readonly string[]).includes(kind) && README.includes(`\`${kind}\``));
      expect(listed, file).toBe(true);
    }
    const types = paragraph('| Workflow type | the kind:');
    for (const kind of GENERATION_KINDS) expect(types, kind).toContain(`\`${kind}\``);
  });

  it('names every option, status phase, search attribute and failure type the code has', () => {
    const options = paragraph('- `options` is optional:');
    const optionNames = Object.keys(
      ((schema('img2video.input.schema.json').properties as Record<string, Schema>).options as Schema)
        .properties as Schema,
    );
    for (const name of optionNames) expect(options, `options.${name}`).toContain(`\`${name}\``);

    const generationStatus = paragraph('- **Query `status`** → `generation.status.schema.json`');
    for (const phase of phases('generation.status.schema.json'))
      expect(generationStatus, `generation phase ${phase}`).toContain(`\`${phase}\``);
    const filmStatus = paragraph('- **Query `status`** → `adFilm.status.schema.json`');
    for (const phase of phases('adFilm.status.schema.json'))
      expect(filmStatus, `adFilm phase ${phase}`).toContain(`\`${phase}\``);

    for (const key of VIDU_SEARCH_ATTRIBUTES) expect(README, key.name).toContain(`| \`${key.name}\` |`);
    for (const type of Object.values(FailureType)) expect(README, type).toContain(`\`${type}\``);
  });
});
