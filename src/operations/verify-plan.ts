/**
 * Whether a saved plan may still be applied: its config file's bytes now, and live IAM now (re-reading exactly
 * what its actions depend on), compared with what it recorded. The comparison itself is pure (plan/staleness.ts).
 */
import { readFile } from 'node:fs/promises';
import { planOf, type PlanDocument } from '../plan/document.js';
import { checkStaleness, type Staleness } from '../plan/staleness.js';
import { isProfileAction } from '../model/plan.js';
import { sha256 } from '../util/sha256.js';
import { UserError } from '../util/user-error.js';
import type { Session } from './session.js';

/** Resolves with the notes when the plan still holds; throws the "stale" refusal, naming every change, otherwise. */
export async function verifyPlan(path: string, doc: PlanDocument, configFile: string, session: Session, aborted: () => boolean): Promise<Staleness> {
  let configSha256: string | null = null;
  let configProblem: string | undefined;
  try {
    configSha256 = sha256(await readFile(configFile));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    configProblem = code === 'ENOENT' ? 'no such file (pass -c FILE to name it)' : (error as Error).message;
  }
  const [{ recheck }, { ReadError }] = await Promise.all([import('../iam/recheck.js'), import('../iam/read.js')]);
  const users = [...new Set(planOf(doc).actions.filter(isProfileAction).map((a) => a.user))];
  let now;
  try {
    const rotating = doc.basis.users.filter((u) => u.rotation !== undefined).map((u) => u.name);
    now = await recheck(session.gateway, { account: doc.account, users, rotating }, { concurrency: session.concurrency, aborted });
  } catch (error) {
    if (error instanceof ReadError && error.error.code === 'Interrupted') throw new UserError('Interrupted while checking the saved plan. Nothing was changed.');
    if (error instanceof ReadError) throw new UserError(`Checking the saved plan against live IAM failed: ${error.message}\nNothing was changed.`);
    throw error;
  }
  const staleness = checkStaleness(doc, {
    configSha256,
    configFile,
    ...(configProblem !== undefined ? { configProblem } : {}),
    account: now.account,
    callerArn: now.callerArn,
    ...(now.passwordPolicy !== undefined ? { passwordPolicy: now.passwordPolicy } : {}),
    ...(now.profiles !== undefined ? { profiles: now.profiles } : {}),
    ...(now.rotations !== undefined ? { rotations: now.rotations } : {}),
  });
  if (staleness.changes.length > 0) {
    throw new UserError(
      `error: saved plan ${path} is stale: ${staleness.changes.length} thing${staleness.changes.length === 1 ? '' : 's'} changed since it was made\n` +
        staleness.changes.map((c) => `  - ${c}`).join('\n') +
        `\n  fix: make a new plan (\`iampass plan -c ${doc.config.file} --out ${path}\`), review it, and apply that\nNothing was changed.`,
    );
  }
  return staleness;
}
