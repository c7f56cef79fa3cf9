// `vidu-flow estimate …` (cli/estimate.ts): the start command's flags, no connection to Temporal,
// the total of a batch file by model with the lines it could not price, and the exit codes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIO } from '../../cli/actions';
import { runCli } from '../../cli/program';

async function run(args: string[], files: Record<string, string> = {}) {
  let out = '';
  let err = '';
  let connects = 0;
  const io: CliIO = {
    stdout: { write: (s: string) => ((out += s), true) } as never,
    stderr: { write: (s: string) => ((err += s), true) } as never,
    cwd: '/work',
    readFile: (f) => {
      const text = files[f];
      if (text === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      return text;
    },
    fileExists: () => true,
    connect: async () => {
      connects += 1;
      throw new Error('estimate must not connect');
    },
    onInterrupt: () => () => undefined,
  };
  const code = await runCli(['estimate', ...args], io);
  return { code, out, err, connects };
}

const saved = process.env.VIDU_FLOW_PRICES_FILE;
afterEach(() => {
  if (saved === undefined) delete process.env.VIDU_FLOW_PRICES_FILE;
  else process.env.VIDU_FLOW_PRICES_FILE = saved;
});

describe('vidu-flow estimate', () => {
  it('prices a generation from the start flags, without connecting', async () => {
    const r = await run(['img2video', '--model', 'viduq1', '--image', 'https://x.example/a.png', '--off-peak']);
    expect(r).toMatchObject({ code: 0, connects: 0 });
    expect(r.out).toMatch(
      /^estimate: 40 credits\n {2}img2video viduq1 1080p, 5 s: 80; off-peak half, rounded up: 40 = 40 credits/,
    );
  });

  it('--json prints the estimate; an unpriced request exits 1 with the reason', async () => {
    const j = await run([
      'text2video',
      '--model',
      'viduq2',
      '--prompt',
      'p',
      '--duration',
      '2',
      '--resolution',
      '540p',
      '--json',
    ]);
    expect(JSON.parse(j.out)).toMatchObject({ credits: 12, entry: { kind: 'text2video', model: 'viduq2' } });
    const u = await run(['template', '--template', 'hugging', '--image', 'https://x.example/a.png']);
    expect(u.code).toBe(1);
    expect(u.out).toMatch(/not priced: template: Vidu prices each template on its own/);
  });

  it('a batch file: total, by model, and the lines it could not price (an invalid line is one)', async () => {
    const lines = [
      { kind: 'img2video', request: { model: 'viduq1', images: ['https://x.example/a.png'], prompt: 'p' } },
      {
        kind: 'img2video',
        request: { model: 'viduq1', images: ['https://x.example/a.png'], prompt: 'p', off_peak: true },
      },
      { kind: 'reference2image', request: { model: 'viduq2', prompt: 'p', resolution: '4K' } },
      { kind: 'template', request: { template: 'hugging', images: ['https://x.example/a.png'] } },
    ].map((l) => JSON.stringify(l));
    const r = await run(['batch', 'jobs/b.jsonl'], { '/work/jobs/b.jsonl': `${lines.join('\n')}\n{"kind":\n` });
    expect(r.code).toBe(1);
    expect(r.out).toContain('estimate: 130 credits for 5 line(s) of jobs/b.jsonl (3 of 5 priced)');
    expect(r.out).toMatch(/by model:\n {2}viduq1 {2}120\n {2}viduq2 {2}10/);
    expect(r.out).toMatch(
      /could not be priced \(left out of the total\):\n {2}line 4: template: .*\n {2}line 5: invalid line: not valid JSON/,
    );
    expect((await run(['batch', 'missing.jsonl'])).code).toBe(2);
  });

  it('an AD film: create, each edit, compose, from the operator prices file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vf-cli-estimate-'));
    const file = path.join(dir, 'prices.json');
    writeFileSync(
      file,
      JSON.stringify([
        { kind: 'adFilm', model: '*', rule: { per: 'call', credits: 400 }, source: 'ops', readOn: '2026-12-01' },
        {
          kind: 'adFilmEdit',
          model: 'generate_bgm',
          rule: { per: 'call', credits: 20 },
          source: 'ops',
          readOn: '2026-12-01',
        },
        { kind: 'adFilmCompose', model: '*', rule: { per: 'call', credits: 40 }, source: 'ops', readOn: '2026-12-01' },
      ]),
    );
    process.env.VIDU_FLOW_PRICES_FILE = file;
    const r = await run(['ad-film', '--image', 'https://x.example/a.png', '--edit', 'bgm:jazz', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ credits: 460, unpriced: [] });
    writeFileSync(file, '[{"kind":"adFilm"}]');
    const bad = await run(['ad-film', '--image', 'https://x.example/a.png']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/prices\[0\] \(adFilm\)/);
  });
});
