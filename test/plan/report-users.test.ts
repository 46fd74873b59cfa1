import { describe, expect, it } from 'vitest';
import type { CredentialReport, UserCredentials } from '../../src/model/facts.js';
import { diff } from '../../src/plan/diff.js';
import { lastSignIn, listedFromReport, liveUserFromReport, unsettledByReport } from '../../src/plan/report-users.js';
import { desiredState, liveState } from '../support/builders.js';

function row(user: string, extra: Partial<UserCredentials> = {}): UserCredentials {
  return {
    user,
    arn: `arn:aws:iam::123456789012:user/staff/${user}`,
    userCreationTime: '2025-01-01T00:00:00.000Z',
    passwordEnabled: true,
    passwordLastUsed: '2026-11-20T00:00:00.000Z',
    passwordLastChanged: '2026-06-01T00:00:00.000Z',
    passwordNextRotation: null,
    mfaActive: true,
    activeAccessKeys: 0,
    ...extra,
  };
}

const report = (...rows: UserCredentials[]): CredentialReport => ({ generatedTime: '2026-11-27T10:00:00.000Z', users: new Map(rows.map((r) => [r.user, r])) });

describe('who the credential report settles', () => {
  it('settles the users it has a row for; without a report, nobody', () => {
    expect(unsettledByReport(report(row('ann'), row('ben')), ['ann', 'ben', 'cat'])).toEqual(['cat']);
    expect(unsettledByReport({ unknown: 'AccessDenied' }, ['ann', 'ben'])).toEqual(['ann', 'ben']);
  });

  it('lists its users with the path read from the ARN, leaving out rows that are not users', () => {
    const r = report(
      row('ann', { arn: 'arn:aws:iam::123456789012:user/ann' }),
      row('ben', { arn: 'arn:aws:iam::123456789012:user/a/b/ben' }),
      row('odd', { arn: 'arn:aws:iam::123456789012:role/odd' }),
      row('cat', { arn: 'arn:aws-us-gov:iam::123456789012:user/staff/cat', passwordLastUsed: null }),
    );
    expect(listedFromReport(r)).toEqual([
      { name: 'ann', arn: 'arn:aws:iam::123456789012:user/ann', path: '/', passwordLastUsed: '2026-11-20T00:00:00.000Z' },
      { name: 'ben', arn: 'arn:aws:iam::123456789012:user/a/b/ben', path: '/a/b/', passwordLastUsed: '2026-11-20T00:00:00.000Z' },
      { name: 'cat', arn: 'arn:aws-us-gov:iam::123456789012:user/staff/cat', path: '/staff/', passwordLastUsed: null },
    ]);
  });

  it('takes the later of two sign-in times', () => {
    expect(lastSignIn('2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z')).toBe('2026-02-01T00:00:00Z');
    expect(lastSignIn('2026-03-01T00:00:00Z', null)).toBe('2026-03-01T00:00:00Z');
    expect(lastSignIn(null, null)).toBeNull();
  });
});

describe('a live user from its report row', () => {
  const subject = (name: string, tags?: Record<string, string>) => ({
    name,
    arn: `arn:aws:iam::123456789012:user/staff/${name}`,
    path: '/staff/',
    passwordLastUsed: null,
    ...(tags ? { tags } : {}),
  });

  it('has console access as password_enabled says, and never a pending reset or a rotation it could not see', () => {
    const desired = desiredState({
      users: [
        { name: 'ann', console: true, passwordResetRequired: false },
        { name: 'ben', console: false },
        { name: 'cat', console: true, rotation: '2026-q4' },
      ],
    });
    const byName = new Map(desired.users.map((u) => [u.name, u]));
    const users = [
      liveUserFromReport(subject('ann'), row('ann'), byName.get('ann'), false),
      liveUserFromReport(subject('ben'), row('ben'), byName.get('ben'), false),
      liveUserFromReport(subject('cat'), row('cat', { passwordEnabled: false }), byName.get('cat'), false),
    ];
    expect(users.map((u) => [u.name, u.loginProfile])).toEqual([
      ['ann', { createDate: '', passwordResetRequired: false }],
      ['ben', { createDate: '', passwordResetRequired: false }],
      ['cat', null],
    ]);
    // Only what the report shows drifts: ben's console; cat is created (its token comes with it), nothing else.
    const plan = diff(desired, liveState({ users }));
    expect(plan.actions.map((a) => `${a.kind} ${'user' in a ? a.user : ''}`)).toEqual(['create-login-profile cat', 'delete-login-profile ben']);
  });

  it('takes the rotation token from tags the scope already read, so a changed token still shows', () => {
    const desired = desiredState({ users: [{ name: 'ann', console: true, rotation: '2026-q4' }] });
    const ann = liveUserFromReport(subject('ann', { 'iampass:rotation': '2026-q3' }), row('ann'), desired.users[0], false);
    expect(ann.rotation).toBe('2026-q3');
    expect(diff(desired, liveState({ users: [ann] })).actions.map((a) => a.kind)).toEqual(['update-login-profile']);
  });
});
