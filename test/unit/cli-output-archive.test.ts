// The CLI says when optional extras (covers) could not be archived: in the result and in `status`.

import { describe, expect, it } from 'vitest';
import { formatAdFilmStatus, formatResult, formatStatus } from '../../cli/output';
import type { ArchiveResult, GenerationResult } from '../../core/generation-types';

const archive: ArchiveResult = {
  root: '/data/archive/img2video-key-a',
  manifest: '/data/archive/img2video-key-a/manifest.json',
  files: [
    {
      name: '901.mp4',
      role: 'video',
      creationId: '901',
      sha256: 'ab'.repeat(32),
      bytes: 2048,
      contentType: 'video/mp4',
      location: '/data/archive/img2video-key-a/901.mp4',
    },
  ],
  missing: [{ creationId: '901', role: 'cover', reason: 'creation "901" (cover): download failed with HTTP 500' }],
};
const exec = { workflowId: 'img2video-key-a', type: 'img2video', status: 'COMPLETED', startTime: new Date(0) };

describe('missing extras in CLI output', () => {
  it('the result lists each missing extra with its reason', () => {
    const result: GenerationResult = {
      kind: 'img2video',
      workflowId: 'img2video-key-a',
      taskId: 't',
      state: 'success',
      credits: 4,
      creations: [],
      archive,
    };
    expect(formatResult(result)).toContain(
      '  missing cover of creation 901: creation "901" (cover): download failed with HTTP 500',
    );
  });

  it('status says so, for generations and AD films', () => {
    const line =
      '/data/archive/img2video-key-a · 1 file(s) · 1 optional extra(s) missing: cover of 901 (creation "901" (cover): download failed with HTTP 500)';
    const row = new RegExp(`^archive +${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm');
    expect(
      formatStatus(exec, { kind: 'img2video', phase: 'done', state: 'success', progress: 100, updates: 0, archive }),
    ).toMatch(row);
    const film = formatAdFilmStatus(
      { ...exec, type: 'adFilm' },
      {
        phase: 'done',
        state: 'success',
        progress: 100,
        credits: 9,
        editsRunning: 0,
        edits: [],
        approved: false,
        archive,
      },
    );
    expect(film).toMatch(row);
  });

  it('says nothing about missing extras when none is missing', () => {
    const { missing: _missing, ...complete } = archive;
    expect(
      formatStatus(exec, {
        kind: 'img2video',
        phase: 'done',
        state: 'success',
        progress: 100,
        updates: 0,
        archive: complete,
      }),
    ).not.toContain('missing');
  });
});
