// The task queue, declared once: the worker polls it and every client (typed client, CLI, HTTP
// API, demo) starts work on it. VIDU_TASK_QUEUE overrides it; empty means unset, as everywhere in
// vidu-flow's configuration (platform/config/env.ts parseEnv).

export const DEFAULT_TASK_QUEUE = 'vidu-flow';

/** VIDU_TASK_QUEUE, else the default. */
export function taskQueueFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.VIDU_TASK_QUEUE || DEFAULT_TASK_QUEUE;
}
