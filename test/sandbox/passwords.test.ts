import {
  CreateLoginProfileCommand,
  DeleteAccountPasswordPolicyCommand,
  DeleteLoginProfileCommand,
  EntityAlreadyExistsException,
  GetAccountPasswordPolicyCommand,
  GetLoginProfileCommand,
  NoSuchEntityException,
  PasswordPolicyViolationException,
  UpdateAccountPasswordPolicyCommand,
  UpdateLoginProfileCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_SEED, failure, sandboxWith, SMALL_SEED } from './helpers.js';

import type { SandboxData } from '../../src/sandbox/state.js';

function profileOf(snapshot: SandboxData, name: string) {
  return snapshot.accounts[0]!.users.find((user) => user.name === name)?.loginProfile;
}

describe('login profiles', () => {
  it('GetLoginProfile returns UserName, CreateDate and PasswordResetRequired', async () => {
    const { iam } = await sandboxWith({ seed: EXAMPLE_SEED });
    const { LoginProfile } = await iam.send(new GetLoginProfileCommand({ UserName: 'bob' }));
    expect(LoginProfile).toEqual({ UserName: 'bob', CreateDate: new Date('2026-11-20T16:02:00Z'), PasswordResetRequired: true });
  });

  it('answers 404 NoSuchEntity for a user without a console password', async () => {
    const { iam } = await sandboxWith({ seed: EXAMPLE_SEED });
    const error = await failure(iam.send(new GetLoginProfileCommand({ UserName: 'carol' })));
    expect(error).toBeInstanceOf(NoSuchEntityException);
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(error.message).toBe('Login Profile for User carol cannot be found.');
  });

  it('creates a login profile, keeping the reset flag it was given', async () => {
    const { iam, sandbox } = await sandboxWith({ seed: EXAMPLE_SEED });
    const { LoginProfile } = await iam.send(new CreateLoginProfileCommand({ UserName: 'carol', Password: 'Welcome-2026', PasswordResetRequired: true }));
    expect(LoginProfile).toMatchObject({ UserName: 'carol', PasswordResetRequired: true });
    expect(LoginProfile?.CreateDate).toBeInstanceOf(Date);
    expect((await iam.send(new GetLoginProfileCommand({ UserName: 'carol' }))).LoginProfile?.PasswordResetRequired).toBe(true);
    expect(profileOf(sandbox.snapshot(), 'carol')?.passwordHash).toMatch(/^scrypt\$/);
  });

  it('answers 409 EntityAlreadyExists for a second login profile', async () => {
    const { iam } = await sandboxWith({ seed: EXAMPLE_SEED });
    const error = await failure(iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: 'Another-2026' })));
    expect(error).toBeInstanceOf(EntityAlreadyExistsException);
    expect(error.$metadata.httpStatusCode).toBe(409);
    expect(error.message).toBe('Login Profile for user alice already exists.');
  });

  it('answers 404 NoSuchEntity when creating a login profile for an unknown user', async () => {
    const { iam } = await sandboxWith({ seed: EXAMPLE_SEED });
    const error = await failure(iam.send(new CreateLoginProfileCommand({ UserName: 'zoe', Password: 'Welcome-2026' })));
    expect(error).toBeInstanceOf(NoSuchEntityException);
    expect(error.message).toBe('The user with name zoe cannot be found.');
  });

  it('UpdateLoginProfile with only PasswordResetRequired keeps the profile and its password', async () => {
    const { iam, sandbox } = await sandboxWith({ seed: SMALL_SEED });
    await iam.send(new CreateLoginProfileCommand({ UserName: 'bob', Password: 'Welcome-2026' }));
    const hashBefore = profileOf(sandbox.snapshot(), 'bob')?.passwordHash;
    await iam.send(new UpdateLoginProfileCommand({ UserName: 'bob', PasswordResetRequired: true }));
    const { LoginProfile } = await iam.send(new GetLoginProfileCommand({ UserName: 'bob' }));
    expect(LoginProfile?.PasswordResetRequired).toBe(true);
    expect(profileOf(sandbox.snapshot(), 'bob')?.passwordHash).toBe(hashBefore);
  });

  it('UpdateLoginProfile with only Password changes the password and keeps the reset flag', async () => {
    const { iam, sandbox } = await sandboxWith({ seed: EXAMPLE_SEED });
    const hashBefore = profileOf(sandbox.snapshot(), 'bob')?.passwordHash;
    await iam.send(new UpdateLoginProfileCommand({ UserName: 'bob', Password: 'Rotated-2026' }));
    const after = profileOf(sandbox.snapshot(), 'bob');
    expect(after?.passwordHash).toMatch(/^scrypt\$/);
    expect(after?.passwordHash).not.toBe(hashBefore);
    expect(after?.passwordResetRequired).toBe(true);
  });

  it('UpdateLoginProfile answers 404 for a user without a profile', async () => {
    const { iam } = await sandboxWith({ seed: EXAMPLE_SEED });
    const error = await failure(iam.send(new UpdateLoginProfileCommand({ UserName: 'dave', PasswordResetRequired: true })));
    expect(error).toBeInstanceOf(NoSuchEntityException);
    expect(error.message).toBe('Login Profile for User dave cannot be found.');
  });

  it('DeleteLoginProfile removes console access and keeps PasswordLastUsed', async () => {
    const { iam } = await sandboxWith({ seed: EXAMPLE_SEED });
    await iam.send(new DeleteLoginProfileCommand({ UserName: 'erin' }));
    expect(await failure(iam.send(new GetLoginProfileCommand({ UserName: 'erin' })))).toBeInstanceOf(NoSuchEntityException);
    const again = await failure(iam.send(new DeleteLoginProfileCommand({ UserName: 'erin' })));
    expect(again).toBeInstanceOf(NoSuchEntityException);
  });
});

