import { describe, expect, it } from 'vitest';
import { diff } from '../../src/plan/diff.js';
import { PLAIN, COLOR } from '../../src/render/ansi.js';
import { renderTextPlan } from '../../src/render/text.js';
import { CIS_POLICY, desiredState, liveState, liveUser, profile } from '../support/builders.js';

describe('the text plan', () => {
  it('shows each action with its symbol and reason, the policy as a field diff, and the summary line', () => {
    const plan = diff(
      desiredState({
        passwordPolicy: { kind: 'custom', policy: CIS_POLICY },
        users: [{ name: 'alice' }, { name: 'bob', console: false }, { name: 'carol', passwordResetRequired: false }],
        scope: { unlisted: 'disable', protected: ['breakglass'] },
      }),
      liveState({
        passwordPolicy: { ...CIS_POLICY, minimumLength: 8, requireSymbols: false },
        users: [
          liveUser('alice', null),
          liveUser('bob', profile(), { passwordLastUsed: '2026-10-01T00:00:00.000Z' }),
          liveUser('breakglass', profile()),
          liveUser('carol', profile(true)),
        ],
        outOfScopeCount: 3,
      }),
    );
    expect(renderTextPlan(plan, PLAIN)).toBe(`Account 123456789012 (as arn:aws:iam::123456789012:user/admin)

iampass will perform the following actions:

  ~ password policy  update the password policy
                     # the live policy differs in minimumLength, requireSymbols
       {
      -  minimumLength: 8
      +  minimumLength: 14
         requireUppercase: true
         requireLowercase: true
         requireNumbers: true
      -  requireSymbols: false
      +  requireSymbols: true
         allowUsersToChangePassword: true
         maxAgeDays: 90
         reusePrevention: 24
         hardExpiry: false
       }
  + alice            enable console access with a generated password, reset required at first sign-in
                     # listed with console: true and has no console password
  ~ carol            clear the pending password reset
                     # a password reset is pending but the file sets passwordResetRequired: false
  - bob              disable console access (last sign-in 2026-10-01; access keys, if any, keep working)
                     # listed with console: false

  = breakglass  kept: in scope and unlisted with scope.unlisted: disable, but protected by scope.protected

3 users out of scope.

Plan: 1 to add, 2 to change, 1 to destroy.
`);
  });

  it('says there is nothing to do in one line when live matches', () => {
    const plan = diff(desiredState({ users: [{ name: 'a' }] }), liveState({ users: [liveUser('a', profile())] }));
    expect(renderTextPlan(plan, PLAIN)).toContain('1 governed user unchanged.\n\nNo changes. Live IAM matches the configuration.\n');
  });

  it('colours symbols only when asked', () => {
    const plan = diff(desiredState({ users: [{ name: 'a' }] }), liveState({ users: [liveUser('a', null)] }));
    expect(renderTextPlan(plan, PLAIN)).not.toContain('\u001b[');
    expect(renderTextPlan(plan, COLOR)).toContain('\u001b[32m+\u001b[39m');
  });
});

describe('warnings in the text plan', () => {
  it('lists each warning with its id, message and fix, before the summary', () => {
    const plan = diff(desiredState({ users: [{ name: 'a' }] }), liveState({ users: [liveUser('a', null)] }));
    plan.warnings.push({ id: 'IP999', user: 'a', message: 'a needs attention', fix: 'do the thing' });
    const text = renderTextPlan(plan, PLAIN);
    expect(text).toContain('Warnings (1):\n  IP999 a needs attention\n         fix: do the thing\n');
    expect(text.indexOf('Warnings')).toBeLessThan(text.indexOf('Plan: 1 to add'));
  });
});

describe('the text drift report', () => {
  it('says per item what live IAM has and what the file wants, then the rules, then one summary line', async () => {
    const { driftReport } = await import('../../src/plan/drift.js');
    const { parseIgnoreRules } = await import('../../src/plan/ignore.js');
    const { renderTextDrift } = await import('../../src/render/text.js');
    const live = liveState({
      passwordPolicy: { ...CIS_POLICY, maxAgeDays: null },
      users: [liveUser('bob', profile(true)), liveUser('carol', null), liveUser('svc', profile())],
      outOfScopeCount: 2,
    });
    const desired = desiredState({
      passwordPolicy: { kind: 'custom', policy: CIS_POLICY },
      users: [{ name: 'bob', passwordResetRequired: false }, { name: 'carol' }, { name: 'svc', console: false }],
    });
    const { rules } = parseIgnoreRules('user:svc', '--ignore', false);
    const report = driftReport({ plan: diff(desired, live), live, config: { file: 'iampass.yaml', sha256: 'a'.repeat(64) }, checkedAt: 'now', rules });
    expect(renderTextDrift(report, PLAIN)).toBe(`Account 123456789012 (as arn:aws:iam::123456789012:user/admin)

  ~ policy.maxAgeDays
      live IAM:  never
      the file:  90
      # the file sets passwordPolicy.maxAgeDays to 90
  ~ user:bob:passwordResetRequired
      live IAM:  a password reset pending (created 2026-01-02T03:04:05.000Z, no recorded sign-in)
      the file:  no pending reset (passwordResetRequired: false)
      # a password reset is pending but the file sets passwordResetRequired: false
  + user:carol:console
      live IAM:  no console password
      the file:  a console password (console: true)
      # listed with console: true and has no console password

Ignore rules:
  user:svc (--ignore): 1 item ignored

2 users out of scope.

Drift: 3 items in live IAM differ from iampass.yaml (1 ignored).
Run \`iampass plan -c iampass.yaml\` to see the changes that converge it; \`iampass apply\` makes them.
`);
  });
});
