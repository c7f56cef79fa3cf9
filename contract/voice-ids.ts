import type { MediaEndpoint } from '../vidu/endpoints';

// Voices and owners (README "The tenant model"). Every API key shares one Vidu account, and a
// cloned voice's id is the caller's choice (docs/vidu-api-more-endpoints.md §9.4), so on Vidu's side a
// voice named by one key could be used, or cloned over, by any other. vidu-flow therefore sends
// each owner's cloned voices under a prefix derived from the owner (activities/voice-ids.ts):
//   audioClone   voice_id "narrator-01"               → Vidu voice_id "vf-<12 hex of owner>-narrator-01"
//   elsewhere    "clone:narrator-01"                  → the same Vidu id, for the same owner only
//                any other value (a system voice)     → sent unchanged
//                "vf-<12 hex>-…" typed by an API key  → refused (only vidu-flow writes that form)
// A key that names another key's voice (clone:<its name>) gets its own namespace's id, which
// names no voice of the other key: the voice stays its owner's.

/** How a request names one of its owner's cloned voices: `clone:<the voice_id it was cloned as>`. */
export const CLONE_REF_PREFIX = 'clone:';

/** The form of a Vidu voice id vidu-flow derived for an owner's clone (see the top of this file). */
export const OWNED_VOICE_ID = /^vf-[0-9a-f]{12}-/i;

/** The voice fields a request may carry: img2video's and lip-sync's voice_id, audio-tts's voice_setting_voice_id, reference2video's subjects[].voice_id. */
const TOP_LEVEL_VOICE_FIELDS = ['voice_id', 'voice_setting_voice_id'] as const;

export interface VoiceSlot {
  /** e.g. `voice_id`, `subjects[1].voice_id`. */
  path: string;
  value: string;
  set(value: string): void;
}

/**
 * The places a request names a voice to speak with (not audioClone's voice_id: that one names the
 * voice being made). Walks the raw request, so it works before and after validation.
 */
export function voiceSlots(endpoint: MediaEndpoint | string, request: Record<string, unknown>): VoiceSlot[] {
  const slots: VoiceSlot[] = [];
  const visit = (obj: Record<string, unknown>, prefix: string, fields: readonly string[]) => {
    for (const field of fields) {
      const value = obj[field];
      if (typeof value === 'string')
        slots.push({ path: `${prefix}${field}`, value, set: (v) => void (obj[field] = v) });
    }
  };
  if (endpoint !== 'audioClone') visit(request, '', TOP_LEVEL_VOICE_FIELDS);
  if (Array.isArray(request.subjects))
    request.subjects.forEach((s, i) => {
      if (typeof s === 'object' && s !== null && !Array.isArray(s))
        visit(s as Record<string, unknown>, `subjects[${i}].`, ['voice_id']);
    });
  return slots;
}

/** The message for a caller-typed vidu-flow voice id (refused over the HTTP API and from a key's workflow). */
export const OWNED_VOICE_REFUSED =
  'a voice id of the form vf-<hex>-… is one vidu-flow derived for a cloned voice and is not accepted from an API caller; name your own cloned voice as clone:<its voice_id>';

/** Voice ids an API caller may not type (see the top of this file); `{ path, message }` per problem. */
export function reservedVoiceIssues(
  endpoint: MediaEndpoint | string,
  request: Record<string, unknown>,
): Array<{ path: string; message: string }> {
  return voiceSlots(endpoint, structuredClone(request))
    .filter((slot) => OWNED_VOICE_ID.test(slot.value))
    .map((slot) => ({ path: slot.path, message: OWNED_VOICE_REFUSED }));
}

/** Whether anything in the request needs its owner to be sent (a clone: reference, a vf- id, a new clone). */
export function needsVoiceOwner(endpoint: MediaEndpoint | string, request: Record<string, unknown>): boolean {
  return (
    endpoint === 'audioClone' ||
    voiceSlots(endpoint, structuredClone(request)).some(
      (s) => s.value.startsWith(CLONE_REF_PREFIX) || OWNED_VOICE_ID.test(s.value),
    )
  );
}
