// The names of vidu-flow's own metrics: one place, read by the workflows, the activities, the
// worker's Vidu observer, the callback receiver, the Grafana dashboard test and the README.
//
// Worker metrics are recorded through the Temporal SDK's metric meter and exported by the Core
// runtime's Prometheus exporter, which appends nothing to these names (counters get no `_total`,
// histograms are `_bucket`/`_sum`/`_count`, in seconds). The SDK adds `namespace`, `taskQueue`
// and `workflowType` / `activityType` labels to what workflows and activities record (the Vidu
// request metrics come from the worker's runtime meter and carry none of them); vidu-flow's own
// labels are bounded enumerations only (kind, model, priority, endpoint, reason, failure type…),
// never ids, URLs or secrets. The SDK's own metrics are `temporal_*` (latencies in milliseconds).

export const WorkerMetric = {
  /** counter {kind}: generation workflows started (AD films included, kind `adFilm`). */
  generationsStarted: 'vidu_flow_generations_started',
  /** counter {kind}: generations that returned a result. */
  generationsSucceeded: 'vidu_flow_generations_succeeded',
  /** counter {kind, failure_type}: generations that failed or were cancelled (`Cancelled`). */
  generationsFailed: 'vidu_flow_generations_failed',
  /** counter {kind, model}: credits Vidu charged for finished and cancelled tasks, net of refunds (the meaning of ViduCredits and status.credits). */
  creditsCharged: 'vidu_flow_credits_charged',
  /** counter {kind, model, agreement}: successful tasks whose charge was compared with their estimate; agreement exact | within (≤ 10 %) | off. */
  estimatesCompared: 'vidu_flow_estimates_compared',
  /** counter {kind, model, direction}: credits charged minus estimated, by direction: over (charged more) or under. */
  estimateDifferenceCredits: 'vidu_flow_estimate_difference_credits',
  /**
   * counter {kind, model, retry, err_code}: new tasks decided by options.onTaskFailure after a
   * failed one: `retry` same | reseed | other-model | input-refused, `err_code` the failed task's
   * code when Vidu's catalogue has it, else `unknown`; `model` is the failed task's.
   */
  taskRetries: 'vidu_flow_task_retries',
  /** counter {kind, priority, off_peak}: Vidu tasks submitted. In flight = submitted − finished. */
  tasksSubmitted: 'vidu_flow_tasks_submitted',
  /** counter {kind, priority, off_peak}: submitted tasks that are over (finished, failed, cancelled, given up). */
  tasksFinished: 'vidu_flow_tasks_finished',
  /** counter {priority}: generations that had to queue for an admission slot. Waiting = started − ended. */
  slotWaitsStarted: 'vidu_flow_slot_waits_started',
  /** counter {priority}: slot waits that ended (granted, cancelled or failed). */
  slotWaitsEnded: 'vidu_flow_slot_waits_ended',
  /** histogram {priority}, seconds: how long a generation queued for its slot. */
  slotWaitSeconds: 'vidu_flow_slot_wait_seconds',
  /** counter {result}: fallback polls (one per pollTask attempt): terminal, pending or error. */
  polls: 'vidu_flow_polls',
  /** histogram {endpoint, outcome}, seconds: one Vidu HTTP request (each attempt). */
  viduRequestSeconds: 'vidu_flow_vidu_request_seconds',
  /** counter {endpoint, reason}: failed Vidu requests: Vidu's reason, `timeout`, `network`, `bad-response`. */
  viduRequestErrors: 'vidu_flow_vidu_request_errors',
  /** counter: bytes of the files listed by successful archive activities (the SDK adds activityType). */
  archiveBytes: 'vidu_flow_archive_bytes',
  /** histogram {outcome}, seconds: duration of archive activity attempts (ok or error). */
  archiveSeconds: 'vidu_flow_archive_seconds',
  /** gauge: the account's Vidu credits left at the balance watch's last read (GET /ent/v2/credits). */
  creditsRemaining: 'vidu_flow_credits_remaining',
  /** gauge {package}, Unix seconds: a credit package's valid_to at the balance watch's last read. */
  creditPackageExpiry: 'vidu_flow_credit_package_expiry_seconds',
} as const;

/** Callback receiver metrics (prom-client; counters carry `_total`, as prom-client requires). */
export const CallbackMetric = {
  /** counter {outcome, reason}: outcome accepted | rejected | replayed | not-running | undeliverable. */
  callbacks: 'vidu_flow_callbacks_total',
  /** histogram, seconds: from a callback's receipt to the workflow signal being accepted by Temporal. */
  signalSeconds: 'vidu_flow_callback_signal_seconds',
} as const;

/** Outcome label values of CallbackMetric.callbacks. */
export type CallbackOutcome = 'accepted' | 'rejected' | 'replayed' | 'not-running' | 'undeliverable' | 'not-forwarded';
