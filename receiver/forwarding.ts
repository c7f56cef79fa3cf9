import { isStateName, isTerminal } from '../core/task-snapshot';
import type { TaskUpdate } from '../core/task-update';

// Which verified callbacks become workflow signals. Every signal is a history event, a billed
// Temporal action and a workflow task (README, "Cost and performance"), while a non-terminal
// callback only moves the status the user sees: the workflow learns the outcome from the
// terminal one (confirmed with Get Generation) or from its fallback poll either way. So the
// receiver forwards:
// - terminal states (success, failed) and states the contract does not know (the workflow counts
//   those), always;
// - a non-terminal state only when it is in CALLBACK_FORWARD_STATES (default: all of them, so the
//   `status` query, the API and the Web UI show every state Vidu reports), and only the first
//   callback of that state for the task at this receiver, so that progress-only repeats cost
//   nothing. `none` (terminal states only) or `processing` make a callback-mode generation
//   cheaper by one signal and one workflow task per state left out (README, "Cost and performance").

export const NON_TERMINAL_STATES = ['created', 'queueing', 'scheduled', 'processing'] as const;
export type NonTerminalState = (typeof NON_TERMINAL_STATES)[number];

/** CALLBACK_FORWARD_STATES: `all`, `none`, or a comma list of non-terminal states. */
export function parseForwardStates(value: string): ReadonlySet<NonTerminalState> {
  const v = value.trim().toLowerCase();
  if (v === 'all') return new Set(NON_TERMINAL_STATES);
  if (v === 'none' || v === '') return new Set();
  const out = new Set<NonTerminalState>();
  for (const part of v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!(NON_TERMINAL_STATES as readonly string[]).includes(part)) {
      throw new Error(
        `must be all, none, or a comma list of ${NON_TERMINAL_STATES.join(', ')}; got ${JSON.stringify(part)}`,
      );
    }
    out.add(part as NonTerminalState);
  }
  return out;
}

export type ForwardDecision =
  { forward: true } | { forward: false; reason: 'state-not-forwarded' | 'state-already-forwarded' };

export class CallbackForwarding {
  /** `<workflowId> <taskId>` → the non-terminal states already forwarded (insertion order = age). */
  private readonly forwarded = new Map<string, Set<string>>();

  constructor(
    private readonly states: ReadonlySet<NonTerminalState>,
    private readonly maxTasks = 100_000,
  ) {}

  decide(workflowId: string, update: TaskUpdate): ForwardDecision {
    if (!isStateName(update.state) || isTerminal(update.state)) return { forward: true };
    if (!this.states.has(update.state as NonTerminalState)) return { forward: false, reason: 'state-not-forwarded' };
    const key = `${workflowId} ${update.taskId ?? ''}`;
    const seen = this.forwarded.get(key);
    if (seen?.has(update.state)) return { forward: false, reason: 'state-already-forwarded' };
    if (seen) seen.add(update.state);
    else {
      if (this.forwarded.size >= this.maxTasks) this.forwarded.delete(this.forwarded.keys().next().value as string);
      this.forwarded.set(key, new Set([update.state]));
    }
    return { forward: true };
  }

  /** A signal that failed was not delivered: the next callback of that state may try again. */
  undo(workflowId: string, update: TaskUpdate): void {
    this.forwarded.get(`${workflowId} ${update.taskId ?? ''}`)?.delete(update.state);
  }
}
