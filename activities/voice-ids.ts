import { createHash } from 'node:crypto';
import { OPERATOR_OWNER } from '../contract/staged-ref';
import { CLONE_REF_PREFIX, OWNED_VOICE_ID, OWNED_VOICE_REFUSED, voiceSlots } from '../contract/voice-ids';
import type { ClonedVoice } from '../core/generation-types';
import { voiceNameProblem } from '../vidu/endpoints/audio-clone';

// The owner-to-voice mapping of contract/voice-ids.ts, applied by the stage activity on the worker
// (the owner is the workflow's, never the request's), so every way in (HTTP API, client, CLI,
// batch lines) is covered before anything reaches Vidu.

/** `vf-<12 hex>-`: the first 48 bits of SHA-256 over the owner, a namespace per owner (operator included). */
export function voicePrefix(owner: string): string {
  return `vf-${createHash('sha256').update(`vidu-flow voice\u0000${owner}`).digest('hex').slice(0, 12)}-`;
}

/** The Vidu voice id of `owner`'s cloned voice `name`. */
export function viduVoiceId(owner: string, name: string): string {
  return `${voicePrefix(owner)}${name}`;
}

export interface MappedVoices {
  problems: string[];
  /** audioClone: the voice it makes. */
  voice?: ClonedVoice;
}

/**
 * Rewrites the request's voice ids for Vidu (in place): audioClone's new voice_id and every
 * `clone:<name>` into the owner's namespace; system voices unchanged; a `vf-…` id typed by an
 * API key refused (the operator, trusted with every workflow, may name any).
 */
export function mapVoiceIds(kind: string, request: Record<string, unknown>, owner: string): MappedVoices {
  const problems: string[] = [];
  let voice: ClonedVoice | undefined;
  if (kind === 'audioClone' && typeof request.voice_id === 'string') {
    const name = request.voice_id;
    const id = viduVoiceId(owner, name);
    request.voice_id = id;
    voice = { voiceId: `${CLONE_REF_PREFIX}${name}`, viduVoiceId: id };
  }
  for (const slot of voiceSlots(kind, request)) {
    if (slot.value.startsWith(CLONE_REF_PREFIX)) {
      const name = slot.value.slice(CLONE_REF_PREFIX.length);
      const problem = voiceNameProblem(name);
      if (problem) problems.push(`${slot.path}: the cloned voice name in ${JSON.stringify(slot.value)} ${problem}`);
      else slot.set(viduVoiceId(owner, name));
    } else if (OWNED_VOICE_ID.test(slot.value) && owner !== OPERATOR_OWNER) {
      problems.push(`${slot.path}: ${OWNED_VOICE_REFUSED}`);
    }
  }
  return { problems, ...(voice ? { voice } : {}) };
}
