import { GENERATION_KINDS } from '../../vidu/endpoints';
import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import {
  BoolLike,
  CallbackUrl,
  ClientRequestId,
  describeZodError,
  IntLike,
  isTerminalState,
  MediaRef,
  parseOrThrow,
  Payload,
  Prompt,
  SchemaValidationError,
  TaskState,
  TERMINAL_STATES,
  WmPosition,
} from '../../vidu/schemas';

function messages(schema: z.ZodType, value: unknown): string[] {
  const r = schema.safeParse(value);
  if (r.success) throw new Error(`expected ${JSON.stringify(value)} to be rejected`);
  return describeZodError(r.error);
}

describe('TaskState', () => {
  it.each(['created', 'queueing', 'scheduled', 'processing', 'success', 'failed'])('accepts %s', (s) => {
    expect(TaskState.parse(s)).toBe(s);
  });

  it('rejects an unknown state, naming the allowed ones', () => {
    expect(messages(z.object({ state: TaskState }), { state: 'done' })).toEqual([
      'state: state must be one of created, queueing, scheduled, processing, success, failed (got "done")',
    ]);
  });

  it('treats only success and failed as terminal', () => {
    expect([...TERMINAL_STATES].sort()).toEqual(['failed', 'success']);
    expect(TaskState.options.filter((s) => isTerminalState(s))).toEqual(['success', 'failed']);
    expect(isTerminalState('scheduled')).toBe(false);
  });
});

describe('GENERATION_KINDS (the endpoint registry)', () => {
  it('starts with the four original generation kinds', () => {
    expect(GENERATION_KINDS.slice(0, 4)).toEqual(['img2video', 'reference2video', 'reference2image', 'image2dance']);
  });
});

describe('BoolLike (docs/vidu-api.md §12 item 4)', () => {
  it.each([
    [true, true],
    [false, false],
    ['true', true],
    ['false', false],
  ] as const)('reads %j as %j', (input, out) => {
    expect(BoolLike.parse(input)).toBe(out);
  });

  it.each(['yes', 'TRUE', 1, 0, null])('rejects %j, naming the field', (input) => {
    const [line] = messages(z.object({ watermark: BoolLike }), { watermark: input });
    expect(line).toMatch(/^watermark: watermark must be true or false/);
  });
});

describe('IntLike (docs/vidu-api.md §12 items 3, 5)', () => {
  it.each([
    [5, 5],
    ['0', 0],
    ['12345', 12345],
  ] as const)('reads %j as %j', (input, out) => {
    expect(IntLike.parse(input)).toBe(out);
  });

  it.each([1.5, '1.5', '-1', '', 'abc', '1e3', Number.MAX_SAFE_INTEGER + 2, true])('rejects %j', (input) => {
    const [line] = messages(z.object({ seed: IntLike }), { seed: input });
    expect(line).toMatch(/^seed: seed must be an integer or a string of digits/);
  });
});

describe('MediaRef', () => {
  it.each([
    'https://example.com/a.png',
    'http://127.0.0.1:8080/img?x=1',
    'HTTPS://EXAMPLE.COM/A.PNG',
    'data:image/png;base64,iVBORw0KGgo=',
    'data:video/mp4;base64,AAAA',
    'data:image/jpeg;name=a.jpg;base64,/9j/',
  ])('accepts %s', (s) => {
    expect(MediaRef.parse(s)).toBe(s);
  });

  it.each([
    'not a url',
    'ftp://example.com/a.png',
    '//example.com/a.png',
    'https://',
    'data:image/png,iVBOR',
    'data:;base64,iVBOR',
    'data:image/png;base64,',
    'image/png;base64,iVBOR',
    '',
  ])('rejects %j and says what was expected', (s) => {
    const [line] = messages(z.object({ images: z.array(MediaRef) }), { images: [s] });
    expect(line).toContain('images[0]: images[0] must be an http(s) URL or a data URI like data:image/png;base64,');
  });

  it('truncates a huge offending value in the message', () => {
    const [line] = messages(z.object({ image_url: MediaRef }), { image_url: 'x'.repeat(5_000_000) });
    expect(line!.length).toBeLessThan(300);
    expect(line).toContain('(5000000 chars)');
  });
});

