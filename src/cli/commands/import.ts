/**
 * `iampass import`: adoption. Reads the password policy and every in-scope user's console state from live IAM and
 * writes the desired-state file that describes it, so the first `plan` shows no changes. Into an existing file it
 * merges (keeping its comments) only when asked, or replaces it only when forced: a person's notes are never lost
 * by accident.
 */
import { access } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic } from '../../config/diagnostics.js';
import { emitDesiredState, mergeDesiredState, type ImportedState } from '../../config/emit.js';
import { parseConfig, readConfigFile } from '../../config/load.js';
import { SCHEMA_URL } from '../../config/schema.js';
import { DEFAULT_ADVISORY_SETTINGS, type DesiredState } from '../../model/desired.js';
import { readRequestOf } from '../../model/read-request.js';
import { diff } from '../../plan/diff.js';
import { diagnosticsError } from '../../operations/errors.js';
import { readAccount } from '../../operations/refresh.js';
import { connect, type Session } from '../../operations/session.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { connectionSettings, type AwsFlags } from '../aws-options.js';
import type { Environment } from '../environment.js';
import { EXIT } from '../errors.js';
import { UserError } from '../../util/user-error.js';
import type { StopSignal } from '../stop.js';

export interface ImportFlags extends AwsFlags {
  pathPrefix?: string;
  tag: string[];
  output?: string;
  merge?: boolean;
  force?: boolean;
  /** A member account of the caller's organization, reached by AssumeRole (the organization's way in). */
  account?: string;
  roleName?: string;
  externalId?: string;
}

export async function importCommand(flags: ImportFlags, environment: Environment, stop: StopSignal): Promise<number> {
  if (flags.merge && flags.force) throw new UserError('error: --merge and --force exclude each other: merge keeps the file, force replaces it');
  if (flags.merge && (flags.pathPrefix !== undefined || flags.tag.length > 0)) {
    throw new UserError(
      'error: --merge keeps the file\'s own scope, so --path-prefix and --tag do not apply (they would drop the users it lists)\n' +
        '  fix: to adopt more users, widen scope in the file and merge again; or import them into a new file with -o\nNothing was read or written.',
    );
  }
  const target = flags.output === undefined || flags.output === '-' ? null : flags.output;
  const existing = target === null ? null : await readExisting(target, flags);
  const tags = parseTags(flags.tag);
  const scope = {
    pathPrefix: flags.pathPrefix ?? existing?.state.scope.pathPrefix ?? null,
    tags: flags.tag.length > 0 ? tags : (existing?.state.scope.tags ?? {}),
  };
  checkScope(scope);

  const session = await sessionFor(flags, environment);
  environment.stderr.write('Reading live IAM...\n');
  const desired: DesiredState = {
    version: 1,
    account: existing?.state.account ?? null,
    passwordPolicy: { kind: 'unmanaged' },
    // `disable` with no users listed: every in-scope user is governed, so each one's login profile is read.
    scope: { ...scope, unlisted: 'disable', protected: [] },
    defaults: { passwordResetRequired: true, pgpKeyDir: null, rotation: null },
    users: [],
    advisories: DEFAULT_ADVISORY_SETTINGS,
  };
  if (existing?.state.accountAt) desired.accountAt = existing.state.accountAt;
  // Merging into a file that rotates: each user's recorded token decides whether adopting it would rotate it.
  const rotates = existing !== null && (existing.state.defaults.rotation !== null || existing.state.users.some((u) => u.rotation !== null));
  const request = { ...readRequestOf(desired), rotating: rotates ? ('all' as const) : [] };
  const live = await readAccount(session, desired, target ?? 'the imported file', { aborted: () => stop.requested(), request });
  const state: ImportedState = {
    account: live.account,
    passwordPolicy: live.passwordPolicy,
    scope,
    users: live.users.map((u) => ({
      name: u.name,
      console: u.loginProfile !== null,
      resetPending: u.loginProfile?.passwordResetRequired ?? false,
      ...(rotates ? { rotation: u.rotation } : {}),
    })),
  };

  const schemaPath = relative(target === null ? environment.cwd : dirname(resolve(environment.cwd, target)), fileURLToPath(SCHEMA_URL));
  let text: string;
  if (existing) {
    const merged = mergeDesiredState(existing.source, state, schemaPath, existing.state.scope.protected);
    if (!merged.ok) throw new UserError(`error: cannot merge into ${target}: ${merged.problem}\n  fix: correct it, or pass --force to replace it\nNothing was written.`);
    text = merged.text;
  } else {
    text = emitDesiredState(state, schemaPath);
  }

  // The same loader plan uses: what import writes, plan reads.
  const check = parseConfig(text, target ?? '<stdout>');
  if (!check.ok) {
    throw new UserError(
      `error: the imported state is not a valid desired-state file, so nothing was written:\n${check.diagnostics.map(formatDiagnostic).join('\n')}\n` +
        '  (live IAM holds a value iampass does not accept, e.g. a policy setting out of range)',
    );
  }

  const withConsole = state.users.filter((u) => u.console).length;
  const what = `${state.users.length} user${state.users.length === 1 ? '' : 's'} (${withConsole} with console access) and ${
    state.passwordPolicy === null ? 'the AWS default password policy' : 'the custom password policy'
  } from account ${state.account}`;
  if (target === null) {
    environment.stdout.write(text);
    environment.stderr.write(`Imported ${what}.\n`);
  } else {
    await writeAtomically(target, text);
    // Said from the merged file's own diff against what was read: a merge keeps what the file asked for.
    const pending = diff(check.state, live).actions;
    environment.stderr.write(
      `${existing ? 'Merged' : 'Imported'} ${what} into ${target}.\n` +
        (pending.length === 0
          ? `Run \`iampass plan -c ${target}\`: it shows no changes until the file is edited.\n`
          : `\`iampass plan -c ${target}\` shows ${pending.length} change${pending.length === 1 ? '' : 's'} the file already asked for: ${pending
              .map((a) => ('user' in a ? `${a.kind} ${a.user}` : a.kind))
              .join(', ')}.\n`),
    );
  }
  return EXIT.ok;
}

