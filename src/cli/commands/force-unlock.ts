/**
 * `iampass force-unlock ID`: breaks the apply lock of a run that died, as `terraform force-unlock` does. The id
 * must be the one the lock carries (the refusal of a second apply names it), so a lock taken since by a live run is
 * never broken by mistake.
 */
import { breakLock, describeHolder, lockArn } from '../../operations/lock.js';
import { asUserError } from '../../operations/refresh.js';
import { connect } from '../../operations/session.js';
import { connectionSettings, type AwsFlags } from '../aws-options.js';
import type { Environment } from '../environment.js';
import { EXIT } from '../errors.js';

export async function forceUnlockCommand(id: string, flags: AwsFlags, environment: Environment): Promise<number> {
  const session = await connect(connectionSettings(flags, environment));
  const identity = await session.gateway.callerIdentity().catch(asUserError);
  const info = await breakLock(session.gateway, lockArn(identity.arn, identity.account), id).catch(async (error: unknown) => {
    const { UserError } = await import('../../util/user-error.js');
    if (error instanceof UserError) throw error;
    return asUserError(error);
  });
  environment.stdout.write(`Broke the apply lock ${info.id} on account ${identity.account} (${describeHolder(info)}).\n`);
  return EXIT.ok;
}
