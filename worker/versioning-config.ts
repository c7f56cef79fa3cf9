import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_DEPLOYMENT_NAME } from '../platform/temporal/deployments';

// Every worker runs as one version of a Worker Deployment (issue 18 §1, README "Upgrading"):
//   VIDU_FLOW_DEPLOYMENT_NAME  the deployment (default vidu-flow): one per task queue and namespace;
//   VIDU_FLOW_BUILD_ID         the version; default: a hash of the workflow bundle's code, so a
//                              change to workflow code is a new version by itself and an unchanged
//                              bundle keeps its version (activities may change under one build id:
//                              set the variable, e.g. to the image tag, to make those a version too);
//   VIDU_FLOW_PROMOTE          first (default): become current when the deployment has none yet
//                              (a first deploy, the dev stack, compose); always: become current at
//                              start (single-version setups, the demo); never: the operator
//                              promotes (`vidu-flow deploy promote`), the rainbow procedure.

export const versioningEnv = {
  VIDU_FLOW_DEPLOYMENT_NAME: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(255)
    // The server joins name and build id into "name:buildId" (search attributes) and "name.buildId".
    .refine((v) => !/[.:]/.test(v), 'must not contain "." or ":"')
    .default(DEFAULT_DEPLOYMENT_NAME),
  VIDU_FLOW_BUILD_ID: z
    .string()
    .trim()
    .max(255)
    .refine((v) => !/[.:]/.test(v), 'must not contain "." or ":"')
    .optional(),
  VIDU_FLOW_PROMOTE: z.enum(['first', 'always', 'never']).default('first'),
  // What Temporal's Worker Controller (temporalio/temporal-worker-controller) injects into the pods
  // it runs for a TemporalWorkerDeployment: used when the VIDU_FLOW_ names are unset, so the
  // version the controller manages is the one the worker reports (README "Upgrading").
  TEMPORAL_DEPLOYMENT_NAME: z.string().trim().min(1).optional(),
  TEMPORAL_WORKER_BUILD_ID: z.string().trim().min(1).optional(),
};

export interface VersioningConfig {
  deploymentName: string;
  /** Unset: derived from the workflow bundle (buildIdOf). */
  buildId?: string;
  promote: 'first' | 'always' | 'never';
}

export function versioningConfig(
  e: {
    VIDU_FLOW_DEPLOYMENT_NAME: string;
    VIDU_FLOW_BUILD_ID?: string | undefined;
    VIDU_FLOW_PROMOTE: VersioningConfig['promote'];
    TEMPORAL_DEPLOYMENT_NAME?: string | undefined;
    TEMPORAL_WORKER_BUILD_ID?: string | undefined;
  },
  env: NodeJS.ProcessEnv = {},
): VersioningConfig {
  // The zod default fills VIDU_FLOW_DEPLOYMENT_NAME; the controller's name wins only over that default.
  const deploymentName = env.VIDU_FLOW_DEPLOYMENT_NAME?.trim()
    ? e.VIDU_FLOW_DEPLOYMENT_NAME
    : (e.TEMPORAL_DEPLOYMENT_NAME ?? e.VIDU_FLOW_DEPLOYMENT_NAME);
  const buildId = e.VIDU_FLOW_BUILD_ID || e.TEMPORAL_WORKER_BUILD_ID;
  return {
    deploymentName,
    ...(buildId ? { buildId } : {}),
    promote: e.VIDU_FLOW_PROMOTE,
  };
}

/** The default build id: `wf-` and 12 hex digits of the SHA-256 of the workflow bundle's code. */
export function buildIdOf(bundleCode: string | Buffer): string {
  return `wf-${createHash('sha256').update(bundleCode).digest('hex').slice(0, 12)}`;
}
