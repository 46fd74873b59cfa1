import { describe, expect, it } from 'vitest';
import { diff } from '../../src/plan/diff.js';
import { planDocument, type PlanDocument } from '../../src/plan/document.js';
import { driftReport } from '../../src/plan/drift.js';
import { parseIgnoreRules } from '../../src/plan/ignore.js';
import { FOLD_LINES, GITHUB_COMMENT_LIMIT, renderMarkdownDrift, renderMarkdownPlan } from '../../src/render/markdown.js';
import { CIS_POLICY, desiredState, liveState, liveUser, profile, documentOf } from '../support/builders.js';

const CONFIG = { file: 'iampass.yaml', sha256: '0123456789abcdef'.repeat(4) };

function smallPlan(): PlanDocument {
  const desired = desiredState({
    passwordPolicy: { kind: 'custom', policy: CIS_POLICY },
    users: [{ name: 'alice', pgpKey: '/keys/alice.asc' }, { name: 'bob', console: false }, { name: 'carol', passwordResetRequired: false }],
    scope: { unlisted: 'disable', protected: ['breakglass'] },
  });
  const live = liveState({
    passwordPolicy: { ...CIS_POLICY, minimumLength: 8, requireSymbols: false },
    users: [
      liveUser('alice', null),
      liveUser('bob', profile(), { passwordLastUsed: '2026-10-01T00:00:00.000Z' }),
      liveUser('breakglass', profile()),
      liveUser('carol', profile(true)),
    ],
    outOfScopeCount: 3,
  });
  const plan = diff(desired, live);
  plan.warnings.push({ id: 'IP999', user: 'alice', message: 'alice cannot change her password <yet>', fix: 'attach IAMUserChangePassword' });
  return documentOf(plan, CONFIG, live);
}

/** `n` users without a password, all listed with console: true: n creates, one warning per `warnEvery` users. */
function hugePlan(n: number, warnings: number): PlanDocument {
  const names = Array.from({ length: n }, (_, i) => `user-${String(i).padStart(5, '0')}`);
  const live = liveState({ passwordPolicy: { ...CIS_POLICY, minimumLength: 8 }, users: names.map((name) => liveUser(name, null)) });
  const plan = diff(desiredState({ passwordPolicy: { kind: 'custom', policy: CIS_POLICY }, users: names.map((name) => ({ name, pgpKey: `/keys/${name}.asc` })) }), live);
  for (let i = 0; i < warnings; i++) {
    plan.warnings.push({ id: `IP${String(100 + (i % 3))}`, user: names[i] as string, message: `${names[i]} warning number ${i}`, fix: `fix number ${i}` });
  }
  return documentOf(plan, CONFIG, live);
}

