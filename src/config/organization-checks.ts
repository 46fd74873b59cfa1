/**
 * Checks of an organization file the schema cannot express: on the file itself (no `account`, targets that select
 * something, sections that can never be used) and on each account's merged state (what only merging can break).
 * Like semantic.ts they check types defensively: a wrongly typed value is the schema's to report.
 */
import type { Finding } from './findings.js';
import type { RawMerged, RawSection } from './merge.js';
import { escapePointerSegment } from './source.js';
import { userPointer } from './merge.js';

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function onLine(line: number | undefined): string {
  return line === undefined ? '' : ` (line ${line})`;
}

/** Checks of the organization file's own data (`data` has `organization`). */
export function organizationChecks(data: Record<string, unknown>, lineOf: (pointer: string) => number | undefined): Finding[] {
  const out: Finding[] = [];
  if (Object.prototype.hasOwnProperty.call(data, 'account')) {
    out.push({
      severity: 'error',
      pointer: '/account',
      anchor: 'key',
      message: '`account` cannot be used in an organization file: it pins a file to one account, and this file governs many',
      hint: 'remove `account:`; the targets choose the accounts, each account\'s settings go under `accounts: { "ID": ... }`, and `--account ID` narrows a run',
    });
  }
  const organization = isMap(data.organization) ? data.organization : null;
  const targets = organization !== null && isMap(organization.targets) ? organization.targets : null;
  if (targets === null) return out;
  const selected = strings(targets.accounts);
  const selectsSome =
    targets.all === true || strings(targets.ous).length > 0 || selected.length > 0 || (isMap(targets.tags) && Object.keys(targets.tags).length > 0);
  if (!selectsSome) {
    out.push({
      severity: 'error',
      pointer: '/organization/targets',
      anchor: Object.keys(targets).length === 0 ? 'value' : 'key',
      message: 'targets select no account',
      hint:
        'select accounts with `all: true`, `ous: [ou-...]`, `accounts: ["111111111111"]` or `tags: { env: prod }` (exclude and includeManagement only narrow or widen what those select)',
    });
  }
  const exclude = strings(targets.exclude);
  const excluded = new Map(exclude.map((id, i) => [id, i]));
  selected.forEach((id) => {
    const i = excluded.get(id);
    if (i === undefined) return;
    out.push({
      severity: 'warning',
      pointer: `/organization/targets/exclude/${i}`,
      anchor: 'value',
      message: `account ${id} is both listed in targets.accounts and excluded: it is not a target`,
      hint: 'remove it from one of the two lists',
    });
  });
  const onlyListed = selectsSome && targets.all !== true && strings(targets.ous).length === 0 && !(isMap(targets.tags) && Object.keys(targets.tags).length > 0);
  const listed = new Set(selected);
  for (const id of isMap(data.accounts) ? Object.keys(data.accounts) : []) {
    const pointer = `/accounts/${escapePointerSegment(id)}`;
    const i = excluded.get(id);
    if (i !== undefined) {
      out.push({
        severity: 'warning',
        pointer,
        anchor: 'key',
        message: `the section of account ${id} is never used: organization.targets.exclude removes the account${onLine(lineOf(`/organization/targets/exclude/${i}`))}`,
        hint: 'remove the section, or the exclusion',
      });
    } else if (onlyListed && !listed.has(id)) {
      out.push({
        severity: 'warning',
        pointer,
        anchor: 'key',
        message: `the section of account ${id} is never used: the targets select only the accounts in organization.targets.accounts, and ${id} is not one of them`,
        hint: `add "${id}" to organization.targets.accounts, or remove the section`,
      });
    }
  }
  return out;
}

/** Why a section's policy map must be complete: the baseline has no custom policy to merge it over. */
function wholePolicyReason(baseline: RawSection['passwordPolicy']): string {
  return baseline === 'default'
    ? "the baseline's policy is `default`, so this map is the whole policy, not changes to one"
    : 'the baseline does not manage the password policy, so this map is the whole policy, not changes to one';
}

/**
 * What only merging can break in one account's state: a user the section adds without saying `console`, and a
 * section policy map that must be complete (over `default` or no policy) but lacks `minimumLength`. Pointers are
 * into the merged state.
 */
export function mergedChecks(merged: RawMerged, baseline: RawSection): Finding[] {
  const out: Finding[] = [];
  for (const [name, user] of Object.entries(merged.users ?? {})) {
    if (typeof user.console === 'boolean') continue;
    out.push({
      severity: 'error',
      pointer: userPointer(name),
      anchor: 'key',
      message: `user ${name} needs \`console: true\` or \`console: false\``,
      hint: `the baseline does not list ${name}, so the section that adds it must say whether it has console access`,
    });
  }
  const policy = merged.passwordPolicy;
  if (isMap(policy) && policy.minimumLength === undefined) {
    out.push({
      severity: 'error',
      pointer: '/passwordPolicy',
      anchor: 'key',
      message: 'passwordPolicy needs `minimumLength`',
      hint: `${wholePolicyReason(baseline.passwordPolicy)}: add e.g. \`minimumLength: 14\` (6 to 128)`,
    });
  }
  return out;
}
