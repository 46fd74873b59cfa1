/** Where an apply stands, folded from the executor's events. Pure and immutable, so every event is a new value. */
import type { ActionResult, ExecutorEvent } from '../apply/execute.js';
import type { Plan } from '../model/plan.js';
import { releaseInPlanOrder } from '../render/apply-log.js';

export type ActionState = { state: 'pending' } | { state: 'running' } | { state: 'finished'; result: ActionResult };

/**
 * Invariant: `actions[i]` is the state of `plan.actions[i]`; `finished` holds the results of actions
 * `0..released-1`, in plan order: a result joins it once it and every action before it have finished.
 */
export interface ApplyProgress {
  actions: ActionState[];
  finished: ActionResult[];
  released: number;
}

export function startApply(plan: Plan): ApplyProgress {
  return { actions: plan.actions.map(() => ({ state: 'pending' })), finished: [], released: 0 };
}

export function applyEvent(progress: ApplyProgress, event: ExecutorEvent): ApplyProgress {
  const actions = progress.actions.slice();
  if (event.type === 'started') {
    actions[event.index] = { state: 'running' };
    return { ...progress, actions };
  }
  actions[event.result.index] = { state: 'finished', result: event.result };
  const step = releaseInPlanOrder(progress.released, (i) => {
    const a = actions[i];
    return a?.state === 'finished' ? a.result : undefined;
  });
  return { actions, finished: step.ready.length > 0 ? [...progress.finished, ...step.ready] : progress.finished, released: step.next };
}

export function countStates(progress: ApplyProgress): { pending: number; running: number; finished: number; failed: number } {
  const counts = { pending: 0, running: 0, finished: 0, failed: 0 };
  for (const a of progress.actions) {
    if (a.state === 'finished') {
      counts.finished += 1;
      if (a.result.status === 'failed') counts.failed += 1;
    } else counts[a.state] += 1;
  }
  return counts;
}
