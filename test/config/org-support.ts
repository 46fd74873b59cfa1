/** Helpers for the organization-file tests: a directory of files, loaded, with messages relative to it. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../../src/config/diagnostics.js';
import { loadConfiguration, type ConfigurationResult } from '../../src/config/load.js';
import type { OrganizationDesired } from '../../src/model/organization.js';

/** Writes `files` (path relative to a new directory: text) and returns the directory. */
export async function tree(files: Readonly<Record<string, string>>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'iampass-org-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

/** Loads `dir/iampass.yaml`. */
export function load(dir: string, main = 'iampass.yaml'): Promise<ConfigurationResult> {
  return loadConfiguration(join(dir, main));
}

/** `file:line:col: severity: message` (with `dir/` taken off the file) for each diagnostic, in reported order. */
export function heads(ds: readonly Diagnostic[], dir: string): string[] {
  return ds.map((d) => formatDiagnostic({ ...d, hint: undefined }).replaceAll(`${dir}/`, ''));
}

export function hints(ds: readonly Diagnostic[], dir: string): string[] {
  return ds.map((d) => (d.hint ?? '').replaceAll(`${dir}/`, ''));
}

export function failed(r: ConfigurationResult): Diagnostic[] {
  if (r.ok) throw new Error('expected a failure, got a valid configuration');
  return r.diagnostics;
}

export function organizationOf(r: ConfigurationResult): { organization: OrganizationDesired; warnings: Diagnostic[] } {
  if (!r.ok) throw new Error(`expected success, got:\n${r.diagnostics.map(formatDiagnostic).join('\n')}`);
  if (r.state.kind !== 'organization') throw new Error('expected an organization file');
  return { organization: r.state.organization, warnings: r.warnings };
}

/** An organization file: `targets: { all: true }`, then `rest` (the baseline and `accounts:`). */
export function orgFile(rest: string): string {
  return `version: 1\norganization:\n  targets: { all: true }\n${rest}`;
}
