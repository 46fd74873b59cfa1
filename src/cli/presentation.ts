/**
 * How a command talks to the person, decided once: live Ink views at a terminal, plain text for pipes, logs and CI;
 * and the one view of a read in progress (a live line at a terminal, a line before and after elsewhere).
 */
import type { ReadProgress } from '../iam/read.js';
import type { Plan } from '../model/plan.js';
import type { Refreshed } from '../operations/refresh.js';
import type { Session } from '../operations/session.js';
import { COLOR, PLAIN, type Style } from '../render/ansi.js';
import type { PlanHeader, UiOptions } from '../ui/types.js';
import { isInteractive, useColor, type Environment } from './environment.js';
import type { StopSignal } from './stop.js';

export interface Presentation {
  interactive: boolean;
  style: Style;
  ui: UiOptions;
}

export function presentation(environment: Environment, flags: { color?: boolean; interactive?: boolean }): Presentation {
  const color = useColor(environment, flags.color);
  return {
    interactive: isInteractive(environment, flags.interactive),
    style: color ? COLOR : PLAIN,
    ui: { stdout: environment.stdout, stdin: environment.stdin, stderr: environment.stderr, color },
  };
}

export function planHeader(plan: Plan, configFile: string): PlanHeader {
  return { account: plan.account, callerArn: plan.callerArn, configFile };
}

/** What `refreshAccount` needs from a view: where to report progress, and whether to stop. */
export interface RefreshView {
  onProgress: (p: ReadProgress) => void;
  aborted: () => boolean;
}

/**
 * Runs `start` (a refresh) under the read's view: at a terminal a live progress line moves while it reads;
 * otherwise one line before and one after on stderr, which suits CI logs.
 */
export async function followRefresh<T = Refreshed>(
  start: (view: RefreshView) => Promise<T>,
  session: Session,
  environment: Environment,
  shown: Presentation,
  stop: StopSignal,
): Promise<T> {
  const started = Date.now();
  let latest: ReadProgress = { phase: 'identity', usersListed: 0, usersInScope: 0, profilesRead: 0, profilesToRead: 0 };
  const work = start({ onProgress: (p) => (latest = p), aborted: () => stop.requested() });
  if (shown.interactive) {
    const { showRefresh } = await import('../ui/run.js');
    return showRefresh(work, () => ({ progress: latest, stats: session.caller.stats }), shown.ui);
  }
  environment.stderr.write('Reading live IAM...\n');
  const unsubscribe = stop.onRequest(() => environment.stderr.write('\nInterrupt received: stopping the read...\n'));
  const result = await work.finally(unsubscribe);
  const { calls, throttled } = session.caller.stats;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  environment.stderr.write(
    `Read ${latest.usersListed} users (${latest.usersInScope} in scope) with ${calls} calls, ${throttled} throttled, in ${seconds}s.\n\n`,
  );
  return result;
}
