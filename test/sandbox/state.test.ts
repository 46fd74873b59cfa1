import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateLoginProfileCommand,
  DeleteUserCommand,
  GetAccountPasswordPolicyCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  ListUsersCommand,
  TagUserCommand,
  UpdateAccountPasswordPolicyCommand,
  UpdateLoginProfileCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { readSeedFile, stateFromSeed } from '../../src/sandbox/seed.js';
import { startSandbox } from '../../src/sandbox/server.js';
import { EXAMPLE_SEED, failure, iamClient, sandboxWith, SMALL_SEED, tempDir } from './helpers.js';

const PASSWORD = 'Correct-Horse-Battery-42';

describe('state file', () => {
  it('carries the account across sandbox instances, storing only a password hash', async () => {
    const statePath = join(tempDir(), 'account.json');
    const first = await sandboxWith({ seed: EXAMPLE_SEED, statePath });
    await first.iam.send(new CreateLoginProfileCommand({ UserName: 'carol', Password: PASSWORD, PasswordResetRequired: true }));
    await first.iam.send(new UpdateLoginProfileCommand({ UserName: 'alice', Password: `${PASSWORD}-2` }));
    await first.iam.send(new TagUserCommand({ UserName: 'dave', Tags: [{ Key: 'team', Value: 'data' }] }));
    await first.iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 14, RequireSymbols: true }));
    first.iam.destroy();
    await first.sandbox.close();

    // A different seed is ignored: the state file wins once it exists.
    const second = await sandboxWith({ seed: SMALL_SEED, statePath });
    expect(second.sandbox.account).toBe('123456789012');
    const carol = await second.iam.send(new GetLoginProfileCommand({ UserName: 'carol' }));
    expect(carol.LoginProfile?.PasswordResetRequired).toBe(true);
    expect((await second.iam.send(new GetUserCommand({ UserName: 'dave' }))).User?.Tags).toEqual([{ Key: 'team', Value: 'data' }]);
    expect((await second.iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy?.MinimumPasswordLength).toBe(14);

    const text = readFileSync(statePath, 'utf8');
    expect(text).not.toContain(PASSWORD);
    expect(text).toMatch(/"passwordHash": "scrypt\$/);
    expect(statSync(statePath).mode & 0o777).toBe(0o600);
  });

  it('is written when the sandbox starts, so IDs stay stable for the next process', async () => {
    const statePath = join(tempDir(), 'account.json');
    const { sandbox } = await sandboxWith({ seed: EXAMPLE_SEED, statePath });
    expect(JSON.parse(readFileSync(statePath, 'utf8'))).toEqual(sandbox.snapshot());
  });

  it('refuses a state file that is not sandbox state, saying how to recover', async () => {
    const statePath = join(tempDir(), 'account.json');
    writeFileSync(statePath, '{"hello": "world"}');
    await expect(startSandbox({ port: 0, statePath })).rejects.toThrow(/not an iampass sandbox state.*delete it/);
  });
});

describe('seeds', () => {
  it('loads the shipped example account', async () => {
    const { iam, sandbox } = await sandboxWith({ seed: EXAMPLE_SEED });
    const { Users } = await iam.send(new ListUsersCommand({}));
    expect(Users?.map((user) => `${user.Path}${user.UserName}`)).toEqual([
      '/admin', '/staff/alice', '/staff/bob', '/staff/breakglass', '/staff/carol', '/service/ci-deploy', '/staff/dave', '/staff/erin', '/contractors/frank',
    ]);
    type SeededUser = { name: string; loginProfile: { passwordResetRequired: boolean } | null; mfaDevices: unknown[]; attachedPolicies: string[]; accessKeys: { status: string }[]; tags: { key: string; value: string }[] };
    const users = Object.fromEntries((sandbox.snapshot().accounts[0]!.users as SeededUser[]).map((user) => [user.name, user]));
    const consoleUsers = Object.values(users).filter((user) => user.loginProfile).map((user) => user.name);
    expect(consoleUsers.sort()).toEqual(['admin', 'alice', 'bob', 'breakglass', 'erin', 'frank']);
    expect(users.bob?.loginProfile?.passwordResetRequired).toBe(true);
    expect(Object.values(users).filter((user) => user.mfaDevices.length > 0).map((user) => user.name).sort()).toEqual(['admin', 'alice', 'breakglass']);
    // canChangePassword: the AWS-managed IAMUserChangePassword policy, attached.
    expect(Object.values(users).filter((user) => user.attachedPolicies.includes('arn:aws:iam::aws:policy/IAMUserChangePassword')).map((user) => user.name).sort()).toEqual([
      'admin',
      'alice',
      'carol',
    ]);
    expect(users.frank?.accessKeys).toMatchObject([{ status: 'Inactive' }]);
    expect(users.erin?.tags).toEqual([{ key: 'team', value: 'data' }]);
    expect(users['ci-deploy']?.accessKeys).toMatchObject([{ status: 'Active' }]);
  });

  it('builds the same IDs from the same seed', () => {
    const seed = readSeedFile(EXAMPLE_SEED);
    const now = new Date();
    expect(stateFromSeed(seed, now)).toEqual(stateFromSeed(readSeedFile(EXAMPLE_SEED), now));
  });

  it('reports every problem in a seed at once, with its location', () => {
    const seed = {
      account: 12345,
      caller: 'root',
      passwordPolicy: { minimumPasswordLength: 5, expirePasswords: true },
      users: [
        { name: 'alice', createDate: 'yesterday' },
        { name: 'Alice' },
        { name: 'bad name', path: 'staff', mfa: 'yes' },
        { name: 'carl', accessKeys: [{ status: 'Enabled' }], loginProfile: { password: 'x' } },
      ],
    };
    let message = '';
    try {
      stateFromSeed({ value: seed, source: 'test.yaml' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('invalid sandbox seed test.yaml:');
    for (const expected of [
      'account: must be a 12-digit account ID',
      'caller: "root" is not one of the users',
      'passwordPolicy: unknown field "expirePasswords"',
      'passwordPolicy.minimumPasswordLength: must be a whole number from 6 to 128',
      'users[0].createDate: must be an ISO 8601 timestamp',
      'users[1].name: "Alice" is already used by "alice"',
      'users[2].name: "bad name" must be 1-64 characters',
      'users[2].path: "staff" must be "/"',
      'users[2].mfa: must be true or false',
      'users[3].accessKeys[0].status: must be Active or Inactive',
      'users[3].loginProfile: unknown field "password"',
    ]) {
      expect(message).toContain(expected);
    }
  });

  it('names the file when a seed is not valid YAML', async () => {
    const path = join(tempDir(), 'broken.yaml');
    writeFileSync(path, 'users: [unclosed\n');
    await expect(startSandbox({ port: 0, seed: path })).rejects.toThrow(`sandbox seed ${path} is not valid YAML`);
  });

  it('answers InvalidClientTokenId once the caller has been deleted', async () => {
    const { iam, sandbox } = await sandboxWith({ seed: { account: '111122223333', caller: 'temp', users: [{ name: 'temp' }, { name: 'other' }] } });
    await iam.send(new DeleteUserCommand({ UserName: 'temp' }));
    const error = await failure(iamClient(sandbox).send(new ListUsersCommand({})));
    expect(error.name).toBe('InvalidClientTokenId');
    expect(error.$metadata.httpStatusCode).toBe(403);
  });
});
