// Each workflow type's Worker Versioning behaviour (issue 18 §1), declared once and applied by
// workflows/index.ts with setWorkflowOptions. Temporal's two behaviours
// (docs.temporal.io/worker-versioning):
//   PINNED        a run stays on the deployment version that started it, to its end; a new version
//                 never replays its history, so a pinned type may change freely between versions.
//   AUTO_UPGRADE  a run moves to the deployment's current version at its next workflow task; the
//                 new code replays the old code's history, so every change that affects replay
//                 must go behind patched() (test/workflow/replay.test.ts replays every kept history
//                 of these types against the current code).
// A version stays up while it has pinned runs (`vidu-flow deploy status`, README "Upgrading").
// The worker's own default (worker/versioning-config.ts) is PINNED, the safe one, for any type
// this table would miss; the table below has every registered type (the compile-time check in
// workflows/index.ts).
import type { VersioningBehavior } from '@temporalio/common';

export interface VersioningDecision {
  behavior: VersioningBehavior;
  /** Why this type has this behaviour: read by whoever changes the type's code. */
  reason: string;
}

const GENERATION_REASON =
  'A generation waits minutes (interactive) to 50 h (off-peak, docs/vidu-api.md §off-peak) for one Vidu task ' +
  'and then archives it: short enough that its version can stay up until it ends, so it finishes on the code ' +
  'it started with and its code may change freely between versions (no patched()).';

const generation: VersioningDecision = { behavior: 'PINNED', reason: GENERATION_REASON };

const subjectCall: VersioningDecision = {
  behavior: 'PINNED',
  reason:
    'A subject library call (workflows/subjects/) is one activity of seconds: it ends on the version that started it, ' +
    'so its code may change freely between versions.',
};

export const WORKFLOW_VERSIONING = {
  // The generation types, one per Vidu endpoint. `upscale` is also the child an AD film
  // or a generation starts for an upscale pass: a child without its own behaviour would inherit
  // its parent's version; declared pinned like its parent so both finish on one version.
  img2video: generation,
  reference2video: generation,
  reference2image: generation,
  image2dance: generation,
  text2video: generation,
  startEnd2video: generation,
  multiframe: generation,
  upscale: generation,
  text2audio: generation,
  audioTts: generation,
  template: generation,
  extend: generation,
  lipSync: generation,
  templateStory: generation,
  timing2audio: generation,
  audioClone: generation,
  adFilm: {
    behavior: 'PINNED',
    reason:
      'An AD film in review mode waits for a person for as long as that person takes: its version stays up ' +
      'until it ends or an operator resolves it (README "Upgrading": finding pinned runs on an old version). ' +
      'Pinned so a long review never meets code that cannot replay it.',
  },
  adFilmEdit: {
    behavior: 'PINNED',
    reason: "An AD film edit is a child of one film's review: it runs on the film's code, like the film.",
  },
  webhookDelivery: {
    behavior: 'PINNED',
    reason:
      'A completion webhook is a few retried HTTP posts after a run ends (minutes to hours): pinned, so a ' +
      'delivery finishes with the signing and payload of the version that produced the result.',
  },
  viduSlots: {
    behavior: 'AUTO_UPGRADE',
    reason:
      "The account's slot manager lives for as long as the account through continue-as-new: pinned, it would " +
      'keep its first version up forever. Auto-upgrade moves it to the current version at its next workflow ' +
      'task, holding the same slots and queue (its state is the workflow, not the version); every change to ' +
      'its replayed commands needs patched() (the replay gate checks the kept histories).',
  },
  batch: {
    behavior: 'AUTO_UPGRADE',
    reason:
      'A batch runs for days through continue-as-new (linesPerRun lines per run): auto-upgrade moves it to the ' +
      'current version without skipping or repeating a line (the cursor is in its state); replay-affecting ' +
      'changes need patched(). The generation children it starts are pinned to the version current at their start.',
  },
  viduBalanceCheck: {
    behavior: 'PINNED',
    reason:
      "One read of the account's balance (seconds), started by the balance watch's Schedule: each read runs on " +
      'the version current at its start and ends there; the watch itself is the Schedule, which has no version.',
  },
  viduBudgets: {
    behavior: 'AUTO_UPGRADE',
    reason:
      "The account's budget ledger lives as long as the account through continue-as-new, like the slot manager: " +
      'auto-upgrade moves it to the current version with its reservations (its state is the workflow); every ' +
      'change to its replayed commands needs patched().',
  },
  subjectCreate: subjectCall,
  subjectEdit: subjectCall,
  subjectRead: subjectCall,
  musicVideo: {
    behavior: 'PINNED',
    reason:
      "A music video is the AD film's workflow for one-click/mv (workflows/ad-film/music-video.ts): in review mode it " +
      'waits for a person as long as that person takes, so it is pinned like adFilm. Its edits run as adFilmEdit children.',
  },
} as const satisfies Record<string, VersioningDecision>;

export type VersionedWorkflowType = keyof typeof WORKFLOW_VERSIONING;

/** The types whose older histories must replay on the current code (the replay gate). */
export const AUTO_UPGRADE_TYPES: readonly VersionedWorkflowType[] = (
  Object.keys(WORKFLOW_VERSIONING) as VersionedWorkflowType[]
).filter((t) => WORKFLOW_VERSIONING[t].behavior === 'AUTO_UPGRADE');
