import { describe, expect, it } from 'vitest';
import type { ChangeEvent, TrackedEvent } from '../../src/model/attribution.js';
import { attribute, iampassVersion, isSettled, matches, planLookups, type LookupOutcome, type LookupQuery } from '../../src/plan/attribution.js';
import type { DriftItem, DriftReport } from '../../src/plan/drift.js';

const CHECKED = '2026-12-01T12:00:00.000Z';

function consoleItem(user: string, live: boolean, created: string | null = live ? '2026-11-20T10:00:00.000Z' : null): DriftItem {
  return {
    kind: 'console',
    address: `user:${user}:console`,
    user,
    live,
    desired: !live,
    reason: 'listed',
    fix: live ? 'delete-login-profile' : 'create-login-profile',
    loginProfileCreated: created,
    passwordLastUsed: null,
  };
}

function resetItem(user: string): DriftItem {
  return {
    kind: 'pending-reset',
    address: `user:${user}:passwordResetRequired`,
    user,
    live: true,
    desired: false,
    reason: 'a reset is pending',
    fix: 'update-login-profile',
    loginProfileCreated: '2026-10-01T00:00:00.000Z',
    passwordLastUsed: null,
  };
}

const policyField: DriftItem = { kind: 'policy-field', address: 'policy.minimumLength', field: 'minimumLength', live: 8, desired: 14, reason: 'r', fix: 'update-password-policy' };
const policyDeleted: DriftItem = { kind: 'policy', address: 'policy', live: null, desired: null, reason: 'r', fix: 'update-password-policy' };

function event(eventName: TrackedEvent, eventTime: string, over: Partial<ChangeEvent> = {}): ChangeEvent {
  return {
    eventId: `${eventName}-${eventTime}`,
    eventName,
    eventTime,
    targetUser: null,
    passwordResetRequired: null,
    actor: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/mallory', name: 'mallory', roleArn: null, sessionName: null, sourceIdentity: null, accessKeyId: 'AKIAMALLORY' },
    sourceIp: '203.0.113.7',
    userAgent: 'aws-cli/2.15.0',
    errorCode: null,
    ...over,
  };
}

function report(items: DriftItem[]): DriftReport {
  return {
    formatVersion: 1,
    kind: 'drift',
    status: 'drifted',
    account: '123456789012',
    callerArn: 'arn:aws:iam::123456789012:user/admin',
    config: { file: 'iampass.yaml', sha256: 'a'.repeat(64) },
    checkedAt: CHECKED,
    mode: 'exact',
    summary: { drifted: items.length, ignored: 0 },
    items,
    ignored: [],
    kept: [],
    warnings: [],
    unchangedCount: 0,
    unlistedIgnoredCount: 0,
    outOfScopeCount: 0,
  };
}

const summary = (q: LookupQuery) => `${q.attribute.key}=${q.attribute.value} ${q.startTime.slice(0, 16)} [${q.serves.join(' ')}]`;

