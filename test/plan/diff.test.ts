import { describe, expect, it } from 'vitest';
import type { DesiredState, PolicyIntent } from '../../src/model/desired.js';
import { diff } from '../../src/plan/diff.js';
import type { LiveState, LoginProfile } from '../../src/model/live.js';
import type { PasswordPolicy } from '../../src/model/policy.js';
import type { Action } from '../../src/model/plan.js';
import { CIS_POLICY, desiredState, liveState, liveUser, profile } from '../support/builders.js';

/** An action reduced to what a reviewer checks: kind, subject, and the reset flag it leaves. */
function brief(a: Action): string {
  switch (a.kind) {
    case 'create-login-profile':
      return `create ${a.user} reset=${a.after.passwordResetRequired}`;
    case 'update-login-profile':
      return `update ${a.user} reset=${a.before.passwordResetRequired}->${a.after.passwordResetRequired}`;
    case 'delete-login-profile':
      return `delete ${a.user}`;
    case 'update-password-policy':
      return `update policy from ${a.before === null ? 'default' : 'custom'}`;
    case 'delete-password-policy':
      return 'delete policy';
  }
}

type Want = { console: boolean; passwordResetRequired?: boolean } | 'unlisted';

interface ProfileCase {
  name: string;
  want: Want;
  live: LoginProfile | null;
  unlisted?: 'ignore' | 'disable';
  protect?: boolean;
  expected: string[];
  kept?: string[];
}

const profileCases: ProfileCase[] = [
  { name: 'creates a profile for a listed user without one', want: { console: true }, live: null, expected: ['create u reset=true'] },
  {
    name: 'creates without a reset when the user entry says passwordResetRequired: false',
    want: { console: true, passwordResetRequired: false },
    live: null,
    expected: ['create u reset=false'],
  },
  { name: 'leaves an existing profile with no pending reset alone', want: { console: true }, live: profile(false), expected: [] },
  { name: 'leaves a pending reset alone when the file wants one', want: { console: true }, live: profile(true), expected: [] },
  {
    name: 'keeps the reset flag once the user has changed their password (no perpetual diff)',
    want: { console: true, passwordResetRequired: true },
    live: profile(false),
    expected: [],
  },
  {
    name: 'clears a pending reset the file says should not be there',
    want: { console: true, passwordResetRequired: false },
    live: profile(true),
    expected: ['update u reset=true->false'],
  },
  { name: 'deletes the profile of a user listed with console: false', want: { console: false }, live: profile(false), expected: ['delete u'] },
  { name: 'does nothing for console: false without a profile', want: { console: false }, live: null, expected: [] },
  { name: 'ignores an unlisted user with a profile under unlisted: ignore', want: 'unlisted', live: profile(), unlisted: 'ignore', expected: [] },
  { name: 'disables an unlisted user with a profile under unlisted: disable', want: 'unlisted', live: profile(), unlisted: 'disable', expected: ['delete u'] },
  { name: 'does nothing for an unlisted user without a profile under unlisted: disable', want: 'unlisted', live: null, unlisted: 'disable', expected: [] },
  {
    name: 'keeps a protected unlisted user under unlisted: disable, and says so',
    want: 'unlisted',
    live: profile(),
    unlisted: 'disable',
    protect: true,
    expected: [],
    kept: ['u'],
  },
  {
    name: 'never disables a protected user even if listed with console: false',
    want: { console: false },
    live: profile(),
    protect: true,
    expected: [],
    kept: ['u'],
  },
  { name: 'creates for a protected listed user like any other', want: { console: true }, live: null, protect: true, expected: ['create u reset=true'] },
];

describe('diff: login profiles', () => {
  it.each(profileCases)('$name', (c) => {
    const desired = desiredState({
      users: c.want === 'unlisted' ? [] : [{ name: 'u', ...c.want }],
      scope: { unlisted: c.unlisted ?? 'ignore', protected: c.protect ? ['u'] : [] },
    });
    const live = liveState({ users: [liveUser('u', c.live)] });
    const plan = diff(desired, live);
    expect(plan.actions.map(brief)).toEqual(c.expected);
    expect(plan.kept.map((k) => k.user)).toEqual(c.kept ?? []);
    expect(plan.unchangedCount + plan.actions.length + plan.kept.length).toBe(1);
  });
});

interface PolicyCase {
  name: string;
  intent: PolicyIntent;
  live: PasswordPolicy | null;
  expected: string[];
}

