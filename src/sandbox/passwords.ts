/**
 * Console passwords: the account password policy and how a candidate password is judged against it,
 * and the one-way hash the sandbox keeps instead of the password (IAM never returns a password, so
 * nothing here ever needs it back).
 */
import { randomBytes, scrypt } from 'node:crypto';
import { promisify } from 'node:util';

/** A custom account password policy, IAM's parameters in camelCase. */
export interface PasswordPolicy {
  minimumPasswordLength: number;
  requireSymbols: boolean;
  requireNumbers: boolean;
  requireUppercaseCharacters: boolean;
  requireLowercaseCharacters: boolean;
  allowUsersToChangePassword: boolean;
  /** Days; 0 = passwords never expire (the parameter was omitted). */
  maxPasswordAge: number;
  /** Previous passwords remembered; 0 = reuse prevention off (the parameter was omitted). */
  passwordReusePrevention: number;
  hardExpiry: boolean;
}

/**
 * What each UpdateAccountPasswordPolicy parameter becomes when omitted. There is no partial update, so these
 * are weaker than the AWS default policy that applies while no custom policy exists.
 */
export const OMITTED_POLICY_PARAMETERS: Readonly<PasswordPolicy> = {
  minimumPasswordLength: 6,
  requireSymbols: false,
  requireNumbers: false,
  requireUppercaseCharacters: false,
  requireLowercaseCharacters: false,
  allowUsersToChangePassword: false,
  maxPasswordAge: 0,
  passwordReusePrevention: 0,
  hardExpiry: false,
};

/** The numeric parameters' valid ranges; omitting maxPasswordAge / passwordReusePrevention is how to say "off". */
export const POLICY_RANGES = {
  minimumPasswordLength: { min: 6, max: 128 },
  maxPasswordAge: { min: 1, max: 1095 },
  passwordReusePrevention: { min: 1, max: 24 },
} as const;

/** The characters IAM accepts in a password at all, before any policy: tab, LF, CR and U+0020-U+00FF. */
export const PASSWORD_CHARACTERS = /^[\t\n\r\u0020-\u00FF]+$/;
export const PASSWORD_CHARACTERS_TEXT = '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+';
export const PASSWORD_MAX_LENGTH = 128;

/** IAM's list of characters that count as "non-alphanumeric" for RequireSymbols. */
const SYMBOLS = new Set("!@#$%^&*()_+-=[]{}|'");

const CLASSES = {
  uppercase: { test: (c: string) => c >= 'A' && c <= 'Z', rule: 'at least one uppercase letter' },
  lowercase: { test: (c: string) => c >= 'a' && c <= 'z', rule: 'at least one lowercase letter' },
  number: { test: (c: string) => c >= '0' && c <= '9', rule: 'at least one number' },
  symbol: { test: (c: string) => SYMBOLS.has(c), rule: 'at least one symbol' },
} as const;

/**
 * The rules `password` breaks, as sentences for a `PasswordPolicyViolation` message (none contain the password).
 * With no custom policy the AWS default applies: at least 8 characters and three of the four character classes.
 */
export function passwordViolations(password: string, policy: PasswordPolicy | null): string[] {
  const chars = [...password];
  const has = (cls: keyof typeof CLASSES) => chars.some(CLASSES[cls].test);
  const violations: string[] = [];
  if (policy === null) {
    if (chars.length < 8) violations.push('Password should have a minimum length of 8');
    const present = (Object.keys(CLASSES) as (keyof typeof CLASSES)[]).filter(has).length;
    if (present < 3) {
      violations.push('Password should contain at least three of: uppercase letters, lowercase letters, numbers, symbols');
    }
    return violations;
  }
  if (chars.length < policy.minimumPasswordLength) {
    violations.push(`Password should have a minimum length of ${policy.minimumPasswordLength}`);
  }
  const required: [boolean, keyof typeof CLASSES][] = [
    [policy.requireUppercaseCharacters, 'uppercase'],
    [policy.requireLowercaseCharacters, 'lowercase'],
    [policy.requireNumbers, 'number'],
    [policy.requireSymbols, 'symbol'],
  ];
  for (const [wanted, cls] of required) {
    if (wanted && !has(cls)) violations.push(`Password should have ${CLASSES[cls].rule}`);
  }
  return violations;
}

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number }) => Promise<Buffer>;
const SCRYPT = { N: 16384, r: 8, p: 1 };

/**
 * A salted scrypt hash, `scrypt$N$r$p$salt$hash` (base64). Asynchronous so hashing runs on the thread pool
 * instead of stalling every other request.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), hash.toString('base64')].join('$');
}
