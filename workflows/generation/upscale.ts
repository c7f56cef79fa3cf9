import { log, startChild } from '@temporalio/workflow';
import type { GenerationInput, GenerationOptions, GenerationResult, TaskSnapshot } from '../../core/generation-types';
import { startDerivedChild } from '../common/derived-child';
import { describe, type GenerationRun } from './state';

/**
 * The upscale follow-up (options.upscale): the result's first creation, upscaled by a child
 * `upscale` workflow. Its id is `<workflowId>~upscale` (a derived id no caller can start through
 * vidu-flow), so its archive folder sits beside this one; it is given the creation's Vidu id
 * (upscale-new takes video_creation_id), so no bytes travel. A child id found taken (a raw Temporal
 * SDK start) is retried under `<workflowId>~upscale-2`, `-3`…; if none can be started, this paid
 * generation still succeeds, and its result says why the upscale is missing (issue 16 item 2).
 */
export async function upscaleResult(
  run: GenerationRun,
  creations: TaskSnapshot['creations'],
  opts: GenerationOptions,
): Promise<{ upscale?: GenerationResult; upscaleMissing?: string }> {
  const source = creations.find((c) => c.url !== '');
  if (!source) return {};
  run.status.phase = 'upscaling';
  describe(run);
  const { upscale: wanted, idempotencyKey: _key, timeoutSeconds: _timeout, ...inherited } = opts;
  const started = await startDerivedChild(run.workflowId, 'upscale', 'upscale', (workflowId) =>
    startChild<(input: GenerationInput) => Promise<GenerationResult>>('upscale', {
      workflowId,
      args: [
        {
          request: {
            video_creation_id: source.id,
            ...(wanted?.resolution ? { upscale_resolution: wanted.resolution } : {}),
          },
          options: inherited,
        } satisfies GenerationInput,
      ],
    }),
  );
  if ('child' in started) return { upscale: await started.child.result() };
  const { taken } = started;
  const upscaleMissing = `the upscale was not started: its child workflow ids ${taken.join(', ')} are all taken by workflows this generation did not start`;
  log.error(upscaleMissing);
  return { upscaleMissing };
}