const policyCases: PolicyCase[] = [
  { name: 'unmanaged policy against the AWS default: nothing', intent: { kind: 'unmanaged' }, live: null, expected: [] },
  { name: 'unmanaged policy against a custom one: nothing', intent: { kind: 'unmanaged' }, live: CIS_POLICY, expected: [] },
  { name: 'default against the AWS default: nothing', intent: { kind: 'aws-default' }, live: null, expected: [] },
  { name: 'default against a custom policy: delete it', intent: { kind: 'aws-default' }, live: CIS_POLICY, expected: ['delete policy'] },
  { name: 'custom against the AWS default: set it', intent: { kind: 'custom', policy: CIS_POLICY }, live: null, expected: ['update policy from default'] },
  { name: 'custom against an equal policy: nothing', intent: { kind: 'custom', policy: CIS_POLICY }, live: { ...CIS_POLICY }, expected: [] },
  {
    name: 'custom against a different policy: update it',
    intent: { kind: 'custom', policy: CIS_POLICY },
    live: { ...CIS_POLICY, minimumLength: 8, maxAgeDays: null },
    expected: ['update policy from custom'],
  },
];

describe('diff: password policy', () => {
  it.each(policyCases)('$name', (c) => {
    const plan = diff(desiredState({ passwordPolicy: c.intent }), liveState({ passwordPolicy: c.live }));
    expect(plan.actions.map(brief)).toEqual(c.expected);
  });

  it('names every differing field in the reason, in policy order', () => {
    const plan = diff(
      desiredState({ passwordPolicy: { kind: 'custom', policy: CIS_POLICY } }),
      liveState({ passwordPolicy: { ...CIS_POLICY, reusePrevention: null, minimumLength: 8 } }),
    );
    expect(plan.actions[0]?.reason).toBe('the live policy differs in minimumLength, reusePrevention');
  });

  it('derives password rules from the desired policy when the file sets one', () => {
    const plan = diff(desiredState({ passwordPolicy: { kind: 'custom', policy: CIS_POLICY } }), liveState());
    expect(plan.passwordRules).toMatchObject({ source: 'desired policy', minimumLength: 14, minimumClasses: 4 });
  });

  it('derives password rules from the live policy when the file does not manage it', () => {
    const live = { ...CIS_POLICY, minimumLength: 30, requireSymbols: false };
    const plan = diff(desiredState(), liveState({ passwordPolicy: live }));
    expect(plan.passwordRules).toMatchObject({ source: 'live policy', minimumLength: 30, minimumClasses: 3 });
  });

  it('uses the AWS default rules when the file asks for the default, whatever is live', () => {
    const plan = diff(desiredState({ passwordPolicy: { kind: 'aws-default' } }), liveState({ passwordPolicy: CIS_POLICY }));
    expect(plan.passwordRules).toMatchObject({ source: 'AWS default', minimumLength: 8, minimumClasses: 3 });
  });
});

describe('diff: order and summary', () => {
  const desired: DesiredState = desiredState({
    passwordPolicy: { kind: 'custom', policy: CIS_POLICY },
    users: [
      { name: 'zed', console: true },
      { name: 'amy', console: false },
      { name: 'bob', console: true, passwordResetRequired: false },
      { name: 'cat', console: true },
    ],
    scope: { unlisted: 'disable', protected: ['root-ish'] },
  });
  const live: LiveState = liveState({
    passwordPolicy: null,
    users: [
      liveUser('amy', profile()),
      liveUser('bob', profile(true)),
      liveUser('cat', null),
      liveUser('old', profile()),
      liveUser('root-ish', profile()),
      liveUser('zed', null),
    ],
    unlistedIgnored: [],
    outOfScopeCount: 7,
  });

  it('puts the policy first, then creates and updates by name, then deletes by name', () => {
    expect(diff(desired, live).actions.map(brief)).toEqual([
      'update policy from default',
      'update bob reset=true->false',
      'create cat reset=true',
      'create zed reset=true',
      'delete amy',
      'delete old',
    ]);
  });

  it('counts adds, changes and destroys the Terraform way', () => {
    const plan = diff(desired, live);
    expect(plan.summary).toEqual({ add: 3, change: 1, destroy: 2 });
    expect(plan.kept).toEqual([
      { user: 'root-ish', reason: 'in scope and unlisted with scope.unlisted: disable, but protected by scope.protected' },
    ]);
    expect(plan.outOfScopeCount).toBe(7);
  });

  it('is deterministic whatever order live users arrive in, and does not mutate its inputs', () => {
    const before = JSON.stringify([desired, live]);
    const shuffled = { ...live, users: [...live.users].reverse() };
    expect(diff(desired, shuffled)).toEqual(diff(desired, live));
    expect(JSON.stringify([desired, live])).toBe(before);
  });

  it('gives every action a reason', () => {
    for (const a of diff(desired, live).actions) expect(a.reason.length).toBeGreaterThan(10);
  });

  it('plans nothing when live already matches', () => {
    const plan = diff(
      desiredState({ users: [{ name: 'a', console: true }, { name: 'b', console: false }] }),
      liveState({ users: [liveUser('a', profile(false)), liveUser('b', null)] }),
    );
    expect(plan.actions).toEqual([]);
    expect(plan.summary).toEqual({ add: 0, change: 0, destroy: 0 });
    expect(plan.unchangedCount).toBe(2);
  });
});
