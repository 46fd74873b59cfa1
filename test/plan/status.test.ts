import { describe, expect, it } from 'vitest';
import type { UserCredentials } from '../../src/model/facts.js';
import { buildStatus, type StatusInput, type StatusUser } from '../../src/plan/status.js';
import { CIS_POLICY, desiredState } from '../support/builders.js';
import { credentials, profile, REPORT_AT, statusInput } from '../support/status.js';

const alice = (input: StatusInput): StatusUser => buildStatus(input).users[0] as StatusUser;

describe('a governed user\'s status', () => {
  it('takes console access, creation and a pending reset from the login profile, the rest from the report', () => {
    expect(alice(statusInput({ profiles: new Map([['alice', profile(true)]]) }))).toEqual({
      user: 'alice',
      arn: 'arn:aws:iam::123456789012:user/alice',
      path: '/',
      desired: 'console',
      console: true,
      profileCreated: '2026-10-02T12:00:00.000Z',
      resetPending: true,
      lastSignIn: '2026-11-30T09:00:00.000Z',
      passwordLastChanged: '2026-10-02T12:00:00.000Z',
      passwordAgeDays: 60,
      passwordExpires: '2026-12-31T12:00:00.000Z',
      expired: false,
      mfa: true,
      activeAccessKeys: 1,
      rotation: null,
      unknown: [],
    });
  });

  it.each<[string, Partial<StatusInput> & { rows?: UserCredentials[] }, Partial<StatusUser>]>([
    ['a password past maxAgeDays has expired', { rows: [credentials('alice', { passwordLastChanged: '2026-08-01T00:00:00.000Z' })] }, { passwordAgeDays: 122, passwordExpires: '2026-10-30T00:00:00.000Z', expired: true }],
    ['no maximum age: never expires', { passwordPolicy: { ...CIS_POLICY, maxAgeDays: null } }, { passwordExpires: 'never', expired: false }],
    ['the AWS default policy: never expires', { passwordPolicy: null }, { passwordExpires: 'never', expired: false }],
    [
      'no login profile: nothing about a password applies',
      { profiles: new Map([['alice', null]]) },
      { console: false, profileCreated: null, resetPending: null, passwordLastChanged: null, passwordAgeDays: null, passwordExpires: null, expired: null },
    ],
    [
      'a profile made after the report: its password\'s age is not known',
      { profiles: new Map([['alice', profile(false, '2026-12-01T11:30:00.000Z')]]) },
      { console: true, passwordAgeDays: null, passwordExpires: null, unknown: ['passwordLastChanged: the password was set after the credential report'] },
    ],
    [
      'the latest sign-in of the report and ListUsers',
      { users: [{ name: 'alice', arn: 'arn:aws:iam::123456789012:user/alice', path: '/', passwordLastUsed: '2026-12-01T10:00:00.000Z' }] },
      { lastSignIn: '2026-12-01T10:00:00.000Z' },
    ],
    [
      'no report: console from the profile, the report\'s columns unknown and why',
      { credentialReport: { unknown: 'GetCredentialReport: AccessDenied: no' } },
      {
        console: true,
        mfa: null,
        activeAccessKeys: null,
        passwordAgeDays: null,
        unknown: ['passwordLastChanged: the credential report is unavailable', 'mfa, activeAccessKeys: the credential report is unavailable'],
      },
    ],
    [
      'fast: console from the report, creation and reset not read',
      { mode: 'fast', profiles: new Map() },
      { console: true, profileCreated: null, resetPending: null, passwordAgeDays: 60, unknown: ['profileCreated, resetPending: not read (--fast)'] },
    ],
    [
      'fast, and the report does not list the user: the profile read says',
      { mode: 'fast', rows: [], profiles: new Map([['alice', profile(true)]]) },
      { console: true, resetPending: true, mfa: null, unknown: ['passwordLastChanged: not in the credential report (created after it)', 'mfa, activeAccessKeys: not in the credential report (created after it)'] },
    ],
    [
      'a rotation token: the one recorded and the file\'s',
      { desired: desiredState({ users: [{ name: 'alice', rotation: '2026-Q4' }] }), tags: new Map([['alice', { 'iampass:rotation': '2026-Q3' }]]) },
      { rotation: { desired: '2026-Q4', recorded: '2026-Q3' } },
    ],
    [
      'a rotation token whose tag was not read (fast)',
      { mode: 'fast', profiles: new Map(), desired: desiredState({ users: [{ name: 'alice', rotation: '2026-Q4' }] }) },
      { rotation: null, unknown: ['profileCreated, resetPending: not read (--fast)', 'rotation: not read (--fast; ListUserTags costs a call per user)'] },
    ],
    ['unlisted, governed by scope.unlisted: disable', { desired: desiredState({ scope: { unlisted: 'disable' } }) }, { desired: 'unlisted' }],
  ])('%s', (_name, over, expected) => {
    expect(alice(statusInput(over))).toMatchObject(expected);
  });
});

describe('the status report', () => {
  it('counts users by what needs attention, and says a fast run did not read resets', () => {
    const rows = [credentials('alice'), credentials('bob', { mfaActive: false, activeAccessKeys: 0, passwordLastChanged: '2026-01-01T00:00:00.000Z' }), credentials('carol', { passwordEnabled: false })];
    const users = ['carol', 'bob', 'alice'].map((name) => ({ name, arn: `arn:aws:iam::123456789012:user/${name}`, path: '/', passwordLastUsed: null }));
    const desired = desiredState({ users: [{ name: 'alice' }, { name: 'bob' }, { name: 'carol', console: false }] });
    const exact = buildStatus(statusInput({ rows, users, desired, profiles: new Map([['alice', profile(true)], ['bob', profile()], ['carol', null]]) }));
    expect(exact.users.map((u) => u.user)).toEqual(['alice', 'bob', 'carol']);
    expect(exact.summary).toEqual({ users: 3, console: 2, resetPending: 1, expired: 1, withoutMfa: 1, withAccessKeys: 2 });
    const fast = buildStatus(statusInput({ rows, users, desired, mode: 'fast', profiles: new Map() }));
    expect(fast.summary).toEqual({ users: 3, console: 2, resetPending: null, expired: 1, withoutMfa: 1, withAccessKeys: 2 });
    expect(fast.credentialReport).toEqual({ generatedTime: REPORT_AT, ageMinutes: 60 });
  });

  it('says what each column cost, from the calls made', () => {
    const report = buildStatus(statusInput());
    expect(report.cost.calls).toBe(9);
    expect(report.cost.sources.map((s) => [s.columns.join(', '), s.calls])).toEqual([
      ['USER', 2],
      ['CONSOLE, CREATED, RESET', 1],
      ['LAST SIGN-IN, PASSWORD AGE, MFA, KEYS', 2],
      ['EXPIRES', 1],
      ['ROTATION', 0],
    ]);
  });
});
