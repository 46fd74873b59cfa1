import type { DesiredState, FailOn } from '../model/desired.js';
import { unacknowledged } from '../plan/advisories.js';
import type { PlanWarning } from '../model/plan.js';
import { UserError } from '../util/user-error.js';

/** `--fail-on` wins over the file's `advisories.failOn`. */
export function resolveFailOn(flag: FailOn | undefined, desired: DesiredState): { level: FailOn; from: string } {
  return flag !== undefined ? { level: flag, from: '--fail-on' } : { level: desired.advisories.failOn, from: 'advisories.failOn' };
}

/**
 * Throws the error that fails a command while warnings are not acknowledged and the policy says they fail it,
 * naming each one; does nothing otherwise. Called after the plan (or lint) has been shown, so the warnings
 * are on screen above the message.
 */
export function enforceFailOn(warnings: readonly PlanWarning[], failOn: { level: FailOn; from: string }, command: string, tail = ''): void {
  if (failOn.level !== 'warning') return;
  const failing = unacknowledged(warnings);
  if (failing.length === 0) return;
  const n = failing.length;
  const list = failing.map((w) => (w.user === undefined ? w.id : `${w.id} ${w.user}`)).join(', ');
  throw new UserError(
    `${command} failed: ${n} warning${n === 1 ? ' is' : 's are'} not acknowledged (${failOn.from}: warning): ${list}\n` +
      '  fix: resolve each one, or accept it with a reason in the file: users.NAME.acknowledge.ID for a warning about a user, ' +
      `advisories.acknowledge.ID for one about the account${tail}`,
  );
}
