import type { ViduClient } from '../vidu/client';
import type { PriceTable } from '../vidu/prices';
import type { CreditFloors } from '../core/balance';
import { makeAdFilmActivities } from './ad-film';
import { makeAdmissionActivities, type AdmissionConfig } from './admission';
import { makeAdmittedSubmit } from './admitted-submit';
import { type ArchiveLimits, makeArchiveTask } from './archive';
import { makeBalanceActivities, makeCreditsHold } from './balance';
import { makeBatchActivities } from './batch';
import { makeBudgetActivities } from './budgets';
import type { BudgetEntry } from '../core/budgets';
import { makeCancelTask } from './cancel';
import { makePollActivities } from './poll';
import { makeStageInputs } from './stage';
import { callerTermsFromKeysFile } from '../platform/keys/api-keys';
import type { ArchiveStore } from '../platform/stores/archive-store';
import type { StagingStore } from '../platform/stores/staging-store';
import { makeSubmitTask } from './submit';
import { keepBeating } from './heartbeats';
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
  /** The balance watch and the credits floors (issue 19 §3); undefined: no watch, nothing held. */
  balance?: { scheduleId: string; floors: CreditFloors; intervalSeconds: number };
  /** VIDU_FLOW_BUDGETS_FILE (platform/budgets), re-read on change; undefined: no budgets. */
  budgets?: () => readonly BudgetEntry[] | undefined;
}

/** Builds every activity from its dependencies, so tests can inject a client or a store. */
export function createActivities(deps: ActivityDeps) {
  // Activities scheduled with a heartbeat timeout beat while they run (activities/heartbeats.ts).
  return keepBeating(activityFunctions(deps));
}

function activityFunctions(deps: ActivityDeps) {
  const submitTask = makeSubmitTask(deps);
  const admission = makeAdmissionActivities({
    admission: deps.admission,
    ...(deps.apiKeysFile ? { callerTerms: callerTermsFromKeysFile(deps.apiKeysFile) } : {}),
  });
  const webhooks = makeWebhookActivities(deps);
  const budgets = makeBudgetActivities({
    ...(deps.budgets ? { budgets: deps.budgets } : {}),
    ...(deps.admission ? { accountId: deps.admission.accountId } : {}),
    ...(deps.prices ? { prices: deps.prices } : {}),
  });
  return {
    stageInputs: makeStageInputs(deps),
    submitTask,
    submitWhenAdmitted: makeAdmittedSubmit(
      submitTask,
      admission.requestSlot,
      admission.releaseSlot,
      deps.balance ? makeCreditsHold(deps.balance) : undefined,
      budgets,
    ),
    ...makePollActivities(deps),
    archiveTask: makeArchiveTask(deps),
    cancelTask: makeCancelTask(deps),
    ...makeAdFilmActivities(deps),
    ...makeBatchActivities(deps),
    ...admission,
    ...webhooks,
    ...makeBalanceActivities({
      vidu: deps.vidu,
      ...deps.balance,
      ...(deps.apiKeysFile ? { apiKeysFile: deps.apiKeysFile } : {}),
      startWebhookDelivery: webhooks.startWebhookDelivery,
    }),
    settleBudget: budgets.settleBudget,
    budgetHoldersClosed: budgets.budgetHoldersClosed,
    ...makeSubjectActivities(deps),
  };
}

export type GenerationActivities = ReturnType<typeof createActivities>;
