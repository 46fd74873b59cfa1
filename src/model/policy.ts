/**
 * The account password policy in iampass's own normalised shape, shared by the desired state (YAML) and the
 * live state (IAM), so the diff compares like with like.
 *
 * Invariant: a `PasswordPolicy` is always complete. IAM has no partial update, so there is no "unset" field:
 * booleans are explicit and `null` means "off" for `maxAgeDays` (never expire) and `reusePrevention`.
 */
export interface PasswordPolicy {
  minimumLength: number;
  requireUppercase: boolean;
  requireLowercase: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
  allowUsersToChangePassword: boolean;
  maxAgeDays: number | null;
  reusePrevention: number | null;
  hardExpiry: boolean;
}

/** Field order used everywhere a policy is shown or compared, so output is stable. */
export const POLICY_FIELDS = [
  'minimumLength',
  'requireUppercase',
  'requireLowercase',
  'requireNumbers',
  'requireSymbols',
  'allowUsersToChangePassword',
  'maxAgeDays',
  'reusePrevention',
  'hardExpiry',
] as const satisfies readonly (keyof PasswordPolicy)[];

/** IAM's accepted ranges (the SDK does not check them client-side). */
export const POLICY_RANGES = {
  minimumLength: { min: 6, max: 128 },
  maxAgeDays: { min: 1, max: 1095 },
  reusePrevention: { min: 1, max: 24 },
} as const;

/**
 * The rules IAM enforces while no custom policy is set: at least 8 characters and at least three of the four
 * character classes. Not expressible as a `PasswordPolicy` (which requires specific classes), hence its own type.
 */
export interface AwsDefaultPasswordRules {
  readonly kind: 'aws-default';
  readonly minimumLength: 8;
  readonly classesRequired: 3;
}

export const AWS_DEFAULT_RULES: AwsDefaultPasswordRules = { kind: 'aws-default', minimumLength: 8, classesRequired: 3 };

/** The characters IAM counts as symbols ("non-alphanumeric") for `requireSymbols`. */
export const IAM_SYMBOLS = "!@#$%^&*()_+-=[]{}|'";

/** Fields whose values differ between two policies, in `POLICY_FIELDS` order. */
export function changedPolicyFields(a: PasswordPolicy, b: PasswordPolicy): (keyof PasswordPolicy)[] {
  return POLICY_FIELDS.filter((f) => a[f] !== b[f]);
}

export type CharacterClass = 'uppercase' | 'lowercase' | 'numbers' | 'symbols';

/**
 * The rules a new password must meet when it is set: taken from the policy that will be in force then.
 * `minimumClasses` is how many distinct classes must appear (the AWS default asks for any three).
 */
export interface PasswordRules {
  source: 'desired policy' | 'live policy' | 'AWS default';
  minimumLength: number;
  requiredClasses: CharacterClass[];
  minimumClasses: number;
}

export function rulesOfPolicy(policy: PasswordPolicy, source: PasswordRules['source']): PasswordRules {
  const requiredClasses: CharacterClass[] = [];
  if (policy.requireUppercase) requiredClasses.push('uppercase');
  if (policy.requireLowercase) requiredClasses.push('lowercase');
  if (policy.requireNumbers) requiredClasses.push('numbers');
  if (policy.requireSymbols) requiredClasses.push('symbols');
  return { source, minimumLength: policy.minimumLength, requiredClasses, minimumClasses: requiredClasses.length };
}

export const AWS_DEFAULT_PASSWORD_RULES: PasswordRules = {
  source: 'AWS default',
  minimumLength: AWS_DEFAULT_RULES.minimumLength,
  requiredClasses: [],
  minimumClasses: AWS_DEFAULT_RULES.classesRequired,
};

const CLASS_TESTS: Record<CharacterClass, (ch: string) => boolean> = {
  uppercase: (ch) => ch >= 'A' && ch <= 'Z',
  lowercase: (ch) => ch >= 'a' && ch <= 'z',
  numbers: (ch) => ch >= '0' && ch <= '9',
  symbols: (ch) => IAM_SYMBOLS.includes(ch),
};

/**
 * The rules `password` breaks, in words that never quote it (empty when it meets them all). Characters allowed
 * by IAM: tab, LF, CR and U+0020-U+00FF, 1-128 of them.
 */
export function passwordProblems(password: string, rules: PasswordRules): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < rules.minimumLength) problems.push(`shorter than ${rules.minimumLength} characters (${rules.source})`);
  if (length > 128) problems.push('longer than 128 characters (IAM limit)');
  if ([...password].some((ch) => !/^[\t\n\r\u0020-\u00ff]$/u.test(ch))) {
    problems.push('contains characters IAM does not accept (only tab, newlines and U+0020-U+00FF)');
  }
  const present = (Object.keys(CLASS_TESTS) as CharacterClass[]).filter((c) => [...password].some(CLASS_TESTS[c]));
  const missing = rules.requiredClasses.filter((c) => !present.includes(c));
  if (missing.length > 0) problems.push(`has no ${missing.join(', no ')} (${rules.source})`);
  if (present.length < rules.minimumClasses) {
    problems.push(`uses ${present.length} of the character classes, ${rules.minimumClasses} needed (${rules.source})`);
  }
  return problems;
}