/**
 * The caller's own account; or with `--account`, a member account of its organization reached as an organization
 * run reaches it: AssumeRole of `--role-name` (OrganizationAccountAccessRole unless given) with `--external-id`.
 */
async function sessionFor(flags: ImportFlags, environment: Environment): Promise<Session> {
  if ((flags.roleName !== undefined || flags.externalId !== undefined) && flags.account === undefined) {
    throw new UserError('error: --role-name and --external-id say how to reach another account; name it with --account ID\nNothing was read or written.');
  }
  const settings = connectionSettings(flags, environment);
  if (flags.account === undefined) return connect(settings);
  const { connectOrganization, Unreachable } = await import('../../operations/org-access.js');
  const access = await connectOrganization(settings);
  try {
    const { session } = await access.connect({ id: flags.account, name: flags.account }, { roleName: flags.roleName ?? 'OrganizationAccountAccessRole', externalId: flags.externalId ?? null });
    return session;
  } catch (error) {
    access.close();
    if (error instanceof Unreachable) throw new UserError(`error: account ${flags.account} is unreachable: ${error.message}\n  fix: ${error.fix}\nNothing was read or written.`);
    throw error;
  }
}

async function readExisting(target: string, flags: ImportFlags): Promise<{ source: string; state: DesiredState } | null> {
  const exists = await access(target).then(
    () => true,
    () => false,
  );
  if (!exists || flags.force) return null;
  if (!flags.merge) {
    throw new UserError(
      `error: ${target} already exists, and import never overwrites a file unasked (its comments and settings would be lost)\n` +
        `  fix: pass --merge to update it in place (comments and settings kept), --force to replace it, or -o another file\nNothing was written.`,
    );
  }
  const read = await readConfigFile(target);
  if (!read.ok) throw diagnosticsError(read.diagnostics, target);
  const source = read.text;
  const loaded = parseConfig(source, target);
  if (!loaded.ok) {
    const error = diagnosticsError(loaded.diagnostics, target);
    throw new UserError(`${error.message}\n  (import --merge needs a valid file to merge into; fix it, or pass --force to replace it)`);
  }
  return { source, state: loaded.state };
}

function parseTags(values: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0) throw new UserError(`error: --tag ${value}: expected KEY=VALUE, e.g. --tag team=platform`);
    tags[value.slice(0, at)] = value.slice(at + 1);
  }
  return tags;
}

/** The scope flags, checked by the file's own rules (the schema) before any AWS call. */
function checkScope(scope: ImportedState['scope']): void {
  const probe = emitDesiredState({ account: '000000000000', passwordPolicy: null, scope, users: [] }, 'schema.json');
  const result = parseConfig(probe, 'flags');
  if (result.ok) return;
  const lines = result.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => {
      const flag = d.path?.startsWith('scope.tags') ? '--tag' : d.path === 'scope.pathPrefix' ? '--path-prefix' : d.path ?? 'scope';
      return `error: ${flag}: ${d.message}${d.hint ? `\n  fix: ${d.hint}` : ''}`;
    });
  throw new UserError(`${lines.join('\n')}\nNothing was read or written.`);
}

async function writeAtomically(path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(path, text);
  } catch (error) {
    throw new UserError(`cannot write ${path}: ${(error as Error).message}`);
  }
}
