/** Console passwords (login profiles) and the account password policy. */
import { IamError, noSuchLoginProfile } from '../errors.js';
import {
  hashPassword,
  OMITTED_POLICY_PARAMETERS,
  PASSWORD_CHARACTERS,
  PASSWORD_CHARACTERS_TEXT,
  PASSWORD_MAX_LENGTH,
  passwordViolations,
  POLICY_RANGES,
  type PasswordPolicy,
} from '../passwords.js';
import { Validation } from '../protocol/query.js';
import type { XmlElement } from '../protocol/xml.js';
import { isoSeconds, type Account, type UserData } from '../state.js';
import { EXISTING_USER_NAME, userNameOrCaller, type Operation } from './common.js';

const PASSWORD = { min: 1, max: PASSWORD_MAX_LENGTH, pattern: PASSWORD_CHARACTERS, patternText: PASSWORD_CHARACTERS_TEXT, sensitive: true };

export const GetLoginProfile: Operation = {
  mutates: false,
  run({ account, caller, params }) {
    const v = new Validation(params);
    const name = userNameOrCaller(v, caller);
    v.done();
    const user = account.requireUser(name);
    return [['LoginProfile', loginProfileElements(user)]];
  },
};

export const CreateLoginProfile: Operation = {
  mutates: true,
  async run(context) {
    const v = new Validation(context.params);
    const name = userNameOrCaller(v, context.caller);
    const password = v.string('Password', { ...PASSWORD, required: true });
    const resetRequired = v.bool('PasswordResetRequired') ?? false;
    v.done();
    const hash = await hashPassword(password);
    // From here on, synchronous: see Operation.
    const { account, now } = context;
    const user = account.requireUser(name);
    if (user.loginProfile) throw new IamError('EntityAlreadyExists', `Login Profile for user ${user.name} already exists.`);
    enforcePolicy(account, password);
    const at = isoSeconds(now);
    user.loginProfile = { createDate: at, passwordResetRequired: resetRequired, passwordLastChanged: at, passwordHash: hash };
    return [['LoginProfile', loginProfileElements(user)]];
  },
};

/** Password and PasswordResetRequired are independent: either alone changes only itself. */
export const UpdateLoginProfile: Operation = {
  mutates: true,
  async run(context) {
    const v = new Validation(context.params);
    const name = v.string('UserName', { ...EXISTING_USER_NAME, required: true });
    const password = v.string('Password', PASSWORD);
    const resetRequired = v.bool('PasswordResetRequired');
    v.done();
    const hash = password === undefined ? undefined : await hashPassword(password);
    // From here on, synchronous: see Operation.
    const { account, now } = context;
    const user = account.requireUser(name);
    const profile = user.loginProfile;
    if (!profile) throw noSuchLoginProfile(user.name);
    if (password !== undefined) enforcePolicy(account, password);
    if (hash !== undefined) {
      profile.passwordHash = hash;
      profile.passwordLastChanged = isoSeconds(now);
    }
    if (resetRequired !== undefined) profile.passwordResetRequired = resetRequired;
    return undefined;
  },
};

export const DeleteLoginProfile: Operation = {
  mutates: true,
  run({ account, caller, params }) {
    const v = new Validation(params);
    const name = userNameOrCaller(v, caller);
    v.done();
    const user = account.requireUser(name);
    if (!user.loginProfile) throw noSuchLoginProfile(user.name);
    user.loginProfile = null;
    return undefined;
  },
};

export const GetAccountPasswordPolicy: Operation = {
  mutates: false,
  run({ account }) {
    const policy = requirePolicy(account);
    return [['PasswordPolicy', [
      ['MinimumPasswordLength', policy.minimumPasswordLength],
      ['RequireSymbols', policy.requireSymbols],
      ['RequireNumbers', policy.requireNumbers],
      ['RequireUppercaseCharacters', policy.requireUppercaseCharacters],
      ['RequireLowercaseCharacters', policy.requireLowercaseCharacters],
      ['AllowUsersToChangePassword', policy.allowUsersToChangePassword],
      ['ExpirePasswords', policy.maxPasswordAge > 0],
      // Left out while off, as IAM does.
      ['MaxPasswordAge', policy.maxPasswordAge > 0 ? policy.maxPasswordAge : undefined],
      ['PasswordReusePrevention', policy.passwordReusePrevention > 0 ? policy.passwordReusePrevention : undefined],
      ['HardExpiry', policy.hardExpiry ? true : undefined],
    ]]];
  },
};

/** No partial update: whatever is omitted takes its own default (OMITTED_POLICY_PARAMETERS), not its current value. */
export const UpdateAccountPasswordPolicy: Operation = {
  mutates: true,
  run({ account, params }) {
    const v = new Validation(params);
    const given: Partial<PasswordPolicy> = {
      minimumPasswordLength: v.int('MinimumPasswordLength', POLICY_RANGES.minimumPasswordLength),
      requireSymbols: v.bool('RequireSymbols'),
      requireNumbers: v.bool('RequireNumbers'),
      requireUppercaseCharacters: v.bool('RequireUppercaseCharacters'),
      requireLowercaseCharacters: v.bool('RequireLowercaseCharacters'),
      allowUsersToChangePassword: v.bool('AllowUsersToChangePassword'),
      maxPasswordAge: v.int('MaxPasswordAge', POLICY_RANGES.maxPasswordAge),
      passwordReusePrevention: v.int('PasswordReusePrevention', POLICY_RANGES.passwordReusePrevention),
      hardExpiry: v.bool('HardExpiry'),
    };
    v.done();
    const policy: PasswordPolicy = { ...OMITTED_POLICY_PARAMETERS };
    for (const [key, value] of Object.entries(given) as [keyof PasswordPolicy, number | boolean | undefined][]) {
      if (value !== undefined) (policy[key] as number | boolean) = value;
    }
    account.data.passwordPolicy = policy;
    return undefined;
  },
};

/** Restores the AWS default policy. */
export const DeleteAccountPasswordPolicy: Operation = {
  mutates: true,
  run({ account }) {
    // IAM words this one differently from GetAccountPasswordPolicy's.
    if (!account.data.passwordPolicy) throw new IamError('NoSuchEntity', 'The account policy with name PasswordPolicy cannot be found.');
    account.data.passwordPolicy = null;
    return undefined;
  },
};

function loginProfileElements(user: UserData): XmlElement[] {
  const profile = user.loginProfile;
  if (!profile) throw noSuchLoginProfile(user.name);
  return [
    ['UserName', user.name],
    ['CreateDate', profile.createDate],
    ['PasswordResetRequired', profile.passwordResetRequired],
  ];
}

function requirePolicy(account: Account): PasswordPolicy {
  const policy = account.data.passwordPolicy;
  if (!policy) throw new IamError('NoSuchEntity', `The Password Policy with domain name ${account.id} cannot be found.`);
  return policy;
}

/** Checks the password against the policy in force (the custom one, else the AWS default). */
function enforcePolicy(account: Account, password: string): void {
  const violations = passwordViolations(password, account.data.passwordPolicy);
  if (violations.length > 0) throw new IamError('PasswordPolicyViolation', `${violations.join('. ')}.`);
}
