// Hostile workflow ids are refused before anything runs: by the client (start, startAdFilm,
// startBatch, createSchedule's compile step) and by the CLI, which names --workflow-id and the rule.
// The activities check them again (test/unit/workflow-ids.test.ts, test/workflow/archive-large.test.ts).

import type { Client } from '@temporalio/client';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../cli/actions';
import { runCli } from '../../cli/program';
import { InvalidGenerationInput, ViduFlowClient } from '../../client/index';
import { compileSchedule, InvalidScheduleOptions } from '../../client/schedules';

const HOSTILE = ['x/../victim', '..', '.', '/etc/passwd', 'a\\b', 'C:\\x', ''];
const IMG2VIDEO = { request: { model: 'viduq2', images: ['https://cdn.example.com/frame.png'], duration: 5 } };

/** A Temporal client that records every call it gets; the tests expect none. */
function recordingTemporal(): { client: Client; calls: string[] } {
  const calls: string[] = [];
  const record = (name: string) => async () => {
    calls.push(name);
    throw new Error(`unexpected call: ${name}`);
  };
  const client = {
    workflow: { start: record('workflow.start'), getHandle: record('workflow.getHandle') },
  } as unknown as Client;
  return { client, calls };
}

async function refusal(fn: () => Promise<unknown>): Promise<InvalidGenerationInput> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof InvalidGenerationInput) return err;
    throw err;
  }
  throw new Error('expected InvalidGenerationInput');
}

describe('the client refuses hostile workflow ids before starting anything', () => {
  it.each(HOSTILE)('start(..., { workflowId: %j })', async (workflowId) => {
    const { client, calls } = recordingTemporal();
    const flow = await ViduFlowClient.connect({ client });
    const err = await refusal(() => flow.start('img2video', IMG2VIDEO, { workflowId }));
    expect(err.issues).toEqual([expect.stringMatching(/^workflowId: .*letters, digits and \. _ : = -/)]);
    expect(err.message).toContain('nothing was started');
    expect(calls).toEqual([]);
  });

  it('startAdFilm and startBatch too', async () => {
    const { client, calls } = recordingTemporal();
    const flow = await ViduFlowClient.connect({ client });
    const film = await refusal(() =>
      flow.startAdFilm({ request: { images: ['https://cdn.example.com/p.png'] } }, { workflowId: 'x/../victim' }),
    );
    expect(film.issues).toEqual([expect.stringMatching(/^workflowId: "x\/\.\.\/victim" must be/)]);
    const batch = await refusal(() => flow.startBatch('/data/b.jsonl', { workflowId: 'x/../victim' }));
    expect(batch.issues).toContainEqual(expect.stringMatching(/^workflowId: "x\/\.\.\/victim" must be/));
    expect(calls).toEqual([]);
  });

  it('a schedule id follows the same rule (its runs are <scheduleId>-<time>)', () => {
    expect(() =>
      compileSchedule(
        { scheduleId: 'x/../victim', spec: { every: '1h' }, action: { kind: 'img2video', input: IMG2VIDEO } },
        'q',
      ),
    ).toThrow(InvalidScheduleOptions);
    expect(() =>
      compileSchedule(
        { scheduleId: 'nightly=1', spec: { every: '1h' }, action: { kind: 'img2video', input: IMG2VIDEO } },
        'q',
      ),
    ).not.toThrow();
  });

  it('an id the rule accepts goes through to Temporal', async () => {
    const { client, calls } = recordingTemporal();
    const flow = await ViduFlowClient.connect({ client });
    await expect(flow.start('img2video', IMG2VIDEO, { workflowId: 'order-42_v2:x=1' })).rejects.toThrow(
      'unexpected call: workflow.start',
    );
    expect(calls).toEqual(['workflow.start']);
  });
});

describe('the CLI refuses a hostile --workflow-id (exit 2, nothing connected)', () => {
  async function run(args: string[]): Promise<{ code: number; stderr: string; connects: number }> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let errText = '';
    stderr.on('data', (c: Buffer) => (errText += c.toString()));
    let connects = 0;
    const io: CliIO = {
      stdout,
      stderr,
      cwd: '/home/me',
      readFile: () => '{"kind":"img2video","request":{"model":"viduq2","images":["https://cdn.example.com/a.png"]}}\n',
      fileExists: () => true,
      connect: async () => {
        connects += 1;
        throw new Error('must not connect');
      },
      onInterrupt: () => () => undefined,
    };
    const code = await runCli(args, io);
    await new Promise((r) => setImmediate(r));
    return { code, stderr: errText, connects };
  }

  it.each([
    [
      'img2video',
      ['img2video', '--model', 'viduq2', '--image', 'https://cdn.example.com/a.png', '--workflow-id', 'x/../victim'],
    ],
    [
      'img2video --dry-run',
      [
        'img2video',
        '--model',
        'viduq2',
        '--image',
        'https://cdn.example.com/a.png',
        '--workflow-id',
        '..',
        '--dry-run',
      ],
    ],
    ['ad-film', ['ad-film', '--image', 'https://cdn.example.com/a.png', '--workflow-id', '/etc/passwd']],
    ['batch', ['batch', 'lines.jsonl', '--workflow-id', 'x/../victim']],
  ])('%s', async (_name, args) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.connects).toBe(0);
    expect(r.stderr).toMatch(
      /--workflow-id: .* must be a caller-chosen workflow id: 1–200 characters of letters, digits and \. _ : = -/,
    );
  });
});