describe('planning LookupEvents queries: the fewest that cover every item', () => {
  it.each<[string, DriftItem[], string[]]>([
    ['nothing drifted: no query', [], []],
    [
      'policy fields share one query: UpdateAccountPasswordPolicy always sends the whole policy',
      [policyField, { ...policyField, address: 'policy.hardExpiry', field: 'hardExpiry' }],
      ['EventName=UpdateAccountPasswordPolicy 2026-09-02T12:00 [policy.minimumLength policy.hardExpiry]'],
    ],
    ['a policy that is gone: who deleted it', [policyDeleted], ['EventName=DeleteAccountPasswordPolicy 2026-09-02T12:00 [policy]']],
    [
      'one deleted console password: one event name (a tie with one user goes to the event name)',
      [consoleItem('bob', false)],
      ['EventName=DeleteLoginProfile 2026-09-02T12:00 [user:bob:console]'],
    ],
    [
      'a console password that exists: searched only from its creation (less 10 minutes)',
      [consoleItem('carol', true)],
      ['EventName=CreateLoginProfile 2026-11-20T09:50 [user:carol:console]'],
    ],
    [
      'a pending reset needs two event names: one query by user is cheaper',
      [resetItem('dana')],
      ['ResourceName=dana 2026-09-30T23:50 [user:dana:passwordResetRequired]'],
    ],
    [
      'many users, one event name: one query covers them all',
      [consoleItem('a', false), consoleItem('b', false), consoleItem('c', false)],
      ['EventName=DeleteLoginProfile 2026-09-02T12:00 [user:a:console user:b:console user:c:console]'],
    ],
    [
      'three users over three event names: by event name (a tie)',
      [consoleItem('a', false), consoleItem('b', true), resetItem('c')],
      [
        'EventName=DeleteLoginProfile 2026-09-02T12:00 [user:a:console]',
        'EventName=CreateLoginProfile 2026-09-30T23:50 [user:b:console user:c:passwordResetRequired]',
        'EventName=UpdateLoginProfile 2026-09-30T23:50 [user:c:passwordResetRequired]',
      ],
    ],
    [
      'a profile older than 90 days: the window still starts at CloudTrail\'s limit',
      [consoleItem('old', true, '2025-01-01T00:00:00.000Z')],
      ['EventName=CreateLoginProfile 2026-09-02T12:00 [user:old:console]'],
    ],
  ])('%s', (_name, items, expected) => {
    const queries = planLookups(items, CHECKED);
    expect(queries.map(summary)).toEqual(expected);
    for (const q of queries) expect(q.endTime).toBe(CHECKED);
  });
});

describe('matching an event to a drifted item', () => {
  it.each<[string, DriftItem, ChangeEvent, boolean]>([
    ['the deletion of bob\'s profile', consoleItem('bob', false), event('DeleteLoginProfile', '2026-11-30T00:00:00Z', { targetUser: 'bob' }), true],
    ['not another user\'s', consoleItem('bob', false), event('DeleteLoginProfile', '2026-11-30T00:00:00Z', { targetUser: 'alice' }), false],
    ['not a call IAM refused', consoleItem('bob', false), event('DeleteLoginProfile', '2026-11-30T00:00:00Z', { targetUser: 'bob', errorCode: 'AccessDenied' }), false],
    ['not a creation, for a deleted profile', consoleItem('bob', false), event('CreateLoginProfile', '2026-11-30T00:00:00Z', { targetUser: 'bob' }), false],
    ['the creation of the current profile', consoleItem('carol', true), event('CreateLoginProfile', '2026-11-20T10:00:01Z', { targetUser: 'carol' }), true],
    ['not the creation of an earlier profile', consoleItem('carol', true), event('CreateLoginProfile', '2026-11-01T00:00:00Z', { targetUser: 'carol' }), false],
    ['a reset set by UpdateLoginProfile', resetItem('dana'), event('UpdateLoginProfile', '2026-11-02T00:00:00Z', { targetUser: 'dana', passwordResetRequired: true }), true],
    ['not an update that left the flag alone', resetItem('dana'), event('UpdateLoginProfile', '2026-11-02T00:00:00Z', { targetUser: 'dana' }), false],
    ['not a creation without the flag (no reset)', resetItem('dana'), event('CreateLoginProfile', '2026-10-01T00:00:00Z', { targetUser: 'dana' }), false],
    ['a policy field, by any whole-policy update', policyField, event('UpdateAccountPasswordPolicy', '2026-11-02T00:00:00Z'), true],
    ['the AWS default, by a deletion', policyDeleted, event('DeleteAccountPasswordPolicy', '2026-11-02T00:00:00Z'), true],
  ])('%s', (_name, item, e, expected) => {
    expect(matches(item, e)).toBe(expected);
  });

  it('settles a query once every item it serves has a match, whatever older pages hold', () => {
    const items = [consoleItem('a', false), consoleItem('b', false)];
    const [query] = planLookups(items, CHECKED);
    const first = [event('DeleteLoginProfile', '2026-11-30T00:00:00Z', { targetUser: 'a' })];
    expect(isSettled(query as LookupQuery, items, first)).toBe(false);
    expect(isSettled(query as LookupQuery, items, [...first, event('DeleteLoginProfile', '2026-11-01T00:00:00Z', { targetUser: 'b' })])).toBe(true);
  });
});

