import { loadConfiguration } from '../../config/load.js';
import { formatDiagnostic, summarizeDiagnostics } from '../../config/diagnostics.js';
import type { OrganizationDesired } from '../../model/organization.js';
import { diagnosticsError } from '../../operations/errors.js';
import type { Environment } from '../environment.js';
import { EXIT } from '../errors.js';

const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Offline: schema and semantic checks only, of an account file or an organization file. Never loads the AWS SDK. */
export async function validateCommand(file: string, environment: Environment): Promise<number> {
  const result = await loadConfiguration(file);
  if (!result.ok) throw diagnosticsError(result.diagnostics, file);
  for (const w of result.warnings) environment.stderr.write(`${formatDiagnostic(w)}\n`);
  const several = new Set(result.warnings.map((w) => w.file)).size > 1;
  const note = result.warnings.length > 0 ? ` (${summarizeDiagnostics(result.warnings, several ? undefined : file)})` : '';
  const { state } = result;
  const what = state.kind === 'account' ? `${count(state.desired.users.length, 'user')} listed` : describeOrganization(state.organization);
  environment.stdout.write(`${file} is valid: ${what}${note}.\n`);
  return EXIT.ok;
}

/** `an organization file with 2 account sections (2 in files of their own); the baseline lists 0 users`. */
function describeOrganization(org: OrganizationDesired): string {
  const sections = [...org.sections.values()];
  const inFiles = sections.filter((s) => s.at !== undefined && s.at.file !== org.files[0]?.file).length;
  const files = inFiles > 0 ? ` (${inFiles} in ${inFiles === 1 ? 'a file of its own' : 'files of their own'})` : '';
  return `an organization file with ${count(sections.length, 'account section')}${files}; the baseline lists ${count(org.baseline.users.length, 'user')}`;
}
