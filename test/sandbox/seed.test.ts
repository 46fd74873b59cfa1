/** Seeds: the organization form, problems reported with file:line:col, and big seeds. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSeedFile, stateFromSeed } from '../../src/sandbox/seed.js';
import { startSandbox } from '../../src/sandbox/server.js';
import { writeStateFile } from '../../src/sandbox/state-file.js';
import { ORGANIZATION_SEED, tempDir } from './helpers.js';

function problemsIn(text: string): string {
  const path = join(tempDir(), 'seed.yaml');
  writeFileSync(path, text);
  try {
    stateFromSeed(readSeedFile(path));
  } catch (error) {
    return (error as Error).message.replaceAll(path, 'seed.yaml');
  }
  throw new Error('expected the seed to be refused');
}

const BROKEN_ORGANIZATION = `organization:
  management: "111111111111"
  ous:
    - name: Workloads
      ous:
        - name: Prod
        - name: Prod
caller: admin
accounts:
  - id: "111111111111"
    users:
      - name: admin
        accessKeys: [{ id: AKIASAME000000000001 }]
      - name: Admin
  - id: "222222222222"
    ou: Workloads/Production
    staus: ACTIVE
    users:
      - name: bob
        accessKeys: [{ id: AKIASAME000000000001 }]
    roles:
      - name: Deployer
        trustedPrincipals: [someone]
    events:
      - eventName: DeleteLoginProfile
        time: tomorrow
        by: nobody
        requestParameters: { userName: bob, password: hunter2 }
  - id: "222222222222"
`;

describe('seed problems', () => {
  it('lists every problem of an organization seed with file:line:col, in file order', () => {
    const message = problemsIn(BROKEN_ORGANIZATION);
    expect(message.split('\n')).toEqual([
      'invalid sandbox seed seed.yaml: 10 problems, nothing was started:',
      '  - seed.yaml:7:17: organization.ous[0].ous[1].name: "Prod" is already an OU under the same parent (AWS requires unique names there)',
      '  - seed.yaml:14:15: accounts[0].users[1].name: "Admin" is already used by "admin" (user names are unique case-insensitively)',
      '  - seed.yaml:16:9: accounts[1].ou: no OU "Workloads/Production" in the organization (OUs: Workloads, Workloads/Prod; or Root)',
      '  - seed.yaml:17:5: accounts[1]: unknown field "staus" (expected one of: id, name, email, status, joinedMethod, joinedTimestamp, ou, tags, passwordPolicy, managedPolicies, groups, users, roles, events)',
      '  - seed.yaml:20:28: accounts[1].users[0].accessKeys[0].id: "AKIASAME000000000001" is already the access key of accounts[0].users[0].accessKeys[0] (access key IDs are unique across all accounts)',
      '  - seed.yaml:23:29: accounts[1].roles[0].trustedPrincipals[0]: must be a 12-digit account ID, arn:aws:iam::ID:root, or the ARN of a user or role (arn:aws:iam::ID:user/NAME, arn:aws:iam::ID:role/NAME)',
      '  - seed.yaml:26:15: accounts[1].events[0].time: must be an ISO 8601 timestamp such as 2025-01-10T09:00:00Z',
      '  - seed.yaml:27:13: accounts[1].events[0].by: "nobody" is not a user of account 222222222222 (list them under users, as CloudTrail names only principals that exist)',
      '  - seed.yaml:28:45: accounts[1].events[0].requestParameters: "password": CloudTrail never records a password; leave it out',
      '  - seed.yaml:29:9: accounts[2].id: 222222222222 is already accounts[1]',
    ]);
  });

  it.each([
    { title: 'a management account that is not listed', seed: 'organization: { management: "999999999999" }\ncaller: admin\naccounts:\n  - id: "111111111111"\n    users: [{ name: admin }]\n', expected: 'seed.yaml:1:29: organization.management: 999999999999 is not one of the accounts' },
    { title: 'a caller who is not a user', seed: 'organization: { management: "111111111111" }\ncaller: root\naccounts:\n  - id: "111111111111"\n', expected: 'seed.yaml:2:9: caller: "root" is not one of the users of account 111111111111' },
    { title: 'an OU without an organization', seed: 'caller: { account: "111111111111", user: a }\naccounts:\n  - id: "111111111111"\n    ou: Prod\n    users: [{ name: a }]\n', expected: 'seed.yaml:4:9: accounts[0].ou: only accounts of an organization have an OU' },
    { title: 'several accounts and a bare caller', seed: 'caller: a\naccounts:\n  - id: "111111111111"\n    users: [{ name: a }]\n  - id: "222222222222"\n', expected: 'seed.yaml:1:9: caller: with several accounts and no organization, name the account too' },
    { title: 'single-account fields beside accounts', seed: 'account: "111111111111"\ncaller: a\naccounts:\n  - id: "111111111111"\n    users: [{ name: a }]\n', expected: 'seed.yaml:1:1: seed: unknown field "account" (expected one of: organization, caller, accounts)' },
    { title: 'a bad fixed access key ID', seed: 'account: "111111111111"\ncaller: a\nusers:\n  - name: a\n    accessKeys: [{ id: AKIA-short }]\n', expected: 'seed.yaml:5:24: users[0].accessKeys[0].id: "AKIA-short" must be AKIA followed by 16 characters of A-Z and 0-9 (20 in all)' },
  ])('reports $title', ({ seed, expected }) => {
    expect(problemsIn(seed)).toContain(expected);
  });

  it('points at the line and column of a YAML syntax error', () => {
    const path = join(tempDir(), 'broken.yaml');
    writeFileSync(path, 'account: "111111111111"\nusers:\n  - name: a\n   bad: indent\n');
    expect(() => readSeedFile(path)).toThrow(new RegExp(`^sandbox seed ${path} is not valid YAML:\\n  - ${path}:4:\\d+: \\S`));
  });
});

describe('organization seeds', () => {
  it('builds the example: the tree, OrganizationAccountAccessRole where Organizations creates it, and stable IDs', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    const state = stateFromSeed(readSeedFile(ORGANIZATION_SEED), now);
    expect(state.organization?.managementAccount).toBe('111111111111');
    expect(state.defaultCaller).toEqual({ account: '111111111111', user: 'admin' });
    const roles = Object.fromEntries(state.accounts.map((account) => [account.id, account.roles.map((role) => [role.name, role.trustedPrincipals, role.externalId])]));
    expect(roles).toEqual({
      '111111111111': [],
      '222222222222': [['OrganizationAccountAccessRole', ['111111111111'], null]],
      '333333333333': [['OrganizationAccountAccessRole', ['111111111111'], 'staging-external-id']],
      '444444444444': [['OrganizationAccountAccessRole', ['111111111111'], null]],
      '555555555555': [],
    });
    expect(stateFromSeed(readSeedFile(ORGANIZATION_SEED), now)).toEqual(state);
  });

  it('loads a 5,000-user account and still finds a duplicate at the very end', () => {
    const users = Array.from({ length: 5000 }, (_, i) => ({ name: `user-${String(i).padStart(4, '0')}`, accessKeys: [{}] }));
    const state = stateFromSeed({ value: { account: '111122223333', caller: 'user-0000', users }, source: 'big' });
    expect(state.accounts[0]!.users).toHaveLength(5000);
    const duplicated = [...users.slice(0, 4999), { name: 'USER-0000' }];
    expect(() => stateFromSeed({ value: { account: '111122223333', caller: 'user-0000', users: duplicated }, source: 'big' })).toThrow(
      'users[4999].name: "USER-0000" is already used by "user-0000"',
    );
  });
});

describe('state files', () => {
  it('refuses a state file of the single-account format 1, saying how to recover', async () => {
    const statePath = join(tempDir(), 'state.json');
    writeFileSync(statePath, JSON.stringify({ format: 1, account: '123456789012', caller: 'admin', passwordPolicy: null, users: [], credentialReport: null }));
    await expect(startSandbox({ port: 0, statePath })).rejects.toThrow(
      `sandbox state file ${statePath} was written by an older iampass sandbox (format 1; this one reads format 4); delete it to start again from the seed`,
    );
  });

  it('carries sessions and events to the next process', async () => {
    const statePath = join(tempDir(), 'state.json');
    const state = stateFromSeed(readSeedFile(ORGANIZATION_SEED));
    writeStateFile(statePath, state);
    const sandbox = await startSandbox({ port: 0, statePath });
    expect(sandbox.snapshot().accounts[1]!.events.map((event) => event.eventName)).toEqual(['DeleteLoginProfile', 'UpdateLoginProfile']);
    expect(sandbox.organization).toBe(state.organization!.id);
    await sandbox.close();
  });
});