describe('attributing a drift report', () => {
  const outcome = (query: LookupQuery, over: Partial<LookupOutcome> = {}): LookupOutcome => ({ query, pages: 1, complete: true, error: null, ...over });

  it('names the latest matching call, and recognises iampass\'s own writes by their user agent', () => {
    const items = [consoleItem('bob', false), policyField];
    const queries = planLookups(items, CHECKED);
    const events = [
      event('DeleteLoginProfile', '2026-11-01T00:00:00Z', { targetUser: 'bob', eventId: 'older' }),
      event('DeleteLoginProfile', '2026-11-30T08:00:00Z', { targetUser: 'bob', eventId: 'newest' }),
      event('UpdateAccountPasswordPolicy', '2026-11-29T00:00:00Z', { userAgent: 'aws-sdk-js/3.1169.0 ua/2.1 iampass/0.1.0', eventId: 'ours' }),
    ];
    const out = attribute(report(items), queries.map((q) => outcome(q)), events, 2);
    const [bob, policy] = out.items;
    expect(bob?.attribution).toMatchObject({ status: 'found', eventId: 'newest', eventName: 'DeleteLoginProfile', iampass: null, sourceIp: '203.0.113.7' });
    expect(policy?.attribution).toMatchObject({ status: 'found', eventId: 'ours', iampass: '0.1.0' });
    expect(out.attribution).toEqual({ calls: 2, since: '2026-09-02T12:00:00.000Z', note: 'Attributed 2 of 2 drifted items from CloudTrail (2 LookupEvents calls, events since 2026-09-02).' });
  });

  it.each<[string, DriftItem, Partial<LookupOutcome>, string]>([
    ['nothing in the window', consoleItem('bob', false), {}, 'no DeleteLoginProfile call for user bob in CloudTrail since 2026-09-02T12:00:00.000Z'],
    ['the search stopped at its page bound', consoleItem('bob', false), { complete: false, pages: 5 }, 'no DeleteLoginProfile call for user bob in the newest 5 pages of CloudTrail events iampass reads'],
    [
      'a profile created before CloudTrail\'s history',
      consoleItem('old', true, '2025-01-01T00:00:00.000Z'),
      {},
      "the login profile was created 2025-01-01T00:00:00.000Z, before CloudTrail's 90 days of history",
    ],
  ])('says why nothing was found: %s', (_name, item, over, reason) => {
    const queries = planLookups([item], CHECKED);
    const out = attribute(report([item]), queries.map((q) => outcome(q, over)), [], 1);
    expect(out.items[0]?.attribution).toEqual({ status: 'not-found', reason });
  });

  it('without permission: every item unavailable with the reason, the drift still reported', () => {
    const items = [consoleItem('bob', false), policyField];
    const queries = planLookups(items, CHECKED);
    const error = { message: 'LookupEvents: AccessDeniedException: User is not authorized to perform: cloudtrail:LookupEvents', denied: true };
    const out = attribute(report(items), queries.map((q) => outcome(q, { complete: false, pages: 0, error })), [], 1);
    expect(out.items.map((i) => i.attribution)).toEqual([
      { status: 'unavailable', reason: error.message },
      { status: 'unavailable', reason: error.message },
    ]);
    expect(out.items.map((i) => i.address)).toEqual(['user:bob:console', 'policy.minimumLength']);
    expect(out.attribution?.note).toBe(`Who changed each item is unknown: CloudTrail refused LookupEvents (${error.message}); allow cloudtrail:LookupEvents to see it.`);
  });

  it.each([
    ['aws-sdk-js/3.1169.0 ua/2.1 os/linux lang/js md/nodejs#20.20.2 api/iam#3.1169.0 m/E iampass/0.1.0', '0.1.0'],
    ['iampass/1.2.3-rc.1', '1.2.3-rc.1'],
    ['aws-cli/2.15.0 Python/3.11', null],
    ['not-iampass/0.1.0', null],
    [null, null],
  ])('reads the iampass version from the user agent %s', (agent, version) => {
    expect(iampassVersion(agent)).toBe(version);
  });
});