describe('passwords against the policy', () => {
  it('checks passwords against the custom policy with 400 PasswordPolicyViolation, never echoing the password', async () => {
    const { iam } = await sandboxWith({ seed: EXAMPLE_SEED }); // min 8, numbers required
    const error = await failure(iam.send(new CreateLoginProfileCommand({ UserName: 'carol', Password: 'short' })));
    expect(error).toBeInstanceOf(PasswordPolicyViolationException);
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toBe('Password should have a minimum length of 8. Password should have at least one number.');
    expect(error.message).not.toContain('short');
    await iam.send(new CreateLoginProfileCommand({ UserName: 'carol', Password: 'lowercase1' }));
  });

  it('applies the AWS default policy (8 characters, 3 of 4 classes) when there is no custom policy', async () => {
    const { iam } = await sandboxWith({ seed: SMALL_SEED });
    const error = await failure(iam.send(new CreateLoginProfileCommand({ UserName: 'bob', Password: 'onlylowercase1' })));
    expect(error).toBeInstanceOf(PasswordPolicyViolationException);
    await iam.send(new CreateLoginProfileCommand({ UserName: 'bob', Password: 'Lower-and-1' }));
  });

  it('checks UpdateLoginProfile passwords too, leaving the profile unchanged on violation', async () => {
    const { iam, sandbox } = await sandboxWith({ seed: EXAMPLE_SEED });
    const before = profileOf(sandbox.snapshot(), 'alice');
    const error = await failure(iam.send(new UpdateLoginProfileCommand({ UserName: 'alice', Password: 'nodigits', PasswordResetRequired: true })));
    expect(error).toBeInstanceOf(PasswordPolicyViolationException);
    expect(profileOf(sandbox.snapshot(), 'alice')).toEqual(before);
  });

  it('refuses passwords over 128 characters or outside IAM\'s character set with a ValidationError that hides the value', async () => {
    const { iam } = await sandboxWith({ seed: EXAMPLE_SEED });
    const long = `A1${'x'.repeat(127)}`;
    const tooLong = await failure(iam.send(new CreateLoginProfileCommand({ UserName: 'carol', Password: long })));
    expect(tooLong.name).toBe('ValidationError');
    expect(tooLong.$metadata.httpStatusCode).toBe(400);
    expect(tooLong.message).toBe(
      "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 128",
    );
    const badChars = await failure(iam.send(new CreateLoginProfileCommand({ UserName: 'carol', Password: 'Pässwörd-1€' })));
    expect(badChars.name).toBe('ValidationError');
    expect(badChars.message).not.toContain('Pässwörd');
  });
});

