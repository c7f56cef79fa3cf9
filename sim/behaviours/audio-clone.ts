/**
 * audio-clone (docs/vidu-api-more-endpoints.md §9.4): a voice_id "must be unique" on the account.
 * The simulator keeps the ids it cloned and answers a second clone under a taken id with 409
 * Conflict, "resource key conflict" (docs/vidu-api.md §9) [INF: the page names no error for it].
 * The id is taken once the task is stored (a request refused for credits takes nothing); otherwise
 * the generic behaviour: one WAV preview of the text.
 */
import { ViduHttpError } from '../http-errors';
import { genericBehaviour } from './generic';
import type { Behaviour } from './types';

const generic = genericBehaviour('audioClone');

export const audioClone: Behaviour = (b, r, probes) => {
  const voiceId = String(r.voice_id);
  if (b.voices.has(voiceId)) throw new ViduHttpError('Conflict', `voice_id ${voiceId} already exists on this account`);
  const prepared = generic(b, r, probes);
  return { ...prepared, stored: () => void b.voices.add(voiceId) };
};
