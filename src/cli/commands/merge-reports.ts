/**
 * `iampass merge-reports FILE...`: the JSON reports of the shards of one organization run (`--shard i/N` with
 * `--format json`, or `plan --out`) merged into the report the unsplit run would have written, printed in any of
 * the report's formats, with the exit code that run would have had. A shard whose report is missing makes its
 * accounts errors (so the merged run fails, saying which shard to run again); reports of different runs are refused.
 */
import { readFile } from 'node:fs/promises';
import { mergeOrganizationDocuments } from '../../plan/organization-merge.js';
import { exceedsTolerance, type OrganizationDocument } from '../../plan/organization-report.js';
import { parseOrganizationDocument } from '../../plan/organization-saved.js';
import { htmlOrganizationChunks } from '../../render/organization-html.js';
import { jsonOrganizationChunks, renderMarkdownOrganization, textOrganizationChunks } from '../../render/organization.js';
import { UserError } from '../../util/user-error.js';
import type { Environment } from '../environment.js';
import { EXIT } from '../errors.js';
import { writeReport } from '../output.js';
import { presentation } from '../presentation.js';

export const MERGE_FORMATS = ['text', 'json', 'markdown', 'html'] as const;
export type MergeFormat = (typeof MERGE_FORMATS)[number];

export interface MergeFlags {
  format: MergeFormat;
  output?: string;
  /** Default: the largest tolerance the shards were run with. */
  failureTolerance?: number;
  detailedExitcode?: boolean;
  color?: boolean;
}

export async function mergeReportsCommand(files: readonly string[], flags: MergeFlags, environment: Environment): Promise<number> {
  const inputs = await Promise.all(files.map(async (name) => ({ name, doc: await readReport(name) })));
  const merged = mergeOrganizationDocuments(inputs, flags.failureTolerance);
  if (!merged.ok) {
    throw new UserError(`${merged.problems.map((p) => `error: ${p}`).join('\n')}\n  fix: merge the reports of the shards of one run (the same file, organization and --shard N), each once`);
  }
  const doc = merged.doc;
  if (flags.format === 'html' && doc.kind === 'organization-plan') {
    throw new UserError('error: --format html is for drift and status reports; a plan is text, json or markdown');
  }
  if (flags.format === 'markdown' && doc.kind === 'organization-status') {
    throw new UserError('error: --format markdown is for plan and drift reports; status is text, json or html');
  }
  const shown = presentation(environment, { ...(flags.color !== undefined ? { color: flags.color } : {}), interactive: false });
  const text = {
    text: () => textOrganizationChunks(doc, shown.style),
    json: () => jsonOrganizationChunks(doc),
    markdown: () => renderMarkdownOrganization(doc),
    html: () => htmlOrganizationChunks(doc as OrganizationDocument<'drift'> | OrganizationDocument<'status'>),
  } satisfies Record<MergeFormat, () => string | Iterable<string>>;
  await writeReport(text[flags.format](), flags.output, environment);
  environment.stderr.write(`Merged ${files.length} report${files.length === 1 ? '' : 's'}: ${doc.summary.accounts} accounts, ${doc.summary.failed} failed.\n`);
  return mergedExit(doc, flags);
}

/** The exit code the unsplit run would have had. */
function mergedExit(doc: OrganizationDocument, flags: MergeFlags): number {
  if (exceedsTolerance(doc)) return EXIT.error;
  if (doc.kind === 'organization-drift') return doc.summary.changes > 0 ? EXIT.changes : EXIT.ok;
  if (doc.kind === 'organization-plan' && flags.detailedExitcode) return doc.summary.changes > 0 ? EXIT.changes : EXIT.ok;
  return EXIT.ok;
}

async function readReport(file: string): Promise<OrganizationDocument> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`error: cannot read the report ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}\n  fix: name the JSON reports the shards wrote (--format json -o FILE, or plan --out FILE)`);
  }
  const parsed = parseOrganizationDocument(data);
  if (!parsed.ok) throw new UserError(`error: ${file} cannot be merged: ${parsed.problem}\n  fix: name the JSON reports the shards wrote (--format json -o FILE, or plan --out FILE)`);
  return parsed.doc;
}
