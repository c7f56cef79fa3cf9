// The subject library's schemas (vidu/schemas/subjects.ts, contract/subjects.ts), reference2video's
// subjects[].server_id rules (vidu/endpoints/reference2video.ts) and the ownership rule's pure
// parts (activities/subjects.ts): what docs/vidu-api-subjects.md documents is accepted, the rest
// refused naming the field, and no id can make a record key that leaves its owner's folder.
import { describe, expect, it } from 'vitest';
import { serverIdIssues, subjectRecordKey } from '../../activities/subjects';
import { SubjectCreateBody, SubjectEditBody, subjectMarker, withoutMarker } from '../../contract/subjects';
import type { ArchiveStore } from '../../platform/stores/archive-store';
import { describeZodError } from '../../vidu/schemas';
import { Reference2VideoRequest } from '../../vidu/endpoints/reference2video';
import {
  SubjectCreateRequest,
  SubjectCreateResponse,
  SubjectListQuery,
  SubjectListResponse,
  SubjectUpdateRequest,
} from '../../vidu/schemas/subjects';

const img = 'https://cdn.example.com/a.png';
const problems = (schema: { safeParse(v: unknown): any }, value: unknown): string[] => {
  const r = schema.safeParse(value);
  return r.success ? [] : describeZodError(r.error);
};

describe('subject schemas', () => {
  it('create: a name and 1–3 images, one video at most, no unknown field', () => {
    expect(problems(SubjectCreateRequest, { name: 'hero', images: [img] })).toEqual([]);
    expect(
      problems(SubjectCreateRequest, { name: 'hero', images: [img], videos: ['https://a/v.mp4'], voice_id: 'v1' }),
    ).toEqual([]);
    expect(problems(SubjectCreateRequest, { name: 'hero' }).join()).toMatch(/images is required \(1–3 images\)/);
    expect(problems(SubjectCreateRequest, { name: 'hero', images: [img, img, img, img] }).join()).toMatch(
      /images must contain 1–3 images \(got 4\)/,
    );
    expect(problems(SubjectCreateRequest, { name: 'hero', images: [img], videos: ['a', 'b'] }).join()).toMatch(
      /videos/,
    );
    expect(problems(SubjectCreateRequest, { images: [img] }).join()).toMatch(/name/);
    expect(problems(SubjectCreateRequest, { name: 'hero', images: [img], style: 'x' }).join()).toMatch(
      /unknown field "style"/,
    );
  });

  it('edit, list query and answers', () => {
    expect(problems(SubjectUpdateRequest, { id: '1', style: 'x'.repeat(101) }).join()).toMatch(/style/);
    expect(problems(SubjectUpdateRequest, { id: '1', name: 'x'.repeat(65) }).join()).toMatch(/name/);
    expect(problems(SubjectListQuery, { count: '101' }).join()).toMatch(/count/);
    expect(SubjectListQuery.parse({ count: '20', subject_ids: ['1'] })).toEqual({ count: 20, subject_ids: ['1'] });
    // Loose answers: numeric ids become strings, null lists empty, unknown fields kept.
    expect(SubjectCreateResponse.parse({ id: 42, name: 'hero', images: null, credits: '5', extra: 1 })).toMatchObject({
      id: '42',
      images: [],
      videos: [],
      credits: 5,
      extra: 1,
    });
    expect(SubjectListResponse.parse({ subjects: null })).toEqual({ subjects: [], next_page_token: '' });
  });

  it('the caller’s bodies keep room for the marker, and the marker comes off every shown name', () => {
    expect(SubjectCreateBody.safeParse({ name: 'x'.repeat(50), images: [img] }).success).toBe(true);
    expect(SubjectCreateBody.safeParse({ name: 'x'.repeat(51), images: [img] }).success).toBe(false);
    expect(SubjectEditBody.safeParse({}).success).toBe(false);
    expect(SubjectCreateBody.safeParse({ name: 'x ~vf0123456789', images: [img] }).success).toBe(false);
    expect(SubjectEditBody.safeParse({ name: 'x ~vf0123456789' }).success).toBe(false);
    const marker = subjectMarker('0123456789abcdef');
    expect(marker).toBe(' ~vf0123456789');
    expect(withoutMarker(`hero${marker}`)).toBe('hero');
    expect(withoutMarker('hero ~vf')).toBe('hero ~vf');
  });
});

describe('reference2video subjects[].server_id', () => {
  const base = { prompt: '[@1] waves', duration: 4 };
  it('takes a stored subject without images, with the models every copy agrees on', () => {
    for (const model of ['viduq2', 'viduq1', 'vidu2.0'])
      expect(
        problems(Reference2VideoRequest, {
          ...base,
          model,
          duration: model === 'vidu2.0' ? 4 : 5,
          subjects: [{ name: '1', server_id: '9' }],
        }),
        model,
      ).toEqual([]);
  });
  it('refuses it with other models, naming subjects[i].server_id', () => {
    for (const model of ['viduq2-pro', 'viduq3', 'viduq3-mix'])
      expect(
        problems(Reference2VideoRequest, {
          ...base,
          model,
          duration: 5,
          subjects: [{ name: '1', server_id: '9' }],
        }).join(),
        model,
      ).toMatch(/subjects\[0\]\.server_id: a stored subject is accepted with viduq2, viduq1, vidu2\.0 only/);
  });
  it('still wants images when no subject is stored', () => {
    expect(
      problems(Reference2VideoRequest, { ...base, model: 'viduq2', duration: 5, subjects: [{ name: '1' }] }).join(),
    ).toMatch(/subjects must carry 1–7 images in total \(got 0\)/);
  });
});

describe('the ownership rule', () => {
  it('never makes a record key outside the owner’s folder', () => {
    expect(subjectRecordKey('key-alice', '900000000000004097')).toBe('subjects/key-alice/900000000000004097.json');
    for (const hostile of ['../key-bob/1', '..', 'a/b', '', '1.json', '1\0', 'x'.repeat(129)])
      expect(subjectRecordKey('key-alice', hostile), hostile).toBeUndefined();
  });

  it('a server_id is the owner’s only when the owner’s record exists: another owner’s is an unknown one', async () => {
    const read: string[] = [];
    const archive = {
      readJson: async (key: string) => {
        read.push(key);
        return key === 'subjects/key-alice/7.json' ? { id: '7', owner: 'key-alice' } : undefined;
      },
    } as unknown as ArchiveStore;
    const req = {
      subjects: [
        { name: '1', server_id: '7' },
        { name: '2', images: [img] },
        { name: '3', server_id: '../7' },
      ],
    };
    expect(await serverIdIssues(archive, 'key-alice', req)).toEqual([
      'subjects[2].server_id: no subject "../7" of yours; create one first (vidu-flow subjects create, POST /v1/subjects)',
    ]);
    const mallory = await serverIdIssues(archive, 'key-mallory', req);
    expect(mallory[0]).toBe(
      'subjects[0].server_id: no subject "7" of yours; create one first (vidu-flow subjects create, POST /v1/subjects)',
    );
    expect(read).toEqual(['subjects/key-alice/7.json', 'subjects/key-mallory/7.json']);
    expect(await serverIdIssues(undefined, 'key-alice', req)).toHaveLength(2);
  });
});
