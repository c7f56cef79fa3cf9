// The baseline's activities: plain fetch calls to Vidu's API and a streamed download per creation.
import { activityInfo } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

export interface BaselineDeps {
  baseUrl: string;
  apiKey: string;
  archiveDir: string;
}

export interface Creation {
  id: string;
  url: string;
}

export function createBaselineActivities(deps: BaselineDeps) {
  const headers = { Authorization: `Token ${deps.apiKey}`, 'Content-Type': 'application/json' };
  const api = async (method: 'GET' | 'POST', endpoint: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${deps.baseUrl}/ent/v2/${endpoint}`, {
      method,
      headers,
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status >= 400 && res.status < 500 && res.status !== 429) {
      throw ApplicationFailure.nonRetryable(
        `Vidu ${endpoint}: HTTP ${res.status} ${String(json.reason ?? '')}`,
        'ViduRejected',
      );
    }
    if (!res.ok) throw new Error(`Vidu ${endpoint}: HTTP ${res.status}`);
    return json;
  };

  return {
    async submitGeneration(request: Record<string, unknown>): Promise<string> {
      const task = await api('POST', 'img2video', request);
      return String(task.task_id);
    },

    async pollGeneration(taskId: string): Promise<Creation[]> {
      const task = await api('GET', `tasks/${taskId}/creations`);
      if (task.state === 'success') return (task.creations as Creation[]).map((c) => ({ id: c.id, url: c.url }));
      if (task.state === 'failed')
        throw ApplicationFailure.nonRetryable(`Vidu task ${taskId} failed: ${String(task.err_code)}`, 'ViduTaskFailed');
      // Not finished: a benign failure, so the retry (the next poll) is not logged as an error.
      throw ApplicationFailure.create({
        message: `task ${taskId} is ${String(task.state)}`,
        category: ApplicationFailureCategory.BENIGN,
      });
    },

    async archiveCreations(taskId: string, creations: Creation[]): Promise<string[]> {
      const dir = path.join(deps.archiveDir, activityInfo().workflowExecution?.workflowId ?? taskId);
      await mkdir(dir, { recursive: true });
      const files: string[] = [];
      for (const c of creations) {
        const res = await fetch(c.url);
        if (!res.ok || !res.body) throw new Error(`download of creation ${c.id}: HTTP ${res.status}`);
        const file = path.join(dir, `${c.id}.mp4`);
        await pipeline(Readable.fromWeb(res.body as WebReadableStream), createWriteStream(file));
        files.push(file);
      }
      return files;
    },
  };
}

export type BaselineActivities = ReturnType<typeof createBaselineActivities>;
