import { describe, expect, it } from 'vitest';
import { mediaSlots, type MediaSlot } from '../../contract/media-fields';

function summary(slots: MediaSlot[]): Array<[string, string, string]> {
  return slots.map((s) => [s.path, s.field, s.value]);
}

describe('mediaSlots', () => {
  it('img2video: images only', () => {
    const request = { model: 'viduq2', images: ['./cat.png'], videos: ['./ignored.mp4'], image_url: 'x', prompt: 'p' };
    expect(summary(mediaSlots('img2video', request))).toEqual([['images[0]', 'images', './cat.png']]);
  });

  it('reference2video: images, videos, subjects[i].images and subjects[i].videos', () => {
    const request = {
      images: ['a.png', 'b.png'],
      videos: ['v.mp4'],
      subjects: [
        { name: '1', images: ['s0a.png', 's0b.png'], videos: ['s0.mp4'] },
        { name: '2', images: ['s1a.png'] },
      ],
    };
    expect(summary(mediaSlots('reference2video', request))).toEqual([
      ['images[0]', 'images', 'a.png'],
      ['images[1]', 'images', 'b.png'],
      ['videos[0]', 'videos', 'v.mp4'],
      ['subjects[0].images[0]', 'subjects.images', 's0a.png'],
      ['subjects[0].images[1]', 'subjects.images', 's0b.png'],
      ['subjects[1].images[0]', 'subjects.images', 's1a.png'],
      ['subjects[0].videos[0]', 'subjects.videos', 's0.mp4'],
    ]);
  });

  it('reference2image and ad-one-click: images', () => {
    expect(summary(mediaSlots('reference2image', { images: ['r.png'], prompt: 'p' }))).toEqual([
      ['images[0]', 'images', 'r.png'],
    ]);
    expect(summary(mediaSlots('ad-one-click', { images: ['p1.png', 'p2.png'] }))).toEqual([
      ['images[0]', 'images', 'p1.png'],
      ['images[1]', 'images', 'p2.png'],
    ]);
  });

  it('image2dance: image_url and video_url', () => {
    expect(
      summary(mediaSlots('image2dance', { image_url: 'person.png', video_url: 'dance.mp4', images: ['no.png'] })),
    ).toEqual([
      ['image_url', 'image_url', 'person.png'],
      ['video_url', 'video_url', 'dance.mp4'],
    ]);
  });

  it('finds nothing in a request without media', () => {
    expect(mediaSlots('reference2image', { prompt: 'text only' })).toEqual([]);
    expect(mediaSlots('image2dance', {})).toEqual([]);
    expect(mediaSlots('reference2video', { images: [], subjects: [] })).toEqual([]);
  });

  it('skips non-string entries but keeps the indices of the others', () => {
    const request = { images: ['a', 5, null, { url: 'x' }, 'b'] };
    expect(summary(mediaSlots('img2video', request))).toEqual([
      ['images[0]', 'images', 'a'],
      ['images[4]', 'images', 'b'],
    ]);
    expect(mediaSlots('image2dance', { image_url: 7, video_url: ['x'] })).toEqual([]);
  });

  it('ignores malformed containers', () => {
    expect(mediaSlots('img2video', { images: 'a.png' })).toEqual([]);
    expect(mediaSlots('reference2video', { subjects: 'nope' })).toEqual([]);
    expect(
      summary(mediaSlots('reference2video', { subjects: [null, 'x', 3, { images: 'a.png' }, { images: ['ok.png'] }] })),
    ).toEqual([['subjects[4].images[0]', 'subjects.images', 'ok.png']]);
  });

  it('set() writes into the request it was given', () => {
    const request: Record<string, unknown> = {
      images: ['a.png', 'b.png'],
      videos: ['v.mp4'],
      subjects: [{ name: '1', images: ['s.png'], videos: ['sv.mp4'] }],
    };
    for (const slot of mediaSlots('reference2video', request)) slot.set(`staged:${slot.path}`);
    expect(request).toEqual({
      images: ['staged:images[0]', 'staged:images[1]'],
      videos: ['staged:videos[0]'],
      subjects: [{ name: '1', images: ['staged:subjects[0].images[0]'], videos: ['staged:subjects[0].videos[0]'] }],
    });
  });

  it('set() on image2dance fields replaces the top-level values', () => {
    const request: Record<string, unknown> = { image_url: 'p.png', video_url: 'd.mp4', payload: 'keep' };
    const [image, video] = mediaSlots('image2dance', request);
    image?.set('https://cdn/p.png');
    video?.set('https://cdn/d.mp4');
    expect(request).toEqual({ image_url: 'https://cdn/p.png', video_url: 'https://cdn/d.mp4', payload: 'keep' });
  });

  it('set() on one slot leaves the others (and the slot value snapshot) alone', () => {
    const request = { images: ['a', 'b', 'c'] };
    const slots = mediaSlots('reference2image', request);
    slots[1]?.set('B');
    expect(request.images).toEqual(['a', 'B', 'c']);
    expect(slots[1]?.value).toBe('b');
  });
});
