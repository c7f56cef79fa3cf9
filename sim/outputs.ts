/**
 * A successful task's creation: one result file (video or image) with its
 * cover, rendered later from the creation id.
 */
import type { SimContext } from './sim-context';
import { makeCreation } from './creations';
import type { SimTask } from './task';

export function addCreation(ctx: SimContext, task: SimTask): void {
  const creation = makeCreation(ctx.ids.next(), task.id, task.output);
  task.creations = [creation];
  ctx.store.addCreation(creation);
}