describe('account password policy', () => {
  it('answers 404 NoSuchEntity with IAM\'s message while the AWS default is in force', async () => {
    const { iam } = await sandboxWith({ seed: SMALL_SEED });
    const error = await failure(iam.send(new GetAccountPasswordPolicyCommand({})));
    expect(error).toBeInstanceOf(NoSuchEntityException);
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(error.message).toBe('The Password Policy with domain name 111122223333 cannot be found.');
    expect(await failure(iam.send(new DeleteAccountPasswordPolicyCommand({})))).toBeInstanceOf(NoSuchEntityException);
  });

  it('returns the seeded policy with omitted parameters at their defaults', async () => {
    const { iam } = await sandboxWith({ seed: EXAMPLE_SEED });
    const { PasswordPolicy } = await iam.send(new GetAccountPasswordPolicyCommand({}));
    expect(PasswordPolicy).toEqual({
      MinimumPasswordLength: 8,
      RequireSymbols: false,
      RequireNumbers: true,
      RequireUppercaseCharacters: false,
      RequireLowercaseCharacters: false,
      AllowUsersToChangePassword: false,
      ExpirePasswords: false,
    });
  });

  it('UpdateAccountPasswordPolicy has no partial update: omitted parameters revert to their defaults', async () => {
    const { iam } = await sandboxWith({ seed: SMALL_SEED });
    await iam.send(new UpdateAccountPasswordPolicyCommand({
      MinimumPasswordLength: 14,
      RequireSymbols: true,
      RequireNumbers: true,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
      AllowUsersToChangePassword: true,
      MaxPasswordAge: 90,
      PasswordReusePrevention: 24,
      HardExpiry: true,
    }));
    expect((await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy).toEqual({
      MinimumPasswordLength: 14,
      RequireSymbols: true,
      RequireNumbers: true,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
      AllowUsersToChangePassword: true,
      ExpirePasswords: true,
      MaxPasswordAge: 90,
      PasswordReusePrevention: 24,
      HardExpiry: true,
    });

    await iam.send(new UpdateAccountPasswordPolicyCommand({ RequireSymbols: true }));
    expect((await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy).toEqual({
      MinimumPasswordLength: 6,
      RequireSymbols: true,
      RequireNumbers: false,
      RequireUppercaseCharacters: false,
      RequireLowercaseCharacters: false,
      AllowUsersToChangePassword: false,
      ExpirePasswords: false,
    });
  });

  it('enforces the new policy on the next password set', async () => {
    const { iam } = await sandboxWith({ seed: SMALL_SEED });
    await iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 20, RequireSymbols: true }));
    const error = await failure(iam.send(new CreateLoginProfileCommand({ UserName: 'bob', Password: 'Abcdefgh1234' })));
    expect(error.message).toBe('Password should have a minimum length of 20. Password should have at least one symbol.');
    await iam.send(new CreateLoginProfileCommand({ UserName: 'bob', Password: 'a-long-passphrase-of-words' }));
  });

  it('answers AWS\'s ValidationError text for one out-of-range parameter', async () => {
    const { iam } = await sandboxWith({ seed: SMALL_SEED });
    const error = await failure(iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 5 })));
    expect(error.name).toBe('ValidationError');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toBe(
      "1 validation error detected: Value '5' at 'minimumPasswordLength' failed to satisfy constraint: Member must have value greater than or equal to 6",
    );
  });

  it('reports every out-of-range parameter in one ValidationError and changes nothing', async () => {
    const { iam } = await sandboxWith({ seed: EXAMPLE_SEED });
    const error = await failure(iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 129, MaxPasswordAge: 0, PasswordReusePrevention: 25 })));
    expect(error.message).toBe(
      '3 validation errors detected: ' +
        "Value '129' at 'minimumPasswordLength' failed to satisfy constraint: Member must have value less than or equal to 128; " +
        "Value '0' at 'maxPasswordAge' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value '25' at 'passwordReusePrevention' failed to satisfy constraint: Member must have value less than or equal to 24",
    );
    expect((await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy?.MinimumPasswordLength).toBe(8);
  });

  it('DeleteAccountPasswordPolicy restores the AWS default', async () => {
    const { iam } = await sandboxWith({ seed: EXAMPLE_SEED });
    await iam.send(new DeleteAccountPasswordPolicyCommand({}));
    expect(await failure(iam.send(new GetAccountPasswordPolicyCommand({})))).toBeInstanceOf(NoSuchEntityException);
    // The default needs three character classes, which the seeded policy did not.
    const error = await failure(iam.send(new CreateLoginProfileCommand({ UserName: 'carol', Password: 'lowercase1' })));
    expect(error).toBeInstanceOf(PasswordPolicyViolationException);
  });
});
