import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';

type Value = SearchAttributeUpdatePair['value'];

/**
 * Search-attribute changes, sent as at most one upsert per workflow task. Every
 * `upsertSearchAttributes` call is a history event and a billed Temporal action, and a state change
 * often touches several attributes in one activation (task id, state, credits), so changes are
 * collected and flushed in a microtask: the SDK completes an activation only after its microtasks
 * ran, so the flush lands in the same workflow task. A value equal to the one the workflow
 * already has (including those the client set at start, e.g. ViduKind) is not sent again.
 */
export class SearchAttributeBatch {
  private readonly current = new Map<string, string>();
  private readonly pending = new Map<string, SearchAttributeUpdatePair>();
  private flushQueued = false;

  constructor() {
    for (const pair of workflowInfo().typedSearchAttributes.getAll())
      this.current.set(pair.key.name, fingerprint(pair.value as Value));
  }

  set(...pairs: SearchAttributeUpdatePair[]): void {
    for (const pair of pairs) {
      if (this.current.get(pair.key.name) === fingerprint(pair.value)) {
        this.pending.delete(pair.key.name);
        continue;
      }
      this.pending.set(pair.key.name, pair);
    }
    if (this.pending.size > 0 && !this.flushQueued) {
      this.flushQueued = true;
      void Promise.resolve().then(() => this.flush());
    }
  }

  private flush(): void {
    this.flushQueued = false;
    if (this.pending.size === 0) return;
    const pairs = [...this.pending.values()];
    this.pending.clear();
    for (const pair of pairs) this.current.set(pair.key.name, fingerprint(pair.value));
    upsertSearchAttributes(pairs);
  }
}

function fingerprint(value: Value): string {
  return JSON.stringify(value instanceof Date ? value.toISOString() : value);
}
