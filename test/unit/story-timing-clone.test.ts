// template-story, timing2audio and audio-clone (issue 20 §4) through the registry: a bad-input
// table per endpoint (each message names the field and the rule, and the workflow contract refuses
// it before anything starts), template-story's 9:16 rule, the prices, the CLI flags.
import { describe, expect, it } from 'vitest';
import { prepareStart, requestFlagsFor } from '../../cli/args';
import { checkGenerationInput } from '../../contract/generation-input';
import { ENDPOINTS, type GenerationKind } from '../../vidu/endpoints';
import { estimateCredits } from '../../vidu/prices';
import { NEW_ENDPOINT_EXAMPLES } from '../helpers/endpoint-examples';

type Kind = 'templateStory' | 'timing2audio' | 'audioClone';
const IMG = 'https://cdn.example.com/a.png';
const AUDIO = 'https://cdn.example.com/sample.wav';

const issues = (kind: GenerationKind, request: Record<string, unknown>): string[] => {
  const r = ENDPOINTS[kind].request.safeParse(request);
  return r.success ? [] : r.error.issues.map((i) => i.message);
};
const withField = (kind: Kind, patch: Record<string, unknown>) => ({ ...NEW_ENDPOINT_EXAMPLES[kind], ...patch });
const withOut = (kind: Kind, field: string) =>
  Object.fromEntries(Object.entries(NEW_ENDPOINT_EXAMPLES[kind]).filter(([k]) => k !== field));

const BAD: Array<[Kind, Record<string, unknown>, string[]]> = [
  // template-story (docs/vidu-api-more-endpoints.md §6)
  [
    'templateStory',
    withOut('templateStory', 'story'),
    ['story must be one of love_story, workday_feels, monkey_king, pigsy, monk_tang, one_shot (got nothing)'],
  ],
  [
    'templateStory',
    withField('templateStory', { story: 'fairy_tale' }),
    ['story must be one of love_story, workday_feels, monkey_king, pigsy, monk_tang, one_shot (got "fairy_tale")'],
  ],
  ['templateStory', withField('templateStory', { images: [] }), ['images must contain 1–7 images (got 0)']],
  [
    'templateStory',
    withField('templateStory', { model: 'viduq2' }),
    ['unknown field "model" is not accepted by template-story'],
  ],
  [
    'templateStory',
    withField('templateStory', { prompt: 'p' }),
    ['unknown field "prompt" is not accepted by template-story'],
  ],
  [
    'templateStory',
    withField('templateStory', { duration: 5 }),
    ['unknown field "duration" is not accepted by template-story'],
  ],
  [
    'templateStory',
    withField('templateStory', { seed: 1 }),
    ['unknown field "seed" is not accepted by template-story'],
  ],
  // timing2audio (§9.2)
  [
    'timing2audio',
    withOut('timing2audio', 'timing_prompts'),
    ['timing_prompts is required (at least 1 timing prompt)'],
  ],
  [
    'timing2audio',
    withField('timing2audio', { timing_prompts: [] }),
    ['timing_prompts must contain at least 1 timing prompt (got 0)'],
  ],
  ['timing2audio', withField('timing2audio', { duration: 1 }), ['duration must be between 2 and 10 s (got 1)']],
  ['timing2audio', withField('timing2audio', { duration: 11 }), ['duration must be between 2 and 10 s (got 11)']],
  [
    'timing2audio',
    withField('timing2audio', { timing_prompts: [{ from: 3, to: 3, prompt: 'x' }] }),
    ['timing_prompts[0]: from must be before to (got from 3, to 3)'],
  ],
  [
    'timing2audio',
    withField('timing2audio', { duration: 4, timing_prompts: [{ from: 1, to: 5, prompt: 'x' }] }),
    ['timing_prompts[0].to must be at most the duration, 4 s (got 5)'],
  ],
  [
    'timing2audio',
    // Without a duration the sound lasts 10 s (the default).
    { model: 'audio1.0', timing_prompts: [{ from: 0, to: 10.5, prompt: 'x' }] },
    [
      'timing_prompts[0].to must be between 0 and 10 s (got 10.5)',
      'timing_prompts[0].to must be at most the duration, 10 s (got 10.5)',
    ],
  ],
  [
    'timing2audio',
    withField('timing2audio', { timing_prompts: [{ from: -1, to: 2, prompt: 'x' }] }),
    ['timing_prompts[0].from must be between 0 and 10 s (got -1)'],
  ],
  [
    'timing2audio',
    withField('timing2audio', { timing_prompts: [{ from: 0, to: 2, prompt: 'x'.repeat(1501) }] }),
    ['prompt must be at most 1500 characters (got 1501)'],
  ],
  [
    'timing2audio',
    withField('timing2audio', { timing_prompts: [{ from: 0, to: 2, prompt: 'x', volume: 3 }] }),
    ['unknown field "volume" is not accepted'],
  ],
  [
    'timing2audio',
    withField('timing2audio', { model: 'audio2.0' }),
    ['model: unknown model "audio2.0" for timing2audio; expected one of audio1.0'],
  ],
  // audio-clone (§9.4)
  ['audioClone', withOut('audioClone', 'audio_url'), ['audio_url is required']],
  ['audioClone', withOut('audioClone', 'text'), ['text is required']],
  [
    'audioClone',
    withField('audioClone', { text: 'x'.repeat(1001) }),
    ['text must be at most 1000 characters (got 1001)'],
  ],
  [
    'audioClone',
    withField('audioClone', { voice_id: 'short' }),
    ['voice_id must be 8–240 characters (got 5) (got "short")'],
  ],
  [
    'audioClone',
    withField('audioClone', { voice_id: '1narrator' }),
    ['voice_id must start with a letter, hold only letters, digits, - and _, and not end in - or _ (got "1narrator")'],
  ],
  [
    'audioClone',
    withField('audioClone', { voice_id: 'narrator_' }),
    ['voice_id must start with a letter, hold only letters, digits, - and _, and not end in - or _ (got "narrator_")'],
  ],
  [
    'audioClone',
    withField('audioClone', { voice_id: 'clone:narrator-01' }),
    [
      'voice_id must start with a letter, hold only letters, digits, - and _, and not end in - or _ (got "clone:narrator-01")',
    ],
  ],
  [
    'audioClone',
    withField('audioClone', { voice_id: `n${'a'.repeat(240)}` }),
    ['voice_id must be 8–240 characters (got 241) (got "' + `n${'a'.repeat(240)}` + '")'],
  ],
  [
    'audioClone',
    withField('audioClone', { prompt_audio_url: AUDIO }),
    ['prompt_text is required with prompt_audio_url (the words the sample says)'],
  ],
  [
    'audioClone',
    withField('audioClone', { prompt_text: 'Hello there.' }),
    ['prompt_text applies only with prompt_audio_url (the sample it transcribes)'],
  ],
  [
    'audioClone',
    withField('audioClone', { prompt_audio_url: AUDIO, prompt_text: 'Hello there' }),
    ['prompt_text must end with punctuation (e.g. "." or "。")'],
  ],
  [
    'audioClone',
    withField('audioClone', { callback_url: 'https://example.com/cb' }),
    ['unknown field "callback_url" is not accepted by audio-clone'],
  ],
];

