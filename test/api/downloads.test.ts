import { describe, expect, it } from 'vitest';
import { downloadPresigner } from '../../platform/downloads/presigner';

// GET /v1/generations/{id} signs download links for S3-archived results. Presigning is local
// (no request reaches S3), so this needs no server; test/e2e/api.test.ts downloads through them.

const env = {
  AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_S3_FORCE_PATH_STYLE: '1',
};
const result = {
  taskId: 't1',
  archive: {
    root: 's3://bucket/archive/g1',
    manifest: 's3://bucket/archive/g1/manifest.json',
    files: [{ name: 'c1.mp4', location: 's3://bucket/archive/g1/c1.mp4', sha256: 'ab'.repeat(32), bytes: 10 }],
  },
};

describe('download links in the generation view', () => {
  it('signs one link per archived s3:// file and the manifest, and none for a local archive', async () => {
    const presign = downloadPresigner({ env, expiresInSeconds: 600 });
    const links = await presign(result);
    expect(links?.map((l) => l.name).sort()).toEqual(['c1.mp4', 'manifest.json']);
    const file = links!.find((l) => l.name === 'c1.mp4')!;
    expect(file).toMatchObject({ location: 's3://bucket/archive/g1/c1.mp4', sha256: 'ab'.repeat(32), bytes: 10 });
    const url = new URL(file.url);
    expect(url.pathname).toBe('/bucket/archive/g1/c1.mp4');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(file.url).not.toContain('secret');
    expect(
      await presign({
        archive: { root: '/data/archive/g1', files: [{ name: 'c1.mp4', location: '/data/archive/g1/c1.mp4' }] },
      }),
    ).toBeUndefined();
  });

  it('answers without links (and logs once, no secret) when it cannot sign', async () => {
    const lines: string[] = [];
    const presign = downloadPresigner({
      env: {
        ...env,
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        AWS_CONFIG_FILE: '/nonexistent',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      log: (l) => lines.push(l),
    });
    expect(await presign(result)).toBeUndefined();
    expect(await presign(result)).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/download links not signed/);
  });
});
