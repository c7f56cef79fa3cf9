// api/studio/input-images.ts: which inputs of a generation the studio shows as thumbnails.
import { describe, expect, it } from 'vitest';
import { inputImagesOf, isShownImage } from '../../api/studio/input-images';

const SHA = 'a'.repeat(64);

describe('the image inputs the studio shows', () => {
  it("the caller's own staged images and http(s) image URLs, never another owner's", () => {
    const request = {
      model: 'viduq2',
      prompt: `staged:key-alice/${SHA}.png`,
      images: [`staged:key-alice/${SHA}.png`, `staged:key-mallory/${SHA}.png`, 'https://cdn.example/a/b.JPG?x=1'],
      video_url: `staged:key-alice/${SHA}.mp4`,
      start: `staged:${SHA}.png`,
      end: 'http://example.com/frame.webp',
      other: 'ftp://example.com/x.png',
    };
    expect(inputImagesOf(request, 'key-alice')).toEqual([
      { field: 'prompt', ref: `staged:key-alice/${SHA}.png` },
      { field: 'images', ref: `staged:key-alice/${SHA}.png` },
      { field: 'images', ref: 'https://cdn.example/a/b.JPG?x=1' },
      { field: 'end', ref: 'http://example.com/frame.webp' },
    ]);
    expect(inputImagesOf(request, 'key-mallory').map((i) => i.ref)).toContain(`staged:key-mallory/${SHA}.png`);
    expect(inputImagesOf(undefined, 'key-alice')).toEqual([]);
  });

  it('refuses malformed references and non-image URLs', () => {
    expect(isShownImage(`staged:key-alice/../${SHA}.png`, 'key-alice')).toBe(false);
    expect(isShownImage(`staged:key-alice/${SHA}.png`, 'operator')).toBe(false);
    expect(isShownImage('https://example.com/video.mp4', 'key-alice')).toBe(false);
    expect(isShownImage('javascript:alert(1)//.png', 'key-alice')).toBe(false);
  });
});
