/**
 * Saved plans on disk: written atomically by `plan --out`, read back and checked by `apply FILE`. The check is
 * the point: a plan that no longer describes the account (or was made from another file, account or format) is
 * refused before any write, naming every difference.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, basename } from 'node:path';
import { planOf, serializePlanDocument, type PlanDocument } from '../plan/document.js';
import { parsePlanDocument } from '../plan/saved.js';
import { checkStaleness, type Staleness } from '../plan/staleness.js';
import { isProfileAction } from '../model/plan.js';
import type { AwsFlags } from './aws-options.js';
import { sha256 } from './config.js';
import { UserError } from './errors.js';
import type { Session } from './refresh.js';

/** Writes to a temporary name and renames, so a reader (an upload step) never sees half a plan. */
export async function writePlanFile(path: string, doc: PlanDocument): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, serializePlanDocument(doc), { flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw new UserError(`cannot write the saved plan to ${path}: ${(error as Error).message}`);
  }
}

export async function readPlanFile(path: string): Promise<PlanDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`error: cannot read the saved plan ${path}${code === 'ENOENT' ? ': no such file' : `: ${(error as Error).message}`}\nNothing was changed.`);
  }
  const parsed = parsePlanDocument(text);
  if (parsed.ok) return parsed.doc;
  const fix =
    parsed.kind === 'format-version'
      ? 'make the plan again with this iampass (`iampass plan --out FILE`), or apply it with the iampass that made it'
      : 'give the file `iampass plan --out FILE` wrote, unmodified';
  throw new UserError(`error: saved plan ${path} cannot be applied: ${parsed.problem}\n  fix: ${fix}\nNothing was changed.`);
}

/**
 * Compares the plan with the config file's bytes now and with live IAM now (re-reading exactly what its actions
 * depend on). Resolves with the notes when the plan still holds; throws the "stale" refusal otherwise.
 */
export async function verifyPlan(
  path: string,
  doc: PlanDocument,
  configFile: string,
  session: Session,
  flags: AwsFlags,
  aborted: () => boolean,
): Promise<Staleness> {
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
    now = await recheck(session.gateway, { account: doc.account, users, rotating }, { concurrency: flags.concurrency, aborted });
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
