import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { GenerationStatus } from './types';

// Declared once, shared by the workflows, the callback receiver and the client.

/** Vidu's callback body (the Get Generation shape), forwarded as-is by the callback receiver. */
export const taskUpdateSignal = defineSignal<[unknown]>('taskUpdate');

export const statusQuery = defineQuery<GenerationStatus>('status');
