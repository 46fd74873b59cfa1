import { describe, expect, it } from 'vitest';
import { generatePassword } from '../../src/apply/password.js';
import { AWS_DEFAULT_PASSWORD_RULES, IAM_SYMBOLS, rulesOfPolicy } from '../../src/model/policy.js';
import { CIS_POLICY } from '../support/builders.js';

const classes = {
  upper: /[A-Z]/,
  lower: /[a-z]/,
  digit: /[0-9]/,
  symbol: new RegExp(`[${IAM_SYMBOLS.replace(/[\]\\^-]/g, '\\$&')}]`),
};

describe('generatePassword', () => {
  it('always contains every character class, drawn only from IAM-valid characters', () => {
    for (let i = 0; i < 500; i++) {
      const p = generatePassword(AWS_DEFAULT_PASSWORD_RULES);
      for (const re of Object.values(classes)) expect(p).toMatch(re);
      for (const ch of p) expect(/[A-Za-z0-9]/.test(ch) || IAM_SYMBOLS.includes(ch)).toBe(true);
    }
  });

  it('is 20 characters by default and never shorter than the policy minimum', () => {
    expect(generatePassword(AWS_DEFAULT_PASSWORD_RULES)).toHaveLength(20);
    expect(generatePassword(rulesOfPolicy({ ...CIS_POLICY, minimumLength: 40 }, 'desired policy'))).toHaveLength(40);
    expect(generatePassword(rulesOfPolicy({ ...CIS_POLICY, minimumLength: 128 }, 'desired policy'), 200)).toHaveLength(128);
  });

  it('does not repeat itself', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => generatePassword(AWS_DEFAULT_PASSWORD_RULES)));
    expect(seen.size).toBe(1000);
  });
});
