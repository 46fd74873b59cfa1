/** Where an apply stands, folded from the executor's events. Pure and immutable, so every event is a new value. */
import type { ActionResult, ExecutorEvent } from '../apply/execute.js';
import type { Plan } from '../model/plan.js';

export type ActionState = { state: 'pending' } | { state: 'running' } | { state: 'finished'; result: ActionResult };

/** Invariant: `actions[i]` is the state of `plan.actions[i]`; `finished` lists results in the order they came. */
export interface ApplyProgress {
  actions: ActionState[];
  finished: ActionResult[];
}

export function startApply(plan: Plan): ApplyProgress {
  return { actions: plan.actions.map(() => ({ state: 'pending' })), finished: [] };
}

export function applyEvent(progress: ApplyProgress, event: ExecutorEvent): ApplyProgress {
  const actions = progress.actions.slice();
  if (event.type === 'started') {
    actions[event.index] = { state: 'running' };
    return { actions, finished: progress.finished };
  }
  actions[event.result.index] = { state: 'finished', result: event.result };
  return { actions, finished: [...progress.finished, event.result] };
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