describe('the markdown plan (a pull-request comment)', () => {
  it('has a title with the account and summary, every warning, and the actions as a diff with the symbol in column 0', () => {
    expect(renderMarkdownPlan(smallPlan())).toBe(`<!-- iampass:plan account=123456789012 config=iampass.yaml -->
### iampass plan · account 123456789012 · Plan: 1 to add, 2 to change, 1 to destroy.

From \`iampass.yaml\` (sha256 \`0123456789ab\`), read as \`arn:aws:iam::123456789012:user/admin\`.

**Warnings (1)**

- \`IP999\` alice cannot change her password &lt;yet&gt;. Fix: attach IAMUserChangePassword

\`\`\`diff
~ password policy: update the password policy
#   the live policy differs in minimumLength, requireSymbols
-     minimumLength: 8
+     minimumLength: 14
      requireUppercase: true
      requireLowercase: true
      requireNumbers: true
-     requireSymbols: false
+     requireSymbols: true
      allowUsersToChangePassword: true
      maxAgeDays: 90
      reusePrevention: 24
      hardExpiry: false
+ alice: enable console access with a generated password, reset required at first sign-in
#   listed with console: true and has no console password
~ carol: clear the pending password reset
#   a password reset is pending but the file sets passwordResetRequired: false
- bob: disable console access (last sign-in 2026-10-01; access keys, if any, keep working)
#   listed with console: false
= breakglass: kept: in scope and unlisted with scope.unlisted: disable, but protected by scope.protected
\`\`\`

_3 users out of scope._
`);
  });

  it('says there is nothing to do without an empty block', () => {
    const plan = diff(desiredState({ users: [{ name: 'a' }] }), liveState({ users: [liveUser('a', profile())] }));
    const md = renderMarkdownPlan(planDocument(plan, CONFIG, { passwordPolicy: null, users: [] }, [], '/work'));
    expect(md).toContain('### iampass plan · account 123456789012 · No changes. Live IAM matches the configuration.\n');
    expect(md).not.toContain('```');
  });

  it(`folds a block longer than ${FOLD_LINES} lines into <details>`, () => {
    const md = renderMarkdownPlan(hugePlan(20, 0));
    expect(md).toContain('<details><summary>Show 21 actions (52 lines)</summary>\n\n```diff\n~ password policy');
    expect(md).toMatch(/```\n\n<\/details>\n/);
  });

  it('keeps a 5,000-action plan under the 65,536-character limit, cutting the middle, never the summary or a warning', () => {
    const doc = hugePlan(5_000, 40);
    const md = renderMarkdownPlan(doc);
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT * 0.9);
    expect(md).toContain('### iampass plan · account 123456789012 · Plan: 5000 to add, 1 to change, 0 to destroy.');
    for (const w of doc.warnings) expect(md).toContain(`- \`${w.id}\` ${w.message}. Fix: ${w.fix}`);
    // the start and the end of the block survive; one line says how much is not shown, inside the block
    expect(md).toContain('```diff\n~ password policy: update the password policy\n');
    expect(md).toContain('+ user-04999: enable console access');
    expect(md).not.toContain('+ user-02500: enable console access');
    expect(md).toMatch(/\n@@ [\d,]+ lines not shown here: the saved plan and the job log have every action @@\n/);
    expect(md).toMatch(/```\n\n<\/details>\n/);
    const block = md.slice(md.indexOf('```diff'), md.lastIndexOf('```'));
    for (const line of block.split('\n').slice(1, -1)) expect(line).toMatch(/^([+~= #-]|@@)/);
  });

  it('groups warnings by id when there are too many to list, still naming every id', () => {
    const doc = hugePlan(5_000, 5_000);
    const md = renderMarkdownPlan(doc);
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).toContain('Plan: 5000 to add, 1 to change, 0 to destroy.');
    expect(md).toContain('**Warnings (5000)**');
    expect(md).toContain('- `IP100` × 1667 (user-00000, user-00003, user-00006, user-00009, user-00012, …): user-00000 warning number 0. Fix: fix number 0');
    expect(md).toContain('- `IP101` × 1667');
    expect(md).toContain('- `IP102` × 1666');
  });
});

describe('the markdown drift report', () => {
  it('says per item what live IAM has and what the file wants, and what the ignore rules quieted', () => {
    const desired = desiredState({ passwordPolicy: { kind: 'custom', policy: CIS_POLICY }, users: [{ name: 'carol', pgpKey: '/keys/carol.asc' }, { name: 'bob', console: false }, { name: 'svc-1', console: false }] });
    const live = liveState({
      passwordPolicy: { ...CIS_POLICY, minimumLength: 8 },
      users: [
        liveUser('bob', profile(), { passwordLastUsed: '2026-10-01T00:00:00.000Z' }),
        liveUser('carol', null),
        liveUser('svc-1', profile()),
      ],
    });
    const { rules } = parseIgnoreRules('user:svc-*\npolicy.hardExpiry\n', '.iampassignore');
    const report = driftReport({ plan: diff(desired, live), live, config: CONFIG, checkedAt: '2026-11-27T06:00:00.000Z', rules });
    expect(renderMarkdownDrift(report)).toBe(`<!-- iampass:drift account=123456789012 config=iampass.yaml -->
### iampass drift · account 123456789012 · Drift: 3 items in live IAM differ from iampass.yaml (1 ignored).

Checked 2026-11-27T06:00:00.000Z against \`iampass.yaml\` (sha256 \`0123456789ab\`), read as \`arn:aws:iam::123456789012:user/admin\`.

\`\`\`diff
~ policy.minimumLength
    live IAM:  8
    the file:  14
+ user:carol:console
    live IAM:  no console password
    the file:  a console password (console: true)
- user:bob:console
    live IAM:  a console password (created 2026-01-02T03:04:05.000Z, last used 2026-10-01T00:00:00.000Z)
    the file:  no console password
\`\`\`

**Ignore rules**

- \`user:svc-*\` (.iampassignore:1): 1 item ignored
- \`policy.hardExpiry\` (.iampassignore:2): matched nothing
`);
  });
});
