import type { Client } from '@temporalio/client';

// A generation's steps with their times, read from its workflow history: when it started, each
// activity (stage, submit, wait, archive, cancel, AD-film calls…) when first scheduled and when it
// finished, and how the workflow ended. The status query only knows the current phase; the
// history is the record of every one (about 30–80 events for a generation: one page).

export interface TimelineEntry {
  step: string;
  at: string;
  /** started | done | failed | timed out | cancelled */
  outcome: string;
}

const MAX_EVENTS = 2000;

/** The workflow's own input (`{ request, options }`), as the caller sent it; secrets never enter it (the house rule). */
export type WorkflowInput = Record<string, unknown>;

export async function readHistory(
  client: Client,
  id: string,
): Promise<{ timeline: TimelineEntry[]; input?: WorkflowInput }> {
  const history = await client.workflow.getHandle(id).fetchHistory();
  let input: WorkflowInput | undefined;
  const events = (history.events ?? []).slice(0, MAX_EVENTS);
  const names = new Map<string, string>();
  const out: TimelineEntry[] = [];
  const at = (e: (typeof events)[number]) => {
    const t = e.eventTime;
    const ms = t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;
    return new Date(ms).toISOString();
  };
  for (const e of events) {
    const id = String(e.eventId ?? '');
    if (e.workflowExecutionStartedEventAttributes) {
      out.push({ step: 'workflow', at: at(e), outcome: 'started' });
      input = decodeInput(e.workflowExecutionStartedEventAttributes.input?.payloads?.[0]);
    } else if (e.activityTaskScheduledEventAttributes) {
      const name = e.activityTaskScheduledEventAttributes.activityType?.name ?? 'activity';
      names.set(id, name);
      out.push({ step: name, at: at(e), outcome: 'started' });
    } else if (e.activityTaskCompletedEventAttributes)
      out.push({
        step: names.get(String(e.activityTaskCompletedEventAttributes.scheduledEventId ?? '')) ?? 'activity',
        at: at(e),
        outcome: 'done',
      });
    else if (e.activityTaskFailedEventAttributes)
      out.push({
        step: names.get(String(e.activityTaskFailedEventAttributes.scheduledEventId ?? '')) ?? 'activity',
        at: at(e),
        outcome: 'failed',
      });
    else if (e.activityTaskTimedOutEventAttributes)
      out.push({
        step: names.get(String(e.activityTaskTimedOutEventAttributes.scheduledEventId ?? '')) ?? 'activity',
        at: at(e),
        outcome: 'timed out',
      });
    else if (e.workflowExecutionSignaledEventAttributes)
      out.push({
        step: `signal ${e.workflowExecutionSignaledEventAttributes.signalName ?? ''}`.trim(),
        at: at(e),
        outcome: 'received',
      });
    else if (e.workflowExecutionCompletedEventAttributes) out.push({ step: 'workflow', at: at(e), outcome: 'done' });
    else if (e.workflowExecutionFailedEventAttributes) out.push({ step: 'workflow', at: at(e), outcome: 'failed' });
    else if (e.workflowExecutionCanceledEventAttributes)
      out.push({ step: 'workflow', at: at(e), outcome: 'cancelled' });
    else if (e.workflowExecutionTimedOutEventAttributes)
      out.push({ step: 'workflow', at: at(e), outcome: 'timed out' });
    else if (e.workflowExecutionTerminatedEventAttributes)
      out.push({ step: 'workflow', at: at(e), outcome: 'terminated' });
  }
  return { timeline: out, ...(input ? { input } : {}) };
}

const DATA_URI_SHOWN = 80;

/** A JSON payload (the default converter's json/plain), with data: URIs cut short; anything else is left out. */
function decodeInput(
  payload: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null } | undefined,
): WorkflowInput | undefined {
  const encoding = payload?.metadata?.encoding ? Buffer.from(payload.metadata.encoding).toString() : '';
  if (encoding !== 'json/plain' || !payload?.data) return undefined;
  try {
    const value = JSON.parse(Buffer.from(payload.data).toString('utf8'), (_k, v: unknown) =>
      typeof v === 'string' && v.startsWith('data:') && v.length > DATA_URI_SHOWN
        ? `${v.slice(0, DATA_URI_SHOWN)}… (${v.length} characters)`
        : v,
    );
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as WorkflowInput) : undefined;
  } catch {
    return undefined;
  }
}
