// Worker Versioning settings (worker/versioning-config.ts) and the behaviour table
// (workflows/versioning.ts): what decides which version a worker is and how each type moves.
import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../../worker/config';
import { buildIdOf } from '../../worker/versioning-config';
import { AUTO_UPGRADE_TYPES, WORKFLOW_VERSIONING } from '../../workflows/versioning';

const BASE = { VIDU_API_KEY: 'vk_test_versioning_0001' };

describe('worker versioning config', () => {
  it('defaults: deployment vidu-flow, build id from the bundle, promote the first version only', () => {
    expect(loadWorkerConfig(BASE).versioning).toEqual({ deploymentName: 'vidu-flow', promote: 'first' });
  });

  it('takes a deployment name, a build id and a promotion mode', () => {
    const config = loadWorkerConfig({
      ...BASE,
      VIDU_FLOW_DEPLOYMENT_NAME: 'studio',
      VIDU_FLOW_BUILD_ID: 'v2026-12-07',
      VIDU_FLOW_PROMOTE: 'never',
    });
    expect(config.versioning).toEqual({ deploymentName: 'studio', buildId: 'v2026-12-07', promote: 'never' });
  });

  it("takes the Worker Controller's TEMPORAL_DEPLOYMENT_NAME and TEMPORAL_WORKER_BUILD_ID when the VIDU_FLOW_ names are unset", () => {
    const injected = { ...BASE, TEMPORAL_DEPLOYMENT_NAME: 'vidu-flow-k8s', TEMPORAL_WORKER_BUILD_ID: '5f1c0ab' };
    expect(loadWorkerConfig(injected).versioning).toEqual({
      deploymentName: 'vidu-flow-k8s',
      buildId: '5f1c0ab',
      promote: 'first',
    });
    expect(
      loadWorkerConfig({ ...injected, VIDU_FLOW_DEPLOYMENT_NAME: 'mine', VIDU_FLOW_BUILD_ID: 'b1' }).versioning,
    ).toMatchObject({ deploymentName: 'mine', buildId: 'b1' });
  });

  it('refuses names the server would split ("name.buildId", "name:buildId") and unknown modes, naming the variable', () => {
    expect(() => loadWorkerConfig({ ...BASE, VIDU_FLOW_DEPLOYMENT_NAME: 'a.b' })).toThrow(/VIDU_FLOW_DEPLOYMENT_NAME/);
    expect(() => loadWorkerConfig({ ...BASE, VIDU_FLOW_BUILD_ID: 'x:y' })).toThrow(/VIDU_FLOW_BUILD_ID/);
    expect(() => loadWorkerConfig({ ...BASE, VIDU_FLOW_PROMOTE: 'sometimes' })).toThrow(/VIDU_FLOW_PROMOTE/);
  });

  it('the default build id follows the bundle code: same code, same version; one byte more, another', () => {
    const code = 'module.exports = { viduSlots() {} };';
    expect(buildIdOf(code)).toBe(buildIdOf(Buffer.from(code)));
    expect(buildIdOf(code)).toMatch(/^wf-[0-9a-f]{12}$/);
    expect(buildIdOf(`${code} `)).not.toBe(buildIdOf(code));
  });
});

describe('workflow versioning behaviours', () => {
  it('pins the generation types, the AD film, its edits and webhook delivery; auto-upgrades the long-lived slot manager and batch', () => {
    const pinned = Object.entries(WORKFLOW_VERSIONING)
      .filter(([, d]) => d.behavior === 'PINNED')
      .map(([t]) => t);
    expect(pinned).toEqual(
      expect.arrayContaining(['img2video', 'upscale', 'lipSync', 'adFilm', 'adFilmEdit', 'webhookDelivery']),
    );
    expect([...AUTO_UPGRADE_TYPES].sort()).toEqual(['batch', 'viduBudgets', 'viduSlots']);
    for (const [type, decision] of Object.entries(WORKFLOW_VERSIONING))
      expect(decision.reason.length, type).toBeGreaterThan(40);
  });
});