describe('bad input per endpoint: template-story, timing2audio, audio-clone', () => {
  it.each(
    BAD.map(([kind, request, expected], i) => [`${kind} #${i}: ${expected[0]}`, kind, request, expected] as const),
  )('%s', (_name, kind, request, expected) => {
    const got = issues(kind, request);
    for (const e of expected)
      expect(
        got.some((m) => m.includes(e)),
        `${JSON.stringify(got)} has ${e}`,
      ).toBe(true);
    expect(checkGenerationInput(kind, { request })).not.toEqual([]);
  });

  it('accepts the examples and the documented edges', () => {
    for (const kind of ['templateStory', 'timing2audio', 'audioClone'] as const)
      expect(checkGenerationInput(kind, { request: NEW_ENDPOINT_EXAMPLES[kind] })).toEqual([]);
    const edges = {
      model: 'audio1.0',
      duration: 2,
      timing_prompts: [
        { from: 0, to: 2, prompt: 'a' },
        { from: 0.5, to: 1.5, prompt: 'overlaps are allowed' },
      ],
    };
    expect(issues('timing2audio', edges)).toEqual([]);
    expect(issues('audioClone', withField('audioClone', { voice_id: `n${'a'.repeat(238)}9` }))).toEqual([]);
    expect(issues('audioClone', withField('audioClone', { prompt_audio_url: AUDIO, prompt_text: '你好。' }))).toEqual(
      [],
    );
  });
});

describe('template-story images', () => {
  const rule = ENDPOINTS.templateStory.mediaRule!;
  const sizes = (...s: Array<[number, number]>) =>
    new Map(s.map(([width, height], i) => [`images[${i}]`, { width, height }]));

  it('are 9:16 (within 2 %), except for story one_shot', () => {
    expect(rule(sizes([1080, 1920], [720, 1280]), { story: 'love_story' })).toEqual([]);
    expect(rule(sizes([1080, 1900]), { story: 'pigsy' })).toEqual([]);
    expect(rule(sizes([1080, 1920], [1920, 1080]), { story: 'love_story' })).toEqual([
      'images[1]: template-story takes 9:16 images except for story one_shot (got 1920×1080, story "love_story")',
    ]);
    expect(rule(sizes([1920, 1080], [640, 640]), { story: 'one_shot' })).toEqual([]);
  });
});

describe('prices and CLI', () => {
  it('prices timing2audio as text2audio; template-story and audio-clone are unpriced and say why', () => {
    expect(estimateCredits('timing2audio', NEW_ENDPOINT_EXAMPLES.timing2audio).credits).toBe(10);
    expect(estimateCredits('timing2audio', { model: 'audio1.0', timing_prompts: [] }).credits).toBe(20);
    expect(estimateCredits('templateStory', NEW_ENDPOINT_EXAMPLES.templateStory).unpriced).toMatch(
      /no source prices template-story/,
    );
    expect(estimateCredits('audioClone', NEW_ENDPOINT_EXAMPLES.audioClone).unpriced).toMatch(
      /clone fee is unpublished/,
    );
  });

  it('declares its flags: --story, --audio-url, --voice-id, --text', () => {
    expect(requestFlagsFor('templateStory').map((f) => f.flag)).toContain('story');
    expect(requestFlagsFor('audioClone').map((f) => f.flag)).toEqual(
      expect.arrayContaining(['audio-url', 'voice-id', 'text']),
    );
    const ctx = { cwd: '/tmp', readFile: () => '' };
    const story = prepareStart('templateStory', { story: 'love_story', image: [IMG] }, ctx);
    expect(story.input.request).toEqual({ story: 'love_story', images: [IMG] });
    const clone = prepareStart('audioClone', { audioUrl: AUDIO, voiceId: 'narrator-01', text: 'Hi.' }, ctx);
    expect(clone.input.request).toEqual({ audio_url: AUDIO, voice_id: 'narrator-01', text: 'Hi.' });
  });
});
