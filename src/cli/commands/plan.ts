import { COLOR, PLAIN, type Style } from '../../render/ansi.js';
import { renderTextPlan } from '../../render/text.js';
import type { Plan } from '../../plan/types.js';
import type { AwsFlags } from '../aws-options.js';
import { loadOrFail } from '../config.js';
import { useColor, type Environment } from '../environment.js';
import { EXIT } from '../errors.js';
import { connect, refresh, type Session } from '../refresh.js';

export interface PlanFlags extends AwsFlags {
  config: string;
  detailedExitcode?: boolean;
  format: 'text' | 'json';
  color?: boolean;
}

export async function planCommand(flags: PlanFlags, environment: Environment): Promise<number> {
  const desired = await loadOrFail(flags.config, environment);
  const session = await connect(flags, environment);
  const plan = await readPlan(session, desired, flags, environment);
  const style = useColor(environment, flags.color) ? COLOR : PLAIN;
  environment.stdout.write(flags.format === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : renderTextPlan(plan, style));
  return flags.detailedExitcode && plan.actions.length > 0 ? EXIT.changes : EXIT.ok;
}

/** Reads live IAM with a progress note on stderr (one line before, one after: fine for CI logs). */
export async function readPlan(
  session: Session,
  desired: Parameters<typeof refresh>[1],
  flags: AwsFlags & { config: string },
  environment: Environment,
): Promise<Plan> {
  const started = Date.now();
  environment.stderr.write('Reading live IAM...\n');
  let inScope = 0;
  let listed = 0;
  const plan = await refresh(session, desired, flags.config, flags, (p) => {
    inScope = p.usersInScope;
    listed = p.usersListed;
  });
  const { calls, throttled } = session.caller.stats;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  environment.stderr.write(
    `Read ${listed} users (${inScope} in scope) with ${calls} calls, ${throttled} throttled, in ${seconds}s.\n\n`,
  );
  return plan;
}

export function styleFor(environment: Environment, color: boolean | undefined): Style {
  return useColor(environment, color) ? COLOR : PLAIN;
}
