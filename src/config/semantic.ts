/**
 * Checks the schema cannot express. They run on the raw data even when the schema found problems (so every problem
 * is reported at once) and therefore check types defensively: a wrongly typed value is the schema's to report.
 */
import type { Finding } from './findings.js';
import { escapePointerSegment } from './source.js';

export interface SemanticContext {
  /** Line of the key (or value) at a pointer, for "the other is on line N". */
  lineOf(pointer: string): number | undefined;
  /**
   * Where the value at a pointer is, as `file:line`, when the data comes from several files (an account's merged
   * state): then messages say "at FILE:LINE" instead of "on line N".
   */
  placeOf?(pointer: string): string | undefined;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function has(m: Record<string, unknown>, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, k);
}

function userPointer(name: string): string {
  return `/users/${escapePointerSegment(name)}`;
}

function onLine(ctx: SemanticContext, pointer: string): string {
  const place = ctx.placeOf?.(pointer);
  if (place !== undefined) return ` at ${place}`;
  const line = ctx.lineOf(pointer);
  return line === undefined ? '' : ` on line ${line}`;
}

export function semanticChecks(data: unknown, ctx: SemanticContext): Finding[] {
  const out: Finding[] = [];
  if (!isMap(data)) return out;
  const users = isMap(data.users) ? data.users : {};
  const scope = isMap(data.scope) ? data.scope : {};
  const policy = isMap(data.passwordPolicy) ? data.passwordPolicy : null;
  const defaults = isMap(data.defaults) ? data.defaults : {};
  const defaultReset = typeof defaults.passwordResetRequired === 'boolean' ? defaults.passwordResetRequired : true;

  // IAM user names are case-insensitive: `Alice` and `alice` are one user. (Exact repeats are YAML's to report.)
  const firstByFolded = new Map<string, string>();
  for (const name of Object.keys(users)) {
    const folded = name.toLowerCase();
    const first = firstByFolded.get(folded);
    if (first === undefined) {
      firstByFolded.set(folded, name);
      continue;
    }
    out.push({
      severity: 'error',
      pointer: userPointer(name),
      anchor: 'key',
      message: `\`${name}\` and \`${first}\` are the same IAM user`,
      hint: `IAM user names are case-insensitive; keep one entry for this user (\`${first}\` is${onLine(ctx, userPointer(first)) || ' also listed'})`,
    });
  }

  // scope.protected: case-insensitive repeats (exact repeats are reported by the schema's uniqueItems)
  const protectedNames = Array.isArray(scope.protected) ? scope.protected : [];
  const protectedFolded = new Map<string, number>();
  protectedNames.forEach((p, i) => {
    if (typeof p !== 'string') return;
    const folded = p.toLowerCase();
    const first = protectedFolded.get(folded);
    if (first === undefined) {
      protectedFolded.set(folded, i);
      return;
    }
    const firstName = protectedNames[first] as string;
    if (firstName === p) return;
    out.push({
      severity: 'error',
      pointer: `/scope/protected/${i}`,
      anchor: 'value',
      message: `\`${p}\` is listed twice in scope.protected`,
      hint: `IAM user names are case-insensitive: \`${firstName}\`${onLine(ctx, `/scope/protected/${first}`)} is the same user; remove one of them`,
    });
  });

  let resetOnConsoleUser = false;
  for (const [name, entry] of Object.entries(users)) {
    if (!isMap(entry)) continue;
    if (typeof entry.console === 'boolean') out.push(...pointlessAcknowledgements(name, entry.console, entry.acknowledge));
    const reset = typeof entry.passwordResetRequired === 'boolean' ? entry.passwordResetRequired : defaultReset;
    if (entry.console === true && reset) resetOnConsoleUser = true;
    if (entry.console !== false) continue;
    if (protectedFolded.has(name.toLowerCase())) {
      out.push({
        severity: 'error',
        pointer: `${userPointer(name)}/console`,
        anchor: 'value',
        message: `${name} is protected and cannot be given console: false`,
        hint: `remove ${name} from scope.protected${ctx.placeOf === undefined ? '' : onLine(ctx, `/scope/protected/${protectedFolded.get(name.toLowerCase()) ?? 0}`)}, or set console: true`,
      });
    }
    if (typeof entry.passwordResetRequired === 'boolean') {
      out.push({
        severity: 'warning',
        pointer: `${userPointer(name)}/passwordResetRequired`,
        anchor: 'key',
        message: `passwordResetRequired has no effect for ${name}, who has console: false`,
        hint: 'remove passwordResetRequired, or set console: true',
      });
    }
  }

  if (policy !== null) {
    if (policy.hardExpiry === true && !has(policy, 'maxAgeDays')) {
      out.push({
        severity: 'warning',
        pointer: '/passwordPolicy/hardExpiry',
        anchor: 'value',
        message: 'hardExpiry has no effect without maxAgeDays: passwords never expire',
        hint: 'set maxAgeDays (e.g. 90), or remove hardExpiry',
      });
    }
    if (policy.allowUsersToChangePassword !== true && resetOnConsoleUser) {
      const explicit = has(policy, 'allowUsersToChangePassword');
      out.push({
        severity: 'warning',
        pointer: explicit ? '/passwordPolicy/allowUsersToChangePassword' : '/passwordPolicy',
        anchor: explicit ? 'value' : 'key',
        message:
          'users must choose a new password at first sign-in (passwordResetRequired), but the policy does not allow users to change their password',
        hint: 'set `allowUsersToChangePassword: true`, or make sure those users may call iam:ChangePassword (e.g. the IAMUserChangePassword managed policy)',
      });
    }
  }

  if (scope.unlisted === 'disable') {
    const noPrefix = typeof scope.pathPrefix !== 'string' || scope.pathPrefix === '/';
    const noTags = !isMap(scope.tags) || Object.keys(scope.tags).length === 0;
    if (noPrefix && noTags) {
      out.push({
        severity: 'warning',
        pointer: '/scope/unlisted',
        anchor: 'value',
        message: 'unlisted: disable governs every IAM user in the account: any user not listed under users loses console access',
        hint: 'narrow the scope with pathPrefix or tags, and list users who must keep access in scope.protected',
      });
    }
  }

  return out;
}

/** Warnings that only arise when console access is kept or given (or only when it is removed). */
const ONLY_WITH_CONSOLE = new Set(['IP102', 'IP103', 'IP104', 'IP108']);
const ONLY_WHEN_REMOVED = new Set(['IP101', 'IP107']);

/** An acknowledgement that can never match, given the user's `console`: almost certainly on the wrong user. */
function pointlessAcknowledgements(name: string, console: boolean, acknowledge: unknown): Finding[] {
  if (!isMap(acknowledge)) return [];
  return Object.keys(acknowledge).flatMap((id): Finding[] => {
    const never = console ? ONLY_WHEN_REMOVED.has(id) : ONLY_WITH_CONSOLE.has(id);
    if (!never) return [];
    return [
      {
        severity: 'warning',
        pointer: `${userPointer(name)}/acknowledge/${escapePointerSegment(id)}`,
        anchor: 'key',
        message: `acknowledging ${id} has no effect for ${name}, who has console: ${String(console)}`,
        hint: console
          ? `${id} is only raised when console access is removed; remove the acknowledgement`
          : `${id} is only raised for users who keep or get console access; remove the acknowledgement`,
      },
    ];
  });
}
