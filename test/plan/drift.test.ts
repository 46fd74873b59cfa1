import { describe, expect, it } from 'vitest';
import { diff } from '../../src/plan/diff.js';
import { driftReport, type DriftItem } from '../../src/plan/drift.js';
import { parseIgnoreRules } from '../../src/plan/ignore.js';
import type { LiveState } from '../../src/model/live.js';
import { CIS_POLICY, desiredState, liveState, liveUser, profile } from '../support/builders.js';
import type { DesiredState } from '../../src/model/desired.js';

const CONFIG = { file: 'iampass.yaml', sha256: 'a'.repeat(64) };

function drift(desired: DesiredState, live: LiveState, rules = '') {
  const parsed = parseIgnoreRules(rules, '.iampassignore');
  return driftReport({ plan: diff(desired, live), live, config: CONFIG, checkedAt: '2026-11-27T06:00:00.000Z', rules: parsed.rules });
}

describe('drift', () => {
  it('is in sync when the plan is empty', () => {
    const report = drift(desiredState({ users: [{ name: 'a' }] }), liveState({ users: [liveUser('a', profile())] }));
    expect(report).toMatchObject({ status: 'in-sync', summary: { drifted: 0, ignored: 0 }, items: [], unchangedCount: 1 });
  });

  it('names each differing policy field with both values', () => {
    const report = drift(
      desiredState({ passwordPolicy: { kind: 'custom', policy: CIS_POLICY } }),
      liveState({ passwordPolicy: { ...CIS_POLICY, minimumLength: 8, maxAgeDays: null } }),
    );
    expect(report.items).toEqual<DriftItem[]>([
      {
        kind: 'policy-field',
        address: 'policy.minimumLength',
        field: 'minimumLength',
        live: 8,
        desired: 14,
        reason: 'the file sets passwordPolicy.minimumLength to 14',
        fix: 'update-password-policy',
      },
      {
        kind: 'policy-field',
        address: 'policy.maxAgeDays',
        field: 'maxAgeDays',
        live: null,
        desired: 90,
        reason: 'the file sets passwordPolicy.maxAgeDays to 90',
        fix: 'update-password-policy',
      },
    ]);
  });

  it('treats a missing or unwanted custom policy as one item about the whole policy', () => {
    expect(drift(desiredState({ passwordPolicy: { kind: 'custom', policy: CIS_POLICY } }), liveState()).items).toMatchObject([
      { kind: 'policy', address: 'policy', live: null, desired: CIS_POLICY },
    ]);
    expect(drift(desiredState({ passwordPolicy: { kind: 'aws-default' } }), liveState({ passwordPolicy: CIS_POLICY })).items).toMatchObject([
      { kind: 'policy', address: 'policy', live: CIS_POLICY, desired: null, fix: 'delete-password-policy' },
    ]);
  });

  it('words a rotation not yet done, and a password nobody could confirm, as password items with the tokens', () => {
    const report = drift(
      desiredState({ users: [{ name: 'erin', rotation: 'r2' }, { name: 'fay' }] }),
      liveState({ users: [liveUser('erin', profile(), { rotation: 'r1' }), liveUser('fay', profile(), { unconfirmed: true })] }),
      'user:erin:password',
    );
    expect(report.summary).toEqual({ drifted: 1, ignored: 1 });
    expect(report.items).toEqual([
      {
        kind: 'password',
        address: 'user:fay:password',
        user: 'fay',
        live: null,
        desired: null,
        unconfirmed: true,
        reason: 'an earlier apply could not confirm which password IAM holds (recorded in the IAM group iampass-unconfirmed-passwords)',
        fix: 'update-login-profile',
        loginProfileCreated: '2026-01-02T03:04:05.000Z',
        passwordLastUsed: null,
      },
    ]);
    const rotation = drift(desiredState({ users: [{ name: 'erin', rotation: 'r2' }] }), liveState({ users: [liveUser('erin', profile(), { rotation: 'r1' })] }));
    expect(rotation.items[0]).toMatchObject({ kind: 'password', address: 'user:erin:password', live: 'r1', desired: 'r2', unconfirmed: false });
  });

  it('says when the profile was created and the password last used, where IAM said', () => {
    const report = drift(
      desiredState({ users: [{ name: 'bob', console: false }, { name: 'carol' }, { name: 'dave', passwordResetRequired: false }] }),
      liveState({
        users: [
          liveUser('bob', profile(), { passwordLastUsed: '2026-10-01T00:00:00.000Z' }),
          liveUser('carol', null, { passwordLastUsed: '2025-05-05T00:00:00.000Z' }),
          liveUser('dave', profile(true)),
        ],
      }),
    );
    expect(report.items).toEqual([
      {
        kind: 'console',
        address: 'user:carol:console',
        user: 'carol',
        live: false,
        desired: true,
        reason: 'listed with console: true and has no console password',
        fix: 'create-login-profile',
        loginProfileCreated: null,
        passwordLastUsed: '2025-05-05T00:00:00.000Z',
      },
      {
        kind: 'pending-reset',
        address: 'user:dave:passwordResetRequired',
        user: 'dave',
        live: true,
        desired: false,
        reason: 'a password reset is pending but the file sets passwordResetRequired: false',
        fix: 'update-login-profile',
        loginProfileCreated: '2026-01-02T03:04:05.000Z',
        passwordLastUsed: null,
      },
      {
        kind: 'console',
        address: 'user:bob:console',
        user: 'bob',
        live: true,
        desired: false,
        reason: 'listed with console: false',
        fix: 'delete-login-profile',
        loginProfileCreated: '2026-01-02T03:04:05.000Z',
        passwordLastUsed: '2026-10-01T00:00:00.000Z',
      },
    ]);
  });

  it('counts what each ignore rule quieted, including rules that matched nothing, and is in sync when all drift is ignored', () => {
    const report = drift(
      desiredState({ passwordPolicy: { kind: 'custom', policy: CIS_POLICY }, users: [{ name: 'svc-a', console: false }, { name: 'svc-b', console: false }] }),
      liveState({ passwordPolicy: { ...CIS_POLICY, maxAgeDays: null }, users: [liveUser('svc-a', profile()), liveUser('svc-b', profile())] }),
      'user:svc-*\npolicy.maxAgeDays\nuser:nobody\n',
    );
    expect(report.status).toBe('in-sync');
    expect(report.summary).toEqual({ drifted: 0, ignored: 3 });
    expect(report.ignored).toEqual([
      { rule: 'user:svc-*', source: '.iampassignore:1', matched: 2 },
      { rule: 'policy.maxAgeDays', source: '.iampassignore:2', matched: 1 },
      { rule: 'user:nobody', source: '.iampassignore:3', matched: 0 },
    ]);
  });

  it('ignores one policy field and still reports the others', () => {
    const report = drift(
      desiredState({ passwordPolicy: { kind: 'custom', policy: CIS_POLICY } }),
      liveState({ passwordPolicy: { ...CIS_POLICY, minimumLength: 8, maxAgeDays: null } }),
      'policy.maxAgeDays',
    );
    expect(report.status).toBe('drifted');
    expect(report.items.map((i) => i.address)).toEqual(['policy.minimumLength']);
  });
});
