import { CancellationScope, condition, log, workflowInfo } from '@temporalio/workflow';
import type { GenerationView } from '../../platform/generation-view';
import { ViduKind } from '../../core/search-attributes';
import { webhookStartLocal } from '../common/activity-proxies';
import { type WebhookDeliveryInput, webhookEventId, webhookWorkflowId } from '../../core/webhook-types';

// generation.updated webhooks: one event per change of phase or Vidu state, when the notify target
// asks for them. The generation and the AD film already call `noteStatus` whenever their status
// changes (next to setCurrentDetails); here, at the end of each activation where the phase/state
// pair differs from the last one announced, ONE local activity starts a `webhookDelivery`
// workflow (not a child: it needs no parent, so it outlives the generation) with a
// deterministic id. Cost in the generation's history: one MarkerRecorded event per announced
// change, no timer, no extra workflow task; the local activity takes milliseconds (a start call),
// so the workflow is not held up. Changes within one activation coalesce (only the last one is
// sent); progress-only changes send nothing (the SSE stream has them).
//
// Order is best-effort: each delivery first waits (briefly, per attempt) for the previous event's
// delivery to finish, so a receiver that answers promptly sees them in order; one that fails and
// is retried may see a later event first. The terminal event waits for the last update the same
// way. Receivers order by the body's `timestamp` and treat the terminal event as final.

type StatusReader = () => Record<string, unknown>;

/** The feed of this workflow execution (module state is per execution in the workflow sandbox). */
let active: UpdateFeed | undefined;

/** Called by the workflows on every status change; a no-op unless generation.updated was asked for. */
export function noteStatus(read: StatusReader): void {
  active?.note(read);
}

function keyOf(status: Record<string, unknown>): string {
  return `${String(status.phase)}/${String(status.state)}`;
}

export class UpdateFeed {
  private read: StatusReader | undefined;
  private sentKey: string | undefined;
  private seq = 0;
  private closed = false;
  private lastDelivery: string | undefined;
  private readonly starts: Promise<void>[] = [];

  constructor(private readonly target: { url: string; caller: string }) {
    // Non-cancellable: a cancelled generation still announces its `cancelling` phase.
    void CancellationScope.nonCancellable(async () => {
      for (;;) {
        // Evaluated once per activation, after all its jobs: changes within it coalesce.
        await condition(() => this.closed || (this.read !== undefined && keyOf(this.read()) !== this.sentKey));
        if (this.closed) return;
        this.announce(this.read!());
      }
    });
  }

  note(read: StatusReader): void {
    this.read = read;
  }

  /**
   * Stops announcing (the terminal event supersedes a pending update) and waits until every
   * delivery already announced has been started, so none is lost when the generation closes.
   * Returns the last one's workflow id, for the terminal event to wait for.
   */
  async close(): Promise<string | undefined> {
    this.closed = true;
    await Promise.all(this.starts);
    return this.lastDelivery;
  }

  private announce(status: Record<string, unknown>): void {
    this.sentKey = keyOf(status);
    this.seq += 1;
    const info = workflowInfo();
    const data: GenerationView = {
      id: info.workflowId,
      kind: info.typedSearchAttributes.get(ViduKind) ?? info.workflowType,
      caller: this.target.caller,
      execution: 'running',
      createdAt: info.startTime.toISOString(),
      status,
    };
    const input: WebhookDeliveryInput = {
      generationId: info.workflowId,
      type: 'generation.updated',
      caller: this.target.caller,
      url: this.target.url,
      eventId: webhookEventId(info.workflowId, 'generation.updated', this.seq),
      occurredAt: new Date().toISOString(),
      data,
      ...(this.lastDelivery ? { after: this.lastDelivery } : {}),
    };
    const workflowId = webhookWorkflowId(info.workflowId, 'generation.updated', this.seq);
    this.lastDelivery = workflowId;
    this.starts.push(
      webhookStartLocal.startWebhookDelivery
        .executeWithOptions({ summary: `generation.updated ${this.sentKey} webhook` }, [{ workflowId, input }])
        .then(
          // Started under a fresh id (the derived one was taken by someone else): the next event waits for that one.
          (started) => {
            if (this.lastDelivery === workflowId) this.lastDelivery = started.workflowId;
          },
          // Best-effort: the next update or the terminal event still tells the caller where things are.
          (err: unknown) =>
            log.warn('generation.updated webhook not started', {
              workflowId,
              error: err instanceof Error ? err.message : String(err),
            }),
        ),
    );
  }
}

/** Starts this execution's feed; `noteStatus` calls reach it from now on. */
export function startUpdateFeed(target: { url: string; caller: string }): UpdateFeed {
  active = new UpdateFeed(target);
  return active;
}
