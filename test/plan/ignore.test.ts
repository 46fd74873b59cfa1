import { describe, expect, it } from 'vitest';
import { addressText, matchingRule, parseIgnoreRules, type DriftAddress } from '../../src/plan/ignore.js';

const rulesOf = (text: string) => {
  const parsed = parseIgnoreRules(text, '.iampassignore');
  expect(parsed.problems).toEqual([]);
  return parsed.rules;
};

describe('ignore rules', () => {
  const cases: Array<[string, DriftAddress, boolean]> = [
    ['policy', { subject: 'policy', field: 'maxAgeDays' }, true],
    ['policy', { subject: 'policy', field: null }, true],
    ['policy.maxAgeDays', { subject: 'policy', field: 'maxAgeDays' }, true],
    ['policy.maxAgeDays', { subject: 'policy', field: 'minimumLength' }, false],
    ['policy.maxAgeDays', { subject: 'policy', field: null }, false],
    ['user:bob', { subject: 'user', user: 'bob', field: 'console' }, true],
    ['user:bob', { subject: 'user', user: 'Bob', field: 'console' }, true],
    ['user:bob', { subject: 'user', user: 'bobby', field: 'console' }, false],
    ['user:svc-*', { subject: 'user', user: 'svc-deploy', field: 'passwordResetRequired' }, true],
    ['user:svc-*', { subject: 'user', user: 'xsvc-deploy', field: 'console' }, false],
    ['user:j?hn.smith', { subject: 'user', user: 'john.smith', field: 'console' }, true],
    ['user:j?hn.smith', { subject: 'user', user: 'johnxsmith', field: 'console' }, false],
    ['user:*:passwordResetRequired', { subject: 'user', user: 'carol', field: 'passwordResetRequired' }, true],
    ['user:*:passwordResetRequired', { subject: 'user', user: 'carol', field: 'console' }, false],
    ['user:*', { subject: 'policy', field: null }, false],
  ];
  it.each(cases)('%s matches %j: %s', (rule, address, expected) => {
    expect(matchingRule(rulesOf(rule), address) !== undefined).toBe(expected);
  });

  it('skips comments and blank lines, and records where each rule was written', () => {
    const rules = rulesOf('# deliberately left alone\n\npolicy.maxAgeDays   # set by the security team\nuser:breakglass\n');
    expect(rules.map((r) => [r.text, r.source])).toEqual([
      ['policy.maxAgeDays', '.iampassignore:3'],
      ['user:breakglass', '.iampassignore:4'],
    ]);
  });

  it('reports every bad rule at once, with where and a fix', () => {
    const { problems } = parseIgnoreRules('policy.maxAge\nuser:bob:consol\nuser:a b\nusers:bob\npolicy.\n', 'ignore');
    expect(problems).toEqual([
      { source: 'ignore:1', message: '`policy.maxAge`: unknown password policy field `maxAge`', hint: 'did you mean `policy.maxAgeDays`?' },
      { source: 'ignore:2', message: '`user:bob:consol`: unknown user field `consol`', hint: 'did you mean `user:bob:console`?' },
      {
        source: 'ignore:3',
        message: '`user:a b`: `a b` is not a user name or glob',
        hint: 'write user:NAME, with * and ? as wildcards (IAM names use letters, digits and + = , . @ _ -)',
      },
      { source: 'ignore:4', message: '`users:bob` is not an ignore rule', hint: 'rules are `policy`, `policy.FIELD`, `user:GLOB` or `user:GLOB:FIELD`' },
      { source: 'ignore:5', message: '`policy.`: no field after `policy.`', hint: expect.stringContaining('policy.minimumLength') },
    ]);
  });

  it('writes every address as the rule that ignores exactly it', () => {
    const addresses: DriftAddress[] = [
      { subject: 'policy', field: null },
      { subject: 'policy', field: 'hardExpiry' },
      { subject: 'user', user: 'a.b@c', field: 'console' },
    ];
    for (const address of addresses) {
      expect(matchingRule(rulesOf(addressText(address)), address)).toBeDefined();
    }
  });
});
