import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Priority } from './generation-types';

// The admission protocol between a generation (workflows/admission/admission-slot.ts, through the local
// activities in activities/admission.ts) and its account's slot manager (workflows/admission/admission.ts).
// Declared here, outside workflows/, because the activities and the tests use them too.
// A contract between versions (issue 18, README "Upgrading"): generations pinned to an older
// version talk to the slot manager running on the current one (it auto-upgrades), so this
// protocol changes only by addition while an older version is up.

/** The slot manager's workflow type, started by name so that activities never import workflow code. */
export const SLOT_MANAGER_WORKFLOW_TYPE = 'viduSlots';

export interface SlotRequest {
  workflowId: string;
  priority: Priority;
  /** Which request of this workflow this is (a workflow may take a slot, give it back, and ask again). */
  ticket?: number;
  /** The cap the asking worker is configured with (VIDU_MAX_IN_FLIGHT); the latest one wins. */
  maxInFlight: number;
  /** How often slots of closed (e.g. terminated) workflows are looked for; the latest one wins. */
  reconcileSeconds?: number;
  /**
   * Whose work this is (issue 19 §4, core/fair-share.ts): `key-<API key id>` or `operator`.
   * Optional by addition: requests from before callers (generations in flight on an older
   * version) have none and count as the operator's.
   */
  caller?: string;
  /** The caller's own cap on slots held at once (the key's `maxInFlight` in the keys file); the latest one wins. */
  callerMaxInFlight?: number;
  /** The caller's weight in the round robin (the key's `weight`, default 1); the latest one wins. */
  weight?: number;
}

export interface SlotsState {
  maxInFlight: number;
  reconcileSeconds?: number;
  holders: string[];
  waiting: Array<{ workflowId: string; priority: Priority; ticket?: number; caller?: string }>;
  /** The ticket each holder was granted under, echoed in its grant. */
  tickets?: Record<string, number>;
  granted: number;
  // Fair share (core/fair-share.ts). Every field optional: a state carried across continue-as-new
  // by a run from before them (no callers anywhere: all the operator's) is read as it is.
  /** Per caller with work held or waiting (or a pass ahead of the clock): its round-robin pass and terms. */
  callers?: Record<string, { pass: number; maxInFlight?: number; weight?: number }>;
  /** The caller each holder's slot counts against; a holder not listed is the operator's. */
  holderCallers?: Record<string, string>;
  /** The round robin's clock: the start tag of the latest grant. */
  fairClock?: number;
}

/** The answer to `admit`: granted at once, or queued (a `slotGranted` signal follows). */
export interface AdmitResult {
  granted: boolean;
}

/**
 * Asks for a slot and learns in the same round trip whether it is granted. An update rather than
 * a signal: when a slot is free (the usual case) no grant signal, and so no history event or
 * workflow task in the generation, is needed.
 */
export const admitUpdate = defineUpdate<AdmitResult, [SlotRequest]>('admit');
/** The older, signal-only request; still handled so that generations started before `admit` keep working. */
export const acquireSlotSignal = defineSignal<[SlotRequest]>('acquireSlot');
/** Gives a slot back, or withdraws a request still waiting. Idempotent. */
export const releaseSlotSignal = defineSignal<[{ workflowId: string }]>('releaseSlot');
/** Sent by the manager to the workflow that may now submit; carries the request's ticket. */
export const slotGrantedSignal = defineSignal<[number?]>('slotGranted');
export const slotsQuery = defineQuery<SlotsState>('slots');

/** Holders whose workflow has closed (e.g. terminated) are found and freed this often, by default. */
export const DEFAULT_RECONCILE_SECONDS = 60;
