/**
 * Saved plans on disk: written atomically by `plan --out`, read back (and checked against the format) for
 * `apply FILE`, which then verifies them against the config and live IAM (operations/verify-plan.ts).
 */
import { serializePlanDocument, type PlanDocument } from '../plan/document.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { FILE_LIMITS, FileError, readRegularTextFile } from '../util/files.js';
import { UserError } from '../util/user-error.js';

/** Written atomically, so a reader (an upload step) never sees half a plan. */
export async function writePlanFile(path: string, doc: PlanDocument): Promise<void> {
  try {
    await writeFileAtomic(path, serializePlanDocument(doc));
  } catch (error) {
    throw new UserError(`cannot write the saved plan to ${path}: ${(error as Error).message}`);
  }
}

export async function readPlanFile(path: string): Promise<PlanDocument> {
  let text: string;
  try {
    text = await readRegularTextFile(path, FILE_LIMITS.savedPlan);
  } catch (error) {
    if (!(error instanceof FileError)) throw error;
    throw new UserError(`error: ${error.message}\n  fix: ${error.hint}\nNothing was changed.`);
  }
  // The saved plan's validator (generated from its schema, 380 KB) is loaded by the commands that read one, not by
  // every plan.
  const { parsePlanDocument } = await import('../plan/saved.js');
  const parsed = parsePlanDocument(text);
  if (parsed.ok) return parsed.doc;
  const fix =
    parsed.kind === 'format-version'
      ? 'make the plan again with this iampass (`iampass plan --out FILE`), or apply it with the iampass that made it'
      : 'give the file `iampass plan --out FILE` wrote, unmodified';
  throw new UserError(`error: saved plan ${path} cannot be applied: ${parsed.problem}\n  fix: ${fix}\nNothing was changed.`);
}
