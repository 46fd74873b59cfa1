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

Warnings (1):
  IP108 alice's new generated password has no OpenPGP key to be encrypted to: it can only be shown once or written in plain text
         fix: give alice a pgpKey (or a key in defaults.pgpKeyDir), or apply with --password-dir DIR or --reveal

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
    plan.warnings = [{ id: 'IP999', user: 'a', message: 'a needs attention', fix: 'do the thing' }];
    const text = renderTextPlan(plan, PLAIN);
    expect(text).toContain('Warnings (1):\n  IP999 a needs attention\n         fix: do the thing\n');
    expect(text.indexOf('Warnings')).toBeLessThan(text.indexOf('Plan: 1 to add'));
  });
});

describe('acknowledged warnings and the report note in the text plan', () => {
  it('counts acknowledged warnings, shows the reason instead of the fix, and says how old the credential report was', () => {
    const plan = diff(desiredState({ users: [{ name: 'a' }] }), liveState({ users: [liveUser('a', null)] }));
    plan.warnings = [
      { id: 'IP101', user: 'b', message: 'b keeps 1 active access key', fix: 'deactivate it' },
      { id: 'IP103', user: 'a', message: 'a gets console access without an MFA device (CIS 1.10)', fix: 'assign one', acknowledged: { reason: 'key on order' } },
    ];
    plan.credentialReport = { generatedTime: '2026-11-27T08:00:00.000Z', ageMinutes: 185 };
    const text = renderTextPlan(plan, PLAIN);
    expect(text).toContain(
      'Warnings (2, 1 acknowledged):\n' +
        '  IP101 b keeps 1 active access key\n' +
        '         fix: deactivate it\n' +
        '  IP103 a gets console access without an MFA device (CIS 1.10)\n' +
        '         acknowledged: key on order\n\n' +
        'Advisories used the credential report generated 2026-11-27 08:00 UTC, 3 hours 5 minutes before this plan.\n',
    );
    expect(renderTextPlan(plan, COLOR)).toContain('\u001b[33mIP101\u001b[39m');
    expect(renderTextPlan(plan, COLOR)).not.toContain('\u001b[33mIP103');
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
      users: [{ name: 'bob', passwordResetRequired: false }, { name: 'carol', pgpKey: '/keys/carol.asc' }, { name: 'svc', console: false }],
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