describe('Payload', () => {
  it('accepts exactly 1,048,576 characters', () => {
    expect(Payload.parse('p'.repeat(1_048_576))).toHaveLength(1_048_576);
  });

  it('rejects 1,048,577 characters, naming the field and the limit', () => {
    expect(messages(z.object({ payload: Payload }), { payload: 'p'.repeat(1_048_577) })).toEqual([
      'payload: payload must be at most 1048576 characters (got 1048577)',
    ]);
  });
});

describe('Prompt', () => {
  it('accepts 2000 characters', () => {
    expect(Prompt.parse('a'.repeat(2000))).toHaveLength(2000);
  });

  it('rejects 2001 characters', () => {
    expect(messages(z.object({ prompt: Prompt }), { prompt: 'a'.repeat(2001) })).toEqual([
      'prompt: prompt must be at most 2000 characters (got 2001)',
    ]);
  });

  it('counts characters, not UTF-16 units (2000 emoji are 4000 units)', () => {
    expect(Prompt.safeParse('😀'.repeat(2000)).success).toBe(true);
    expect(messages(z.object({ prompt: Prompt }), { prompt: '😀'.repeat(2001) })[0]).toContain('(got 2001)');
  });
});

describe('CallbackUrl and ClientRequestId', () => {
  it.each(['https://hooks.example.com/vidu?x=1', 'http://localhost:3000/cb'])('accepts %s', (u) => {
    expect(CallbackUrl.parse(u)).toBe(u);
  });

  it.each(['hooks.example.com', 'data:image/png;base64,AAAA', 'ws://x'])('rejects %j', (u) => {
    expect(messages(z.object({ callback_url: CallbackUrl }), { callback_url: u })[0]).toMatch(
      /^callback_url: callback_url must be an http\(s\) URL/,
    );
  });

  it('caps client_request_id at 128 characters', () => {
    expect(ClientRequestId.parse('k'.repeat(128))).toHaveLength(128);
    expect(messages(z.object({ client_request_id: ClientRequestId }), { client_request_id: 'k'.repeat(129) })).toEqual([
      'client_request_id: client_request_id must be at most 128 characters (got 129 characters)',
    ]);
  });
});

describe('WmPosition (docs/vidu-api.md §12 item 6)', () => {
  it.each([
    ['1', 1],
    [4, 4],
    ['3', 3],
  ] as const)('reads %j as %j', (input, out) => {
    expect(WmPosition.parse(input)).toBe(out);
  });

  it.each([0, 5, '5', 'top_left', 2.5])('rejects %j', (input) => {
    expect(messages(z.object({ wm_position: WmPosition }), { wm_position: input })[0]).toMatch(
      /^wm_position: wm_position must be 1, 2, 3 or 4/,
    );
  });
});

describe('describeZodError / parseOrThrow', () => {
  const Schema = z.strictObject({ images: z.array(MediaRef), nested: z.object({ n: IntLike }) });

  it('renders one "<path>: <message>" line per problem, unknown fields included', () => {
    const lines = messages(Schema, { images: ['nope'], nested: { n: 'x' }, extra: 1, other: 2 });
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^images\[0\]: /);
    expect(lines[1]).toMatch(/^nested\.n: nested\.n must be an integer/);
    expect(lines.slice(2)).toEqual([
      'extra: unknown field "extra" is not accepted',
      'other: unknown field "other" is not accepted',
    ]);
  });

  it('throws a SchemaValidationError listing every problem', () => {
    let caught: unknown;
    try {
      parseOrThrow(Schema, { images: ['nope'], nested: { n: 1 } }, 'test request');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SchemaValidationError);
    const err = caught as SchemaValidationError;
    expect(err.message).toMatch(/^invalid test request:\n {2}- images\[0\]: /);
    expect(err.problems).toHaveLength(1);
  });

  it('returns the parsed value when valid', () => {
    expect(parseOrThrow(Schema, { images: [], nested: { n: '7' } }, 'x')).toEqual({ images: [], nested: { n: 7 } });
  });
});
