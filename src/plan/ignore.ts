/**
 * Ignore rules for the drift report: things an operator deliberately leaves alone, as `.driftignore` does for
 * driftctl. Pure: parsing rule text and matching drift items by their address.
 *
 * Syntax, one rule per line (`#` starts a comment):
 *   policy                     the whole account password policy
 *   policy.FIELD               one policy field, e.g. policy.maxAgeDays
 *   user:GLOB                  everything about matching users (`*` any run of characters, `?` one character;
 *                              case-insensitive, as IAM user names are)
 *   user:GLOB:FIELD            one field of matching users: console, passwordResetRequired or password
 *
 * Rules only quiet the drift report: plan and apply still act on what the file says. Ignored items are counted
 * per rule in every report, never dropped silently.
 */
import { closestMatch } from '../util/suggest.js';
import { POLICY_FIELDS, type PasswordPolicy } from '../model/policy.js';

export const USER_FIELDS = ['console', 'passwordResetRequired', 'password'] as const;
export type UserField = (typeof USER_FIELDS)[number];

/** What a drift item is about, in the same words the rules use. */
export type DriftAddress =
  | { subject: 'policy'; field: keyof PasswordPolicy | null }
  | { subject: 'user'; user: string; field: UserField };

export type IgnoreRule =
  | { kind: 'policy'; field: keyof PasswordPolicy | null; text: string; source: string }
  | { kind: 'user'; glob: string; pattern: RegExp; field: UserField | null; text: string; source: string };

export interface IgnoreProblem {
  source: string;
  message: string;
  hint: string;
}

/**
 * Parses rule text. `source` names where the text came from, e.g. `.iampassignore` or `--ignore`; each rule and
 * problem carries `source:line` (or just `source` for a one-line origin) so reports can point at it.
 */
export function parseIgnoreRules(text: string, source: string, numbered = true): { rules: IgnoreRule[]; problems: IgnoreProblem[] } {
  const rules: IgnoreRule[] = [];
  const problems: IgnoreProblem[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') return;
    const where = numbered ? `${source}:${index + 1}` : source;
    const parsed = parseRule(line, where);
    if ('message' in parsed) problems.push(parsed);
    else rules.push(parsed);
  });
  return { rules, problems };
}

function parseRule(text: string, source: string): IgnoreRule | IgnoreProblem {
  if (text === 'policy') return { kind: 'policy', field: null, text, source };
  if (text.startsWith('policy.')) {
    const field = text.slice('policy.'.length);
    if ((POLICY_FIELDS as readonly string[]).includes(field)) return { kind: 'policy', field: field as keyof PasswordPolicy, text, source };
    const near = closestMatch(field, POLICY_FIELDS);
    return {
      source,
      message: `\`${text}\`: ${field === '' ? 'no field after `policy.`' : `unknown password policy field \`${field}\``}`,
      hint: near ? `did you mean \`policy.${near}\`?` : `use one of ${POLICY_FIELDS.map((f) => `policy.${f}`).join(', ')}`,
    };
  }
  if (text.startsWith('user:')) {
    const [glob = '', field, ...rest] = text.slice('user:'.length).split(':');
    if (!/^[\w+=,.@*?-]{1,64}$/.test(glob)) {
      return {
        source,
        message: `\`${text}\`: \`${glob}\` is not a user name or glob`,
        hint: 'write user:NAME, with * and ? as wildcards (IAM names use letters, digits and + = , . @ _ -)',
      };
    }
    if (rest.length > 0 || (field !== undefined && !(USER_FIELDS as readonly string[]).includes(field))) {
      const near = field ? closestMatch(field, USER_FIELDS) : undefined;
      return {
        source,
        message: `\`${text}\`: unknown user field \`${[field, ...rest].join(':')}\``,
        hint: near ? `did you mean \`user:${glob}:${near}\`?` : `use user:${glob} for everything, or a field: ${USER_FIELDS.join(', ')}`,
      };
    }
    return { kind: 'user', glob, pattern: globPattern(glob), field: (field as UserField | undefined) ?? null, text, source };
  }
  return {
    source,
    message: `\`${text}\` is not an ignore rule`,
    hint: 'rules are `policy`, `policy.FIELD`, `user:GLOB` or `user:GLOB:FIELD`',
  };
}

function globPattern(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\=,@-]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** The first rule that covers `address`, or undefined. */
export function matchingRule(rules: readonly IgnoreRule[], address: DriftAddress): IgnoreRule | undefined {
  return rules.find((rule) => {
    if (address.subject === 'policy') return rule.kind === 'policy' && (rule.field === null || rule.field === address.field);
    return rule.kind === 'user' && rule.pattern.test(address.user) && (rule.field === null || rule.field === address.field);
  });
}

/** An address as rule text: the rule that would ignore exactly this item. */
export function addressText(address: DriftAddress): string {
  if (address.subject === 'policy') return address.field === null ? 'policy' : `policy.${address.field}`;
  return `user:${address.user}:${address.field}`;
}
