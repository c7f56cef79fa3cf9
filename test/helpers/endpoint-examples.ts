// A minimal valid request per endpoint added from docs/vidu-api-more-endpoints.md, with http(s) media, for
// the schema, contract and simulator tests.
const IMG = 'https://cdn.example.com/a.png';
const IMG2 = 'https://cdn.example.com/b.png';
const VIDEO = 'https://cdn.example.com/clip.mp4';

export const NEW_ENDPOINT_EXAMPLES = {
  text2video: { model: 'viduq2', prompt: 'a lighthouse at dusk, waves below', duration: 5, aspect_ratio: '9:16' },
  startEnd2video: { model: 'viduq2-turbo', images: [IMG, IMG2], prompt: 'day turns to night', duration: 4 },
  multiframe: {
    model: 'viduq2-pro',
    start_image: IMG,
    image_settings: [
      { key_image: IMG2, duration: 3 },
      { key_image: IMG, prompt: 'back again' },
    ],
  },
  upscale: { video_url: VIDEO, upscale_resolution: '2K' },
  text2audio: { model: 'audio1.0', prompt: 'rain on a tin roof', duration: 3 },
  audioTts: { text: 'Hello from vidu-flow.', voice_setting_voice_id: 'female-1' },
  template: { template: 'hugging', images: [IMG], prompt: 'two friends hug' },
  extend: { model: 'viduq2-turbo', video_url: VIDEO, duration: 3 },
  lipSync: { video_url: VIDEO, audio_url: 'https://cdn.example.com/voice.wav' },
  templateStory: { story: 'one_shot', images: [IMG] },
  timing2audio: { model: 'audio1.0', duration: 4, timing_prompts: [{ from: 0, to: 3, prompt: 'a door creaks' }] },
  audioClone: { audio_url: 'https://cdn.example.com/voice.mp3', voice_id: 'narrator-01', text: 'Hello in my voice.' },
} as const satisfies Record<string, Record<string, unknown>>;
