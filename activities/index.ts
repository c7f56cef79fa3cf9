import type { ViduClient } from '../vidu/client';
import type { PriceTable } from '../vidu/prices';
import { makeAdFilmActivities } from './ad-film';
import { makeAdmissionActivities, type AdmissionConfig } from './admission';
import { makeAdmittedSubmit } from './admitted-submit';
import { type ArchiveLimits, makeArchiveTask } from './archive';
import { makeBatchActivities } from './batch';
import { makeCancelTask } from './cancel';
import { makePollActivities } from './poll';
import { makeStageInputs } from './stage';
import { callerTermsFromKeysFile } from '../platform/keys/api-keys';
import type { ArchiveStore } from '../platform/stores/archive-store';
import type { StagingStore } from '../platform/stores/staging-store';
import { makeSubmitTask } from './submit';
import { makeSubjectActivities } from './subjects';
import { makeWebhookActivities } from './webhook';

export interface ActivityDeps {
  vidu: ViduClient;
  archive: ArchiveStore;
  staging: StagingStore;
  /** VIDU_CALLBACK_URL: the public URL of the callback receiver; undefined means poll only. */
  callbackUrl: string | undefined;
  /** Used to download inputs and results; the worker passes its guarded fetch (activities/net). */
  fetch?: typeof fetch;
  /** VIDU_FLOW_INPUT_ROOTS: folders local-path inputs may be read from (default: none). */
  inputRoots?: readonly string[];
  /** Archive downloads: idle timeout, size cap, tries per optional extra (defaults in activities/archive.ts). */
  archiveLimits?: Partial<ArchiveLimits>;
  /** VIDU_MAX_IN_FLIGHT and the account it applies to; undefined = no cap. */
  admission?: AdmissionConfig;
  /** VIDU_FLOW_API_KEYS_FILE: where completion webhooks find their signing secret, and admission a key's maxInFlight and weight (by key id). */
  apiKeysFile?: string;
  /** VIDU_FLOW_PRICES_FILE over the built-in price table (platform/prices); default: the built-in table. */
  prices?: () => PriceTable;
  /** Completion webhooks' own guarded fetch (VIDU_FLOW_WEBHOOK_ALLOW_PRIVATE_URLS); default: public addresses only. */
  webhookFetch?: typeof fetch;
}

/** Builds every activity from its dependencies, so tests can inject a client or a store. */
export function createActivities(deps: ActivityDeps) {
  const submitTask = makeSubmitTask(deps);
  const admission = makeAdmissionActivities({
    admission: deps.admission,
    ...(deps.apiKeysFile ? { callerTerms: callerTermsFromKeysFile(deps.apiKeysFile) } : {}),
  });
  return {
    stageInputs: makeStageInputs(deps),
    submitTask,
    submitWhenAdmitted: makeAdmittedSubmit(submitTask, admission.requestSlot, admission.releaseSlot),
    ...makePollActivities(deps),
    archiveTask: makeArchiveTask(deps),
    cancelTask: makeCancelTask(deps),
    ...makeAdFilmActivities(deps),
    ...makeBatchActivities(deps),
    ...admission,
    ...makeWebhookActivities(deps),
    ...makeSubjectActivities(deps),
  };
}

export type GenerationActivities = ReturnType<typeof createActivities>;
