/**
 * The failures an operation reports to a person, worded once: configuration problems found against live IAM (a
 * listed user that does not exist), the wrong account, a read that failed at IAM.
 */
import { formatDiagnostic, sortDiagnostics, summarizeDiagnostics, type Diagnostic } from '../config/diagnostics.js';
import type { DesiredState } from '../model/desired.js';
import type { UnresolvedUser } from '../plan/scope.js';
import { UserError } from '../util/user-error.js';

/**
 * Every diagnostic at once, sorted by position, then one line counting them. Only a command that writes (apply) says
 * that nothing was changed: after `validate` or `plan` the words would suggest something could have been.
 */
export function diagnosticsError(diagnostics: readonly Diagnostic[], file: string, options: { beforeWrites?: boolean } = {}): UserError {
  const sorted = sortDiagnostics(diagnostics);
  const outcome = options.beforeWrites ? '; nothing was changed.' : '.';
  // an organization's problems may be in its section files too: then the summary names every file concerned
  const several = new Set(sorted.map((d) => d.file)).size > 1;
  return new UserError(`${sorted.map(formatDiagnostic).join('\n')}\n${summarizeDiagnostics(sorted, several ? undefined : file)}${outcome}`);
}

/** Names in the file that match no user it can govern, at their positions, with the closest existing name. */
export function unresolvedDiagnostics(users: readonly UnresolvedUser[], desired: DesiredState, file: string, account: string): Diagnostic[] {
  const entries = new Map(desired.users.map((d) => [d.name, d]));
  return users.map((u): Diagnostic => {
    if (u.problem === 'protected-missing') {
      const at = desired.protectedAt?.get(u.name);
      return {
        file,
        line: at?.line ?? 0,
        col: at?.col ?? 0,
        path: 'scope.protected',
        severity: 'error',
        message: `scope.protected names ${u.name}, which is no user in account ${account}${u.detail ? `; did you mean ${u.detail}?` : ''}`,
        hint: u.detail
          ? `correct it to ${u.detail}: as written it protects nobody, and ${u.detail} could lose console access`
          : 'correct the name, or remove it from scope.protected',
      };
    }
    const at = entries.get(u.name)?.at;
    const position = { file, line: at?.line ?? 0, col: at?.col ?? 0, path: `users.${u.name}` };
    if (u.problem === 'missing') {
      return {
        ...position,
        severity: 'error',
        message: `user ${u.name} does not exist in account ${account}${u.detail ? `; did you mean ${u.detail}?` : ''}`,
        hint: u.detail
          ? `rename the entry to ${u.detail}, or create the IAM user first (iampass never creates or deletes users)`
          : 'create the IAM user first (iampass never creates or deletes users), or remove the entry',
      };
    }
    return {
      ...position,
      severity: 'error',
      message: `user ${u.name} is listed but outside the file's scope: ${u.detail ?? 'scope excludes it'}`,
      hint: `widen scope to include ${u.name}, or remove the entry`,
    };
  });
}

export function wrongAccountError(desired: DesiredState, expected: string, actual: string, callerArn: string): UserError {
  const where = desired.accountAt ? `${desired.accountAt.file}:${desired.accountAt.line}:${desired.accountAt.col}: ` : '';
  return new UserError(
    `${where}error: the file governs account ${expected}, but the credentials are for account ${actual} (${callerArn})\n` +
      `  fix: use credentials for account ${expected} (--profile, AWS_PROFILE), or correct \`account\`\nNothing was changed.`,
  );
}
