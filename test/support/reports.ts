/** Status and drift reports for the renderer and browser tests, with hostile strings where AWS lets callers choose them. */
import type { Attribution } from '../../src/model/attribution.js';
import { diff } from '../../src/plan/diff.js';
import { driftReport, type DriftReport } from '../../src/plan/drift.js';
import { buildStatus, type StatusReport } from '../../src/plan/status.js';
import { credentials, statusInput } from './status.js';
import { CIS_POLICY, desiredState, liveState, liveUser, profile } from './builders.js';

export const HOSTILE_AGENT = '<script>document.title="pwned"</script>"\'><img src=x onerror=alert(1)>';
export const HOSTILE_SESSION = '"><script>alert(2)</script>';

/** Three users: alice fine, bob without MFA and expired, carol without a password. */
export function statusReport(): StatusReport {
  const rows = [
    credentials('alice'),
    credentials('bob', { mfaActive: false, passwordLastChanged: '2026-01-01T00:00:00.000Z', passwordLastUsed: null }),
    credentials('carol', { passwordEnabled: false, activeAccessKeys: 0 }),
  ];
  const users = ['alice', 'bob', 'carol'].map((name) => ({ name, arn: `arn:aws:iam::123456789012:user/staff/${name}`, path: '/staff/', passwordLastUsed: null }));
  return buildStatus(
    statusInput({
      rows,
      users,
      desired: desiredState({ users: [{ name: 'alice', rotation: '2026-Q4' }, { name: 'bob' }, { name: 'carol', console: false }] }),
      profiles: new Map([
        ['alice', { createDate: '2026-10-02T12:00:00.000Z', passwordResetRequired: false }],
        ['bob', { createDate: '2026-01-01T00:00:00.000Z', passwordResetRequired: true }],
        ['carol', null],
      ]),
      tags: new Map([['alice', { 'iampass:rotation': '2026-Q3' }]]),
      outOfScopeCount: 4,
    }),
  );
}

export const MALLORY: Attribution = {
  status: 'found',
  eventName: 'DeleteLoginProfile',
  eventTime: '2026-11-30T08:00:00.000Z',
  eventId: 'e-1',
  actor: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/mallory', name: 'mallory', roleArn: null, sessionName: null, sourceIdentity: null, accessKeyId: 'AKIAMALLORY' },
  sourceIp: '203.0.113.7',
  userAgent: HOSTILE_AGENT,
  iampass: null,
};

export const ROLE_SESSION: Attribution = {
  status: 'found',
  eventName: 'UpdateAccountPasswordPolicy',
  eventTime: '2026-11-29T08:00:00.000Z',
  eventId: 'e-2',
  actor: {
    type: 'AssumedRole',
    arn: `arn:aws:sts::123456789012:assumed-role/Admin/${HOSTILE_SESSION}`,
    name: 'Admin',
    roleArn: 'arn:aws:iam::123456789012:role/Admin',
    sessionName: HOSTILE_SESSION,
    sourceIdentity: 'alice',
    accessKeyId: 'ASIAEXAMPLE',
  },
  sourceIp: '198.51.100.4',
  userAgent: 'aws-sdk-js/3.1169.0 iampass/0.1.0',
  iampass: '0.1.0',
};

/** The policy shortened, bob's password deleted by mallory, carol never given one; attributed. */
export function attributedDrift(): DriftReport {
  const live = liveState({
    passwordPolicy: { ...CIS_POLICY, minimumLength: 8 },
    users: [liveUser('bob', null, { passwordLastUsed: '2026-11-01T00:00:00.000Z' }), liveUser('carol', null), liveUser('dave', profile())],
  });
  const desired = desiredState({ passwordPolicy: { kind: 'custom', policy: CIS_POLICY }, users: [{ name: 'bob' }, { name: 'carol' }, { name: 'dave' }] });
  const report = driftReport({ plan: diff(desired, live), live, config: { file: 'iampass.yaml', sha256: 'b'.repeat(64) }, checkedAt: '2026-12-01T12:00:00.000Z', rules: [] });
  const byAddress: Record<string, Attribution> = {
    'policy.minimumLength': ROLE_SESSION,
    'user:bob:console': MALLORY,
    'user:carol:console': { status: 'not-found', reason: 'no DeleteLoginProfile call for user carol in CloudTrail since 2026-09-02T12:00:00.000Z' },
  };
  return {
    ...report,
    items: report.items.map((i) => ({ ...i, ...(byAddress[i.address] ? { attribution: byAddress[i.address] } : {}) })),
    attribution: { calls: 2, since: '2026-09-02T12:00:00.000Z', note: 'Attributed 2 of 3 drifted items from CloudTrail (2 LookupEvents calls, events since 2026-09-02).' },
  };
}
