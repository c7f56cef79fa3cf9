// Plain words for what the API answers in codes: phases, failure types, ages. No DOM here, so the
// unit tests (test/unit/studio-words.test.ts) run it under Node.

const PHASES: Record<string, string> = {
  deferred: 'waiting for its start time',
  staging: 'checking and staging the inputs',
  waiting_for_slot: 'waiting for a free slot',
  waiting_for_credits: 'held: the Vidu balance is under the credits floor',
  submitting: 'sending to Vidu',
  waiting: 'Vidu is generating',
  generating: 'Vidu is generating the storyboards',
  editing: 'regenerating the requested edits',
  reviewing: 'waiting for your review',
  composing: 'composing the film',
  archiving: 'saving the results',
  upscaling: 'upscaling the result',
  cancelling: 'cancelling',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
  running: 'running',
  draining: 'finishing the last lines',
  finishing: 'writing the results file',
};

export function phaseWords(phase: unknown): string {
  return typeof phase === 'string' ? (PHASES[phase] ?? phase.replace(/_/g, ' ')) : '';
}

const FAILURES: Record<string, string> = {
  ViduTaskFailed: 'Vidu could not make this generation.',
  ViduRejected: 'Vidu refused the request.',
  ViduTimeout: 'Vidu did not finish in the time allowed.',
  InvalidRequest: 'The request was refused before any credit was spent.',
  OffPeakExpired: 'The off-peak task was not run in time; Vidu gives the credits back.',
  OffPeakRefunded: 'The off-peak task was refunded by Vidu.',
  SubmissionAmbiguous: 'It is not known whether Vidu received the request; an operator should look.',
  AdEditFailed: 'An edit of the film could not be made.',
  ReviewTimedOut: 'Nobody approved the film in time, so it was not composed.',
  WorkerMisconfigured: 'The service is misconfigured; an operator has to fix it.',
  Cancelled: 'The generation was cancelled.',
  Terminated: 'An operator stopped the generation.',
  TimedOut: 'The generation took longer than it was allowed to.',
};

/** One sentence for a typed failure, then the API's own message (already free of secrets). */
export function failureWords(failure: { type?: unknown; message?: unknown; errCode?: unknown }): string {
  const head = (typeof failure.type === 'string' && FAILURES[failure.type]) || 'The generation failed.';
  const code =
    typeof failure.errCode === 'string' && failure.errCode !== '' ? ` Vidu's error code: ${failure.errCode}.` : '';
  const message = typeof failure.message === 'string' && failure.message !== '' ? ` ${failure.message}` : '';
  return `${head}${code}${message}`;
}

/** "3 s", "4 min", "2 h", "5 d" ago. */
export function ageWords(iso: string, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (!Number.isFinite(s)) return '';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** The field a problem's `errors[].field` names in a form: `request.duration` → `duration`, `request.images[0]` → `images`. */
export function formFieldOf(problemField: string): string | undefined {
  const m = /^request\.([A-Za-z0-9_]+)/.exec(problemField);
  return m?.[1];
}

/** Attribute names and URLs the DOM helper refuses: event-handler attributes, and script URLs where a URL goes. */
export function attributeRefusal(name: string, value: string): string | undefined {
  const n = name.toLowerCase();
  if (n.startsWith('on')) return `event-handler attribute ${name}`;
  if (n === 'srcdoc' || n === 'style') return `attribute ${name}`;
  if (
    ['href', 'src', 'action', 'formaction', 'poster', 'xlink:href'].includes(n) &&
    !/^(#|\/(?!\/)|https?:)/i.test(value.trim())
  )
    return `URL ${name}`;
  return undefined;
}

/** The line beside the form's submit button: the API's estimate, or why the request cannot be priced. */
export function estimateWords(
  answer: { credits?: unknown; basis?: unknown; unpriced?: unknown } | { errors: ReadonlyArray<{ message: string }> },
): string {
  if ('errors' in answer) {
    const why = answer.errors.map((e) => e.message).join('; ');
    return `Cannot be priced yet: ${why || 'the request is incomplete'}.`;
  }
  if (typeof answer.unpriced === 'string' && answer.unpriced !== '') return `Cannot be priced: ${answer.unpriced}.`;
  if (typeof answer.credits !== 'number') return 'Cannot be priced: no estimate was given.';
  return `Estimated: ${answer.credits} ${answer.credits === 1 ? 'credit' : 'credits'}`;
}

/**
 * Stand-ins for files chosen but not yet uploaded, so the form can be priced without uploading:
 * the estimate reads no media, and an https reference passes the same checks as a staged one.
 */
export function estimatePlaceholders(fileNames: readonly string[]): string[] {
  return fileNames.map((name, i) => {
    const ext = /\.([A-Za-z0-9]{1,5})$/.exec(name)?.[1]?.toLowerCase() ?? 'png';
    return `https://media.invalid/estimate-${i + 1}.${ext}`;
  });
}
