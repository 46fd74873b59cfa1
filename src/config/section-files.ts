/**
 * Reading the section files an organization file names (`accounts: { "222222222222": accounts/prod.yaml }`): each
 * must be relative to the organization file and stay inside its directory tree (after symbolic links are followed),
 * and is read by the same hardened reader, under the same limit, as the organization file itself. Every refusal is
 * a diagnostic at the reference, never a wait or a stack trace.
 */
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { decodeText, FILE_LIMITS, FileError, formatBytes, readRegularFile, type FileLimits } from '../util/files.js';
import { printable } from '../util/printable.js';

/** A section file is held to the organization file's limit (and all of them together are too, see `SectionBudget`). */
export const SECTION_LIMITS: FileLimits = { what: 'section file', maxBytes: FILE_LIMITS.desiredState.maxBytes };

/** A section file read: its path as the organization file's path gives it, its real path, bytes and text. */
export interface SectionFile {
  file: string;
  real: string;
  bytes: Buffer;
  text: string;
}

/** Why a reference cannot be read: what is wrong and how to fix it, to be reported at the reference. */
export interface SectionRefusal {
  message: string;
  hint: string;
}

export type SectionRead = { ok: true; section: SectionFile } | { ok: false; refusal: SectionRefusal };

/**
 * The organization's files together may hold no more than one desired-state file may: splitting a file into
 * sections never lets more in (and what one file may hold is what parsing stays within memory for).
 */
export class SectionBudget {
  private used: number;
  constructor(mainBytes: number) {
    this.used = mainBytes;
  }

  /** Takes `bytes` from the budget; false (taking nothing) when they do not fit. */
  take(bytes: number): boolean {
    if (this.used + bytes > SECTION_LIMITS.maxBytes) return false;
    this.used += bytes;
    return true;
  }
}

/** `path` (absolute) is `root` or inside it. */
function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Reads the section file `ref` names, relative to the organization file `mainFile`. Refuses an absolute path, a path
 * that leaves the organization file's directory (by `..` or through a symbolic link), the organization file itself,
 * and whatever `readRegularFile` refuses (missing, a loop of links, a FIFO, a device, too large, not UTF-8).
 */
export async function readSectionFile(ref: string, mainFile: string, budget: SectionBudget): Promise<SectionRead> {
  const refuse = (message: string, hint: string): SectionRead => ({ ok: false, refusal: { message, hint } });
  const shown = printable(ref);
  if (isAbsolute(ref)) {
    return refuse(`the section file ${shown} is an absolute path`, 'name the file relative to this file, inside its directory, e.g. `accounts/prod.yaml`');
  }
  const file = join(dirname(mainFile), ref);
  const dir = dirname(resolve(mainFile));
  const target = resolve(dir, ref);
  const outside = refuse(
    `the section file ${shown} is outside this file's directory (${printable(dir)})`,
    'keep section files in the directory of the organization file or below it (a symbolic link out of it counts as outside)',
  );
  if (!inside(dir, target)) return outside;
  const real = await realpath(target).catch(() => null);
  if (real !== null) {
    const realDir = await realpath(dir).catch(() => dir);
    if (!inside(realDir, real)) return outside;
    if (real === (await realpath(mainFile).catch(() => null))) {
      return refuse(`the section file ${shown} is this file itself`, "give the path of the file that holds the account's section");
    }
  }
  let bytes: Buffer;
  let text: string;
  try {
    bytes = await readRegularFile(target, SECTION_LIMITS);
    text = decodeText(target, bytes, SECTION_LIMITS);
  } catch (error) {
    if (!(error instanceof FileError)) throw error;
    const hint = error.reason === 'absent' ? `check the path (looked for ${printable(target)}), or create the file` : error.hint;
    return refuse(`the section file ${shown} ${error.problem}`, hint);
  }
  if (!budget.take(bytes.length)) {
    return refuse(
      `the section file ${shown} brings the organization's files over ${formatBytes(SECTION_LIMITS.maxBytes)} together`,
      'an organization file and its section files together may hold as much as one desired-state file; check that this is the file you meant',
    );
  }
  return { ok: true, section: { file, real: real ?? target, bytes, text } };
}
