import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// The search attributes vidu-flow sets as a generation moves. The dev-server helper registers
// exactly this list; production clusters must register it too (see README, "Production").
export const ViduKind = defineSearchAttributeKey('ViduKind', SearchAttributeType.KEYWORD);
export const ViduTaskId = defineSearchAttributeKey('ViduTaskId', SearchAttributeType.KEYWORD);
export const ViduState = defineSearchAttributeKey('ViduState', SearchAttributeType.KEYWORD);
export const ViduModel = defineSearchAttributeKey('ViduModel', SearchAttributeType.KEYWORD);
export const ViduOffPeak = defineSearchAttributeKey('ViduOffPeak', SearchAttributeType.BOOL);
export const ViduCredits = defineSearchAttributeKey('ViduCredits', SearchAttributeType.INT);
/** The API key (its name, never the key) that started the workflow over the HTTP API (api/). */
export const ViduCaller = defineSearchAttributeKey('ViduCaller', SearchAttributeType.KEYWORD);

export const VIDU_SEARCH_ATTRIBUTES = [
  ViduKind,
  ViduTaskId,
  ViduState,
  ViduModel,
  ViduOffPeak,
  ViduCredits,
  ViduCaller,
] as const;
